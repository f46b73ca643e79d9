"""ResultStore against the real MongoDB-compatible server and Redis."""

import uuid

import pytest

from linguaflow.results.document import compact
from linguaflow.results.store import RedisCache, ResultStore


def coded(task_id: str, text: str = "hello") -> dict:
    return compact({
        "task_id": task_id, "code_map_version": 1, "status": "done", "source_language": "en",
        "media": {"uri": "s3://b/a.wav", "duration": 4.0}, "segments": [{"id": "0", "start": 0.0, "end": 4.0}],
        "models": {"asr": "faster-whisper/base/int8"},
        "languages": {"en": {"status": "done", "model": "asr", "audio": {"0": text}, "text": {}}},
        "created": "2026-11-24T00:00:00.000+00:00", "updated": "2026-11-24T00:00:00.000+00:00",
    })


def test_put_twice_leaves_one_document_and_keeps_created(store):
    tid = f"t-{uuid.uuid4().hex}"
    store.put(coded(tid, "first"))
    created = store.col.find_one({"_id": tid})["_c"]
    store.put(coded(tid, "second"))
    assert store.count(tid) == 1
    doc = store.get(tid)
    assert doc["2"]["0"]["A"] == "second" and doc["_c"] == created


def test_language_written_early_survives_a_later_failure(store):
    tid = f"t-{uuid.uuid4().hex}"
    store.put_language(tid, "zh", {"0": {"A": "你好"}}, "done", "llm")
    store.mark_failed(tid, "translate: ServiceUnavailable: 503")
    doc = store.get(tid)
    assert doc["1"] == {"0": {"A": "你好"}} and doc["_ls"]["1"] == "d"
    assert doc["_s"] == "f" and "503" in doc["_err"]


def test_cache_is_read_through_and_invalidated_on_write(store, services):
    tid = f"t-{uuid.uuid4().hex}"
    store.put(coded(tid, "v1"))
    assert store.cache.get(tid) is None  # a write leaves no stale copy
    assert store.get(tid)["2"]["0"]["A"] == "v1"
    assert store.cache.get(tid)["2"]["0"]["A"] == "v1"  # now cached
    store.put_language(tid, "en", {"0": {"A": "v2"}}, "done", "asr")
    assert store.cache.get(tid) is None
    assert store.get(tid)["2"]["0"]["A"] == "v2"


def test_queries_answer_from_mongodb_when_redis_is_down(services):
    down = ResultStore(redis_url="redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        tid = f"t-{uuid.uuid4().hex}"
        down.put(coded(tid))
        assert down.get(tid)["_id"] == tid
    finally:
        down.client.close()


def test_redis_cache_unconfigured_is_a_no_op():
    cache = RedisCache(None)
    cache.put("x", {"a": 1})
    assert cache.get("x") is None


def test_a_deleted_task_is_never_written_back_and_its_late_artefacts_go(store, bucket):
    from linguaflow import storage
    from linguaflow.errors import TaskDeleted

    tid = f"t-{uuid.uuid4().hex}"
    store.register(tid, "s3://b/a.wav", ["de"], "alice")
    old, deleted = store.tombstone(tid)
    assert deleted and old["_by"] == "alice" and old["_s"] == "q"
    assert store.tombstone(tid) == (None, False)  # deleting twice: nothing more to delete
    late = storage.write_json(storage.work_uri(tid, "translations", "de.json"), {"text": "a late step"})
    for write in (lambda: store.put_language(tid, "de", {"0": {"A": "Hallo"}}, "done", "m"),
                  lambda: store.put(coded(tid)), lambda: store.mark_failed(tid, "x"),
                  lambda: store.register(tid, "s3://b/a.wav", ["de"], "alice")):
        with pytest.raises(TaskDeleted):
            write()
    assert not storage.exists(late)  # what the late step wrote is removed with its write
    assert store.get(tid) is None and store.state(tid) is None
    assert store.col.find_one({"_id": tid}).keys() == {"_id", "_del", "_pend"}  # nothing of the task


def test_tombstone_of_a_task_with_no_document_yet_still_stops_its_first_write(store):
    from linguaflow.errors import TaskDeleted

    tid = f"t-{uuid.uuid4().hex}"
    assert store.tombstone(tid) == (None, True)
    with pytest.raises(TaskDeleted):
        store.merge(coded(tid))


def test_registration_is_kept_by_later_writes(store):
    tid = f"t-{uuid.uuid4().hex}"
    store.register(tid, "s3://b/a.wav", ["de", "zh"], "alice")
    assert store.state(tid) == "queued"
    store.merge({k: v for k, v in coded(tid).items() if k not in ("_c", "_u")} | {"_s": "r"})
    store.register(tid, "s3://b/a.wav", ["de", "zh"], "alice")  # the run's probe: the state stays
    store.put(coded(tid))  # package replaces the document, keeping who asked for what
    doc = store.get(tid)
    assert doc["_by"] == "alice" and doc["_tl"] == ["4", "1"] and doc["_s"] == "d"
