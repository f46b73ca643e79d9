"""Result store: coded documents in MongoDB (upsert by task id), hot copies in Redis.

Works against any MongoDB wire-compatible server; only the URI differs. Redis is a cache:
when it is down or not configured, every call still answers from MongoDB.
"""

from __future__ import annotations

import functools
import json
import logging

from ..errors import TaskDeleted
from ..settings import settings
from . import document
from .document import now_iso

log = logging.getLogger(__name__)

DEFAULT_COLLECTION = "results"
AUDIT_COLLECTION = "audit"
# what listing filters and sorts on (see listing.py); newest first, ties broken by task id
LIST_ORDER = [(document.CREATED, -1), (document.ID, -1)]
INDEXES = [document.MEDIA_URI, document.UPDATED, LIST_ORDER, document.STATE, document.SOURCE, document.TARGETS,
           document.CREATOR, document.FLAGGED, document.DELETED]
CACHE_TTL_S = 3600
# MongoDB refuses documents over 16 MiB; stay clear of it with room for the $set updates.
MAX_DOC_BYTES = 15 * 1024 * 1024


def _bson_size(doc: dict) -> int:
    import bson

    return len(bson.encode(doc))


def mongo_client(uri: str | None = None):
    """pymongo client from LINGUAFLOW_MONGO_URI, else from the Airflow connection `linguaflow_mongo`."""
    uri = uri or settings().mongo_uri
    if uri:
        import pymongo

        return pymongo.MongoClient(uri, serverSelectionTimeoutMS=settings().mongo_timeout_ms)
    from airflow.providers.mongo.hooks.mongo import MongoHook

    return MongoHook(mongo_conn_id=settings().mongo_conn_id).get_conn()


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

    def purge(self, task_id: str) -> int:
        """Delete every key of a task (its result and anything else named after it); how many.
        Unlike a cache miss, a failure here is raised: a deletion must not pass over Redis."""
        if self.client is None:
            return 0
        keys = {self.key(task_id).encode()}
        for pattern in (f"linguaflow:*:{task_id}", f"linguaflow:*:{task_id}:*"):  # never another task's
            keys.update(self.client.scan_iter(match=pattern, count=1000))  # ids hold no glob characters
        return self.client.delete(*keys)

    def invalidate(self, task_id: str) -> None:
        if self.client is None:
            return
        try:
            self.client.delete(self.key(task_id))
        except Exception as exc:
            log.warning("redis delete failed: %s", exc)


def _live(task_id: str) -> dict:
    """Filter matching a task's document unless it is a tombstone. An upsert with it fails with a
    duplicate key on a tombstone: a write after a delete can never recreate the document."""
    return {document.ID: task_id, document.DELETED: {"$exists": False}}


def _dropped_if_deleted(write):
    """A write of a deleted task raises TaskDeleted, and what the writing step may have left in
    object storage meanwhile (`work/<task id>/`) is removed."""

    @functools.wraps(write)
    def guarded(self, first, *args, **kwargs):
        import pymongo.errors

        task_id = first[document.ID] if isinstance(first, dict) else first
        for attempt in (1, 2):
            try:
                return write(self, first, *args, **kwargs)
            except pymongo.errors.DuplicateKeyError:
                if self.is_deleted(task_id):
                    break
                if attempt == 2:  # two first writes raced (an upsert filtered on $exists is not retried)
                    raise
        from .. import storage

        leftovers = storage.delete_tree(storage.work_uri(task_id))
        raise TaskDeleted(f"task {task_id!r} was deleted: write dropped, {leftovers} artefacts removed")

    return guarded


class SnapshotStore:
    """Read-only: the copy of a finished result that `package` keeps in object storage
    (`work/<task id>/result.json`), read when MongoDB is down."""

    def get(self, task_id: str) -> dict | None:
        from .. import storage

        uri = storage.work_uri(task_id, "result.json")
        return storage.read_json(uri) if storage.exists(uri) else None


class ResultStore:
    def __init__(
        self, client=None, db: str | None = None, collection: str = DEFAULT_COLLECTION, redis_url=None,
        max_doc_bytes: int = MAX_DOC_BYTES,
    ):
        self.max_doc_bytes = max_doc_bytes
        self.client = client or mongo_client()
        self.col = self.client[db or settings().mongo_db][collection]
        self.audit = self.client[db or settings().mongo_db][AUDIT_COLLECTION]
        self.cache = RedisCache(redis_url if redis_url is not None else settings().redis_url)
        for index in INDEXES:
            self.col.create_index(index)

    @_dropped_if_deleted
    def put(self, coded: dict) -> None:
        """Replace the whole document (idempotent: one document per task id, keeps when and by
        whom it was created and what was asked)."""
        task_id = coded["_id"]
        kept = (document.CREATED, document.CREATOR, document.TARGETS)
        old = self.col.find_one(_live(task_id), dict.fromkeys(kept, 1)) or {}
        doc = {**coded, **{k: old[k] for k in kept if k in old}, document.UPDATED: now_iso()}
        doc.setdefault(document.CREATED, now_iso())
        self.col.replace_one(_live(task_id), self._offload(doc), upsert=True)
        self.cache.invalidate(task_id)

    @_dropped_if_deleted
    def register(self, task_id: str, media_uri: str, targets: list[str], creator: str | None, run_id: str | None = None,
                 bleeped: bool = False) -> None:
        """Record a task the moment it is created (queued), so it is listed before any step ran;
        a later registration (the run's own probe) keeps the state the steps reached, and the
        creator is set once: a later run naming the same task id never takes it over."""
        now = now_iso()
        fields = document.registration_fields(media_uri, targets, run_id if run_id != task_id else None, bleeped)
        insert = {k: v for k, v in {**document.skeleton(), **document.queued_state()}.items()
                  if not any(f == k or f.startswith(k + ".") for f in fields)}
        insert["_m.d"] = 0.0
        if creator:
            insert[document.CREATOR] = creator
        self.col.update_one(_live(task_id), {"$set": {**fields, document.UPDATED: now},
                                             "$setOnInsert": {**insert, document.CREATED: now}}, upsert=True)
        self.cache.invalidate(task_id)

    def exists(self, task_id: str) -> bool:
        """A document (or the tombstone of a deleted task) holds this id."""
        return self.col.count_documents({document.ID: task_id}) > 0

    def put_language(self, task_id: str, lang: str, items: dict, state: str, model: str | None, flags: dict | None = None,
                     reasons: dict | None = None, quality: dict | None = None) -> None:
        """Write one language (coded items) as soon as it is done, so a later failure never loses it."""
        fields = document.language_fields(lang, items, state, model, flags, reasons, quality)
        code = document.language_key(lang)
        if _bson_size({code: items}) > self.max_doc_bytes // 4:  # too big to sit beside the others
            fields.pop(code)
            fields[f"{document.REFS}.{code}"] = self._write_ref(task_id, code, items)
            self._update(task_id, fields, unset={code: ""})
        else:
            self._update(task_id, fields, unset={f"{document.REFS}.{code}": ""})

    @_dropped_if_deleted
    def _update(self, task_id: str, fields: dict, unset: dict | None = None) -> None:
        """One partial upsert: $set fields (+ updated time), keep or create `_c`, drop the cached copy."""
        now = now_iso()
        # a write that creates the document gives it the skeleton, minus what it sets itself
        insert = {k: v for k, v in document.skeleton().items() if not any(f == k or f.startswith(k + ".") for f in fields)}
        update = {"$set": {**fields, document.UPDATED: now}, "$setOnInsert": {**insert, document.CREATED: now}}
        if unset:
            update["$unset"] = unset
        self.col.update_one(_live(task_id), update, upsert=True)
        self.cache.invalidate(task_id)

    def merge(self, coded: dict) -> None:
        """$set what a partial coded document holds, leaving the languages it lacks untouched."""
        self._update(coded[document.ID], document.merge_fields(coded))

    def state(self, task_id: str) -> str | None:
        """The task's stored readable state (None: no document yet)."""
        return document.state_of(self.col.find_one(_live(task_id), {document.STATE: 1}))

    def mark_failed(self, task_id: str, reason: str) -> None:
        """Record why a task failed; finished languages already stored stay as they are."""
        if self.state(task_id) == "cancelled":  # steps killed by a cancel fail too: the task stays cancelled
            return
        self._update(task_id, document.task_state_fields("failed", reason[:2000]))

    def mark_awaiting_review(self, task_id: str) -> None:
        """A person is asked to review flagged items before the result is published."""
        self._update(task_id, document.task_state_fields("awaiting_review"))

    def mark_cancelled(self, task_id: str) -> None:
        """Cancelled by a user: not a failure; whatever was finished stays."""
        self._update(task_id, document.task_state_fields("cancelled"))

    def mark_language_failed(self, task_id: str, lang: str, reason: str) -> None:
        """A language failed for good: the run is failed, the other languages stay."""
        reason = reason[:2000]
        fields = document.language_failed_fields(lang, reason)
        if self.state(task_id) != "cancelled":
            fields.update(document.task_state_fields("failed", reason))
        self._update(task_id, fields)

    def get(self, task_id: str) -> dict | None:
        """The coded document, with languages stored by reference read back in."""
        doc = self.cache.get(task_id)
        if doc is not None:
            return doc
        doc = self.col.find_one(_live(task_id))
        if doc is not None:
            doc = self._resolve(doc)
            self.cache.put(task_id, doc)
            if self.col.count_documents(_live(task_id)) == 0:  # deleted while we read: no stale copy
                self.cache.invalidate(task_id)
                return None
        return doc

    # -- documents over MongoDB's size limit: languages go to object storage, by reference --

    @staticmethod
    def _write_ref(task_id: str, code: str, items: dict) -> str:
        from .. import storage

        return storage.write_json(storage.work_uri(task_id, "result", f"{code}.json"), items)

    def _offload(self, doc: dict) -> dict:
        """Move the largest language sub-documents out until the document fits."""
        if _bson_size(doc) <= self.max_doc_bytes:
            return doc
        doc = dict(doc)
        refs = dict(doc.get(document.REFS) or {})
        codes = sorted((k for k in doc if document.is_language_key(k)), key=lambda k: _bson_size({k: doc[k]}), reverse=True)
        for code in codes:
            refs[code] = self._write_ref(doc["_id"], code, doc.pop(code))
            doc[document.REFS] = refs
            if _bson_size(doc) <= self.max_doc_bytes:
                break
        log.info("result %s over %d bytes: %d languages stored by reference", doc["_id"], self.max_doc_bytes, len(refs))
        return doc

    @staticmethod
    def _resolve(doc: dict) -> dict:
        from .. import storage

        for code, uri in (doc.get(document.REFS) or {}).items():
            doc[code] = storage.read_json(uri)
        return doc

    def recent(self, limit: int = 20) -> list[dict]:
        fields = dict.fromkeys(document.SUMMARY_FIELDS, 1)
        live = {document.DELETED: {"$exists": False}}
        return list(self.col.find(live, fields).sort(document.UPDATED, -1).limit(limit))

    def by_source(self, uri: str) -> list[dict]:
        live = {document.MEDIA_URI: uri, document.DELETED: {"$exists": False}}
        return [self._resolve(d) for d in self.col.find(live).sort(document.UPDATED, -1)]

    def find(self, where: dict, sort: list, limit: int) -> list[dict]:
        """Summaries matching a query (see `listing`), tombstones never among them."""
        where = {**where, document.DELETED: {"$exists": False}}
        return list(self.col.find(where, dict.fromkeys(document.SUMMARY_FIELDS, 1)).sort(sort).limit(limit))

    def count(self, task_id: str) -> int:
        return self.col.count_documents(_live(task_id))

    # -- deletion ---------------------------------------------------------------------------------

    def owner(self, task_id: str) -> tuple[bool, str | None, str | None]:
        """(whether a live document of the task exists, who created it, the id of its Airflow run
        when it differs); a tombstone counts as no document."""
        coded = self.col.find_one({document.ID: task_id}, {document.CREATOR: 1, document.DELETED: 1, document.RUN: 1})
        if coded is None or document.is_tombstone(coded):
            return False, None, None
        return True, coded.get(document.CREATOR), coded.get(document.RUN)

    def purge_pending(self, task_id: str) -> bool:
        """A deletion of the task began and its purge has not finished."""
        return self.col.count_documents({document.ID: task_id, document.PURGE_PENDING: True}) > 0

    def purge_cache(self, task_id: str) -> int:
        """Every Redis key of the task; how many there were."""
        return self.cache.purge(task_id)

    def created_before(self, cutoffs: dict[str, str], limit: int) -> list[str]:
        """Live task ids in one of the states of `cutoffs` created before its cutoff (ISO 8601),
        oldest first, at most `limit`: what retention deletes."""
        ors = [{document.STATE: document.state_code(state), document.CREATED: {"$lt": before}}
               for state, before in cutoffs.items()]
        if not ors:
            return []
        where = {"$or": ors, document.DELETED: {"$exists": False}}
        return [d[document.ID] for d in self.col.find(where, {document.ID: 1}).sort(document.CREATED, 1).limit(limit)]

    def tombstone(self, task_id: str) -> tuple[dict | None, bool]:
        """Replace a task's document by its tombstone, atomically: (the document it held, whether
        this call deleted it). From here on every write of the task fails (`TaskDeleted`)."""
        import pymongo.errors

        tomb = document.tombstone(now_iso())
        old = self.col.find_one_and_replace(_live(task_id), tomb)
        if old is None:  # no document (yet): the tombstone still stops a late first write
            try:
                self.col.insert_one({document.ID: task_id, **tomb})
            except pymongo.errors.DuplicateKeyError:
                if self.is_deleted(task_id):
                    return None, False  # deleted before
                old = self.col.find_one_and_replace(_live(task_id), tomb)  # created meanwhile
                if old is None:
                    return None, False
        self.cache.invalidate(task_id)
        return (self._resolve(old) if old else None), True

    def is_deleted(self, task_id: str) -> bool:
        return self.col.count_documents({document.ID: task_id, document.DELETED: {"$exists": True}}) > 0

    def purge_finished(self, task_id: str) -> None:
        self.col.update_one({document.ID: task_id, document.DELETED: {"$exists": True}},
                            {"$unset": {document.PURGE_PENDING: ""}})

    def unfinished_purges(self, older_than: str, limit: int = 100) -> list[str]:
        """Deleted tasks whose purge did not finish (the deleting process died), for a sweep."""
        where = {document.PURGE_PENDING: True, document.DELETED: {"$lt": older_than}}
        return [d[document.ID] for d in self.col.find(where, {document.ID: 1}).limit(limit)]

    def forget_tombstones(self, older_than: str) -> int:
        """Tombstones of finished purges past the time a late write could still arrive."""
        where = {document.DELETED: {"$lt": older_than}, document.PURGE_PENDING: {"$exists": False}}
        return self.col.delete_many(where).deleted_count

    def record_deletion(self, entry: dict) -> None:
        """The audit line of a deletion (who, when, what was removed); one per task, its deletion
        fields re-written (the redaction counts of the task stay beside them)."""
        self.audit.update_one({document.ID: entry["task_id"]}, {"$set": entry}, upsert=True)

    def record_redaction(self, task_id: str, counts: dict[str, int]) -> None:
        """How many pieces of personal data of each type the task's result has tagged (never what);
        on the task's audit line, re-written by each run."""
        self.audit.update_one({document.ID: task_id}, {"$set": {"task_id": task_id, "redacted": counts,
                                                                 "redacted_at": now_iso()}}, upsert=True)
