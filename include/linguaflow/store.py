"""Result store: coded documents in MongoDB (upsert by task id), hot copies in Redis.

Works against any MongoDB wire-compatible server; only the URI differs. Redis is a cache:
when it is down or not configured, every call still answers from MongoDB.
"""

from __future__ import annotations

import json
import logging
import os

from .result import now_iso

log = logging.getLogger(__name__)

DEFAULT_DB = "linguaflow"
DEFAULT_COLLECTION = "results"
CACHE_TTL_S = 3600


def mongo_client(uri: str | None = None):
    """pymongo client from LINGUAFLOW_MONGO_URI, else from the Airflow connection `linguaflow_mongo`."""
    uri = uri or os.environ.get("LINGUAFLOW_MONGO_URI")
    if uri:
        import pymongo

        return pymongo.MongoClient(uri, serverSelectionTimeoutMS=10_000)
    from airflow.providers.mongo.hooks.mongo import MongoHook

    return MongoHook(mongo_conn_id=os.environ.get("LINGUAFLOW_MONGO_CONN_ID", "linguaflow_mongo")).get_conn()


class RedisCache:
    """Read-through cache of coded documents; every failure is logged and treated as a miss."""

    def __init__(self, url: str | None):
        self.client = None
        if url:
            import redis

            self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    @staticmethod
    def key(task_id: str) -> str:
        return f"linguaflow:result:{task_id}"

    def mark_failed(self, task_id: str, reason: str) -> None:
        """Record why a task failed; finished languages already stored stay as they are."""
        now = now_iso()
        self.col.update_one(
            {"_id": task_id},
            {"$set": {"_s": "f", "_err": reason[:2000], "_u": now}, "$setOnInsert": {"_c": now}},
            upsert=True,
        )
        self.cache.invalidate(task_id)

    def get(self, task_id: str) -> dict | None:
        if self.client is None:
            return None
        try:
            raw = self.client.get(self.key(task_id))
        except Exception as exc:  # redis down: answer from MongoDB
            log.warning("redis get failed, reading MongoDB: %s", exc)
            return None
        return json.loads(raw) if raw else None

    def put(self, task_id: str, doc: dict) -> None:
        if self.client is None:
            return
        try:
            self.client.set(self.key(task_id), json.dumps(doc, separators=(",", ":")), ex=CACHE_TTL_S)
        except Exception as exc:
            log.warning("redis set failed: %s", exc)

    def invalidate(self, task_id: str) -> None:
        if self.client is None:
            return
        try:
            self.client.delete(self.key(task_id))
        except Exception as exc:
            log.warning("redis delete failed: %s", exc)


class ResultStore:
    def __init__(self, client=None, db: str | None = None, collection: str = DEFAULT_COLLECTION, redis_url=None):
        self.client = client or mongo_client()
        self.col = self.client[db or os.environ.get("LINGUAFLOW_MONGO_DB", DEFAULT_DB)][collection]
        self.cache = RedisCache(redis_url if redis_url is not None else os.environ.get("LINGUAFLOW_REDIS_URL"))
        self.col.create_index("_m.u")
        self.col.create_index("_u")

    def put(self, coded: dict) -> None:
        """Replace the whole document (idempotent: one document per task id, keeps `_c`)."""
        task_id = coded["_id"]
        old = self.col.find_one({"_id": task_id}, {"_c": 1})
        doc = {**coded, "_c": old["_c"] if old else coded.get("_c") or now_iso(), "_u": now_iso()}
        self.col.replace_one({"_id": task_id}, doc, upsert=True)
        self.cache.invalidate(task_id)

    def put_language(self, task_id: str, code: str, items: dict, status: str, model: str | None) -> None:
        """Write one language as soon as it is done, so a later failure never loses it."""
        now = now_iso()
        fields = {code: items, f"_ls.{code}": status, f"_e.{code}": model, "_u": now}
        self.col.update_one({"_id": task_id}, {"$set": fields, "$setOnInsert": {"_c": now}}, upsert=True)
        self.cache.invalidate(task_id)

    def mark_failed(self, task_id: str, reason: str) -> None:
        """Record why a task failed; finished languages already stored stay as they are."""
        now = now_iso()
        self.col.update_one(
            {"_id": task_id},
            {"$set": {"_s": "f", "_err": reason[:2000], "_u": now}, "$setOnInsert": {"_c": now}},
            upsert=True,
        )
        self.cache.invalidate(task_id)

    def get(self, task_id: str) -> dict | None:
        doc = self.cache.get(task_id)
        if doc is not None:
            return doc
        doc = self.col.find_one({"_id": task_id})
        if doc is not None:
            self.cache.put(task_id, doc)
        return doc

    def count(self, task_id: str) -> int:
        return self.col.count_documents({"_id": task_id})
