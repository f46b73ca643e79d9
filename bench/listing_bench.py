"""Listing benchmark: `GET /tasks` pages (50 a page) through 1,000 tasks, with and without filters.

Runs against the test services (`scripts/services.sh up`): SecantusDB (MongoDB wire protocol) on
loopback, through `linguaflow.results.listing.page` (what the task API answers with, minus HTTP).
Prints a Markdown table of per-page latency; `bench/RESULTS.md` holds a committed run.

    .venv/bin/python bench/listing_bench.py
"""

from __future__ import annotations

import os
import platform
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone

from common import REPO  # noqa: E402 - the checkout measured, its include/ and tests/ on the path

N_TASKS, PAGE = 1000, 50


def services() -> dict:
    pairs = (line.split("=", 1) for line in (REPO / ".linguaflow/services.env").read_text().splitlines() if "=" in line)
    return dict(pairs)


def main() -> None:
    env = services()
    os.environ.setdefault("LINGUAFLOW_MONGO_URI", env["LF_MONGO_URI"])
    from linguaflow.results import listing
    from linguaflow.results.listing import TaskQuery
    from linguaflow.results.store import ResultStore

    store = ResultStore(db="linguaflow_bench", collection=f"listing_{uuid.uuid4().hex[:8]}", redis_url="")
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    states = ["q", "r", "d", "w", "f", "c"]
    docs = [{"_id": f"task-{i:05d}", "_v": 2, "_s": states[i % 6], "_src": ["2", "4", "3"][i % 3], "_tl": [["4"], ["1", "3"], ["5"]][i % 3],
             "_by": ["alice", "bob", "carol", "dave"][i % 4], "_fl": i % 6 == 3, "_m": {"u": f"s3://media/{['inbox', 'uploads'][i % 2]}/{i}.wav", "d": 60.0},
             "_t": {}, "_e": {"asr": None}, "_ls": {}, "_c": (start + timedelta(minutes=i)).isoformat(timespec="milliseconds"),
             "_u": (start + timedelta(minutes=i, seconds=30)).isoformat(timespec="milliseconds")} for i in range(N_TASKS)]
    store.col.insert_many(docs)
    cases = {
        "no filter": TaskQuery(limit=PAGE),
        "state=done,done_with_flags": TaskQuery(state=["done", "done_with_flags"], limit=PAGE),
        "target_language=ja": TaskQuery(target_language="ja", limit=PAGE),
        "media_prefix + flagged": TaskQuery(media_prefix="s3://media/uploads/", flagged=True, limit=PAGE),
        "created range + source": TaskQuery(created_after=start + timedelta(hours=2), created_before=start + timedelta(hours=14),
                                            source_language="de", limit=PAGE),
        "owner alice (non-operator)": TaskQuery(limit=PAGE),
    }
    print(f"# {N_TASKS} tasks, {PAGE} a page; SecantusDB on loopback; {platform.machine()}, {os.cpu_count()} cores")
    print("| query | tasks | pages | median ms/page | p95 ms/page | max ms/page |")
    print("|---|---|---|---|---|---|")
    try:
        for name, query in cases.items():
            owner = "alice" if "owner" in name else None
            times, seen, cursor = [], [], None
            while True:
                t0 = time.perf_counter()
                page = listing.page(store, query.model_copy(update={"cursor": cursor}), owner)
                times.append((time.perf_counter() - t0) * 1000)
                seen += [t["task_id"] for t in page["tasks"]]
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            assert len(seen) == len(set(seen)), "a task listed twice"
            p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
            print(f"| {name} | {len(seen)} | {len(times)} | {statistics.median(times):.1f} | {p95:.1f} | {max(times):.1f} |")
    finally:
        store.col.drop()
        store.client.close()


if __name__ == "__main__":
    main()
