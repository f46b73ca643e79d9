"""Results benchmark: coded vs expanded size, result writes/s, cached vs uncached query latency.

Runs against the test services (`scripts/services.sh up`): SecantusDB (MongoDB wire protocol)
and Redis on loopback. Prints a Markdown table; `bench/RESULTS.md` holds a committed run.

    .venv/bin/python bench/results_bench.py
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
import uuid

from common import REPO  # noqa: E402 - the checkout measured, its include/ and tests/ on the path

from linguaflow.results.document import compact, expand  # noqa: E402
from linguaflow.results.store import ResultStore  # noqa: E402


def services() -> dict:
    pairs = (l.split("=", 1) for l in (REPO / ".linguaflow/services.env").read_text().splitlines() if "=" in l)
    return dict(pairs)


def ten_minute_document(task_id: str) -> dict:
    """A realistic 10-minute transcript: ~200 segments of ~3 s, 12-word sentences, in en/zh/ja."""
    sentence = {
        "en": "and you always want to see it in the superlative degree when it matters",
        "zh": "当事情重要的时候你总是希望看到它处于最高的程度",
        "ja": "大切なときにはいつも最上級の度合いでそれを見たいと思うものです",
    }
    segs = [{"id": str(i), "start": round(i * 3.0, 3), "end": round(i * 3.0 + 2.8, 3)} for i in range(200)]
    return {
        "task_id": task_id, "code_map_version": 1, "status": "done", "source_language": "en",
        "media": {"uri": f"s3://media/inbox/{task_id}.mp4", "duration": 600.0}, "segments": segs,
        "models": {"asr": "faster-whisper/base/int8"},
        "languages": {
            lang: {"status": "done", "model": "llamacpp/qwen2.5-0.5b-instruct-q4", "audio": {s["id"]: text for s in segs}, "text": {"title": text[:20]}}
            for lang, text in sentence.items()
        },
        "created": "2026-11-24T00:00:00.000+00:00", "updated": "2026-11-24T00:00:00.000+00:00",
    }


def readable_document(doc: dict) -> dict:
    """The naive alternative: per language a list of full segment records with readable keys."""
    return {
        **{k: v for k, v in doc.items() if k != "languages"},
        "languages": {
            lang: [{"id": s["id"], "start": s["start"], "end": s["end"], "source_kind": "audio", "text": e["audio"][s["id"]]} for s in doc["segments"]]
            + [{"id": i, "source_kind": "text", "text": t} for i, t in e["text"].items()]
            for lang, e in doc["languages"].items()
        },
    }


def main() -> None:
    env = services()
    os.environ.setdefault("LINGUAFLOW_WORK_ROOT", "file://" + str(REPO / ".linguaflow" / "bench"))
    os.environ.setdefault("LINGUAFLOW_MONGO_URI", env["LF_MONGO_URI"])
    store = ResultStore(db=f"bench_{uuid.uuid4().hex[:6]}", redis_url=env["LF_REDIS_URL"])
    doc = ten_minute_document("size")
    coded = compact(doc)
    assert expand(coded) == doc
    b = lambda x: len(json.dumps(x, ensure_ascii=False, separators=(",", ":")).encode())  # noqa: E731
    sizes = {"coded": b(coded), "expanded": b(doc), "readable per-segment records": b(readable_document(doc))}

    n = 300
    ids = [f"w-{uuid.uuid4().hex}" for _ in range(n)]
    t0 = time.perf_counter()
    for tid in ids:
        store.put({**coded, "_id": tid})
    writes = n / (time.perf_counter() - t0)

    lang_writes = 0
    t0 = time.perf_counter()
    for tid in ids[:100]:
        store.put_language(tid, "de", coded["1"], "done", "m")
        lang_writes += 1
    lang_rate = lang_writes / (time.perf_counter() - t0)

    def timed(fn, reps):
        out = []
        for tid in ids[:reps]:
            t = time.perf_counter()
            fn(tid)
            out.append((time.perf_counter() - t) * 1000)
        return out

    uncached = timed(lambda tid: (store.cache.invalidate(tid), store.get(tid)), 200)
    for tid in ids[:200]:
        store.get(tid)  # warm
    cached = timed(store.get, 200)
    no_redis = ResultStore(client=store.client, db=store.col.database.name, redis_url="")
    direct = timed(no_redis.get, 200)

    q = lambda xs: f"{statistics.median(xs):.2f} ms median, {sorted(xs)[int(len(xs) * 0.95)]:.2f} ms p95"  # noqa: E731
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"MongoDB-compatible server: SecantusDB 0.7.0b3 on loopback; Redis on loopback\n")
    print("| figure | value |\n|---|---|")
    for k, v in sizes.items():
        print(f"| 10-min transcript, 3 languages, {k} JSON | {v:,} bytes |")
    print(f"| coded / expanded size | {sizes['coded'] / sizes['expanded']:.2f} |")
    print(f"| coded / readable per-segment records | {sizes['coded'] / sizes['readable per-segment records']:.2f} |")
    print(f"| full result writes (replace, {n} docs of {sizes['coded']:,} B) | {writes:.1f} /s |")
    print(f"| per-language writes ($set of one language) | {lang_rate:.1f} /s |")
    print(f"| query, Redis hit | {q(cached)} |")
    print(f"| query, Redis miss (MongoDB + cache fill) | {q(uncached)} |")
    print(f"| query, no Redis (MongoDB only) | {q(direct)} |")
    store.client.drop_database(store.col.database.name)


if __name__ == "__main__":
    main()
