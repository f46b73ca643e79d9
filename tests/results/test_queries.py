"""Queries and oversize results against the real MongoDB-compatible server, Redis and S3."""

import uuid

import pytest
import srt

from linguaflow.results import queries
from linguaflow.errors import BadInput, NotFound
from linguaflow.results.document import compact, expand
from linguaflow.results.store import ResultStore


def document(task_id: str, n_segments: int = 3, langs=("en", "zh", "de"), text_len: int = 20, uri=None) -> dict:
    segs = [{"id": str(i), "start": i * 2.0, "end": i * 2.0 + 1.5} for i in range(n_segments)]
    fill = "x" * text_len
    return {
        "task_id": task_id, "code_map_version": 1, "status": "done", "source_language": "en",
        "media": {"uri": uri or f"s3://media/{task_id}.wav", "duration": n_segments * 2.0},
        "segments": segs, "models": {"asr": "faster-whisper/base/int8"},
        "languages": {
            lang: {"status": "done", "model": "m", "audio": {s["id"]: f"{lang} {s['id']} {fill}" for s in segs}, "text": {"title": lang}}
            for lang in langs
        },
        "created": "2026-11-24T00:00:00.000+00:00", "updated": "2026-11-24T00:00:00.000+00:00",
    }


def test_result_in_every_format(store):
    tid = f"q-{uuid.uuid4().hex}"
    store.put(compact(document(tid)))
    assert queries.result(store, tid)["_id"] == tid
    assert queries.result(store, tid, "expanded")["languages"]["zh"]["audio"]["1"].startswith("zh 1")
    assert queries.result(store, tid, "coded", "zh") == {"1": store.get(tid)["1"]}
    zh = queries.language(store, tid, "zh")
    assert [s["text"][:4] for s in zh["segments"]] == ["zh 0", "zh 1", "zh 2"] and zh["segments"][1]["start"] == 2.0
    subs = list(srt.parse(queries.result(store, tid, "srt", "de")))
    assert len(subs) == 3 and subs[2].content.startswith("de 2")
    assert queries.result(store, tid, "vtt", "de").startswith("WEBVTT")
    with pytest.raises(NotFound):
        queries.result(store, tid, "srt", "ja")
    with pytest.raises(BadInput):
        queries.result(store, tid, "pdf")
    with pytest.raises(NotFound):
        queries.result(store, "no-such-task")


def test_recent_and_by_source(store):
    uri = f"s3://media/{uuid.uuid4().hex}.mp4"
    a, b = f"r-{uuid.uuid4().hex}", f"r-{uuid.uuid4().hex}"
    store.put(compact(document(a, uri=uri)))
    store.put_language(b, "zh", {"0": {"A": "你好"}}, "done", "m")  # still running, one language done
    store.col.update_one({"_id": b}, {"$set": {"_m": {"u": uri, "d": 1.0}}})
    recent = {r["task_id"]: r for r in queries.recent(store, 50)}
    assert recent[a]["status"] == "done" and recent[a]["languages"] == {"en": "done", "zh": "done", "de": "done"}
    assert recent[b]["status"] == "running" and recent[b]["languages"] == {"zh": "done"}
    assert [r["task_id"] for r in queries.by_source(store, uri)] == [b, a]


def test_oversize_result_is_stored_by_reference_not_failed(services, s3, bucket):
    """A long transcript in many languages over the document limit: languages go to object storage."""
    small = ResultStore(max_doc_bytes=200_000)
    try:
        tid = f"big-{uuid.uuid4().hex}"
        doc = document(tid, n_segments=600, langs=("en", "zh", "ja", "de", "fr"), text_len=80)
        coded = compact(doc)
        small.put(coded)
        raw = small.col.find_one({"_id": tid})
        assert raw["_ref"] and not set(raw["_ref"]) & set(raw)  # moved out, not duplicated
        import bson

        assert len(bson.encode(raw)) <= 200_000
        got = small.get(tid)
        assert expand(got) == {**doc, "created": got["_c"], "updated": got["_u"]}
        small.cache.invalidate(tid)
        assert queries.language(small, tid, "ja")["segments"][599]["text"].startswith("ja 599")
        # a big language written on its own is stored by reference too
        small.put_language(tid, "fr", coded["5"], "done", "m")
        assert "5" in small.col.find_one({"_id": tid})["_ref"]
        assert small.get(tid)["5"] == coded["5"]
    finally:
        small.client.close()
