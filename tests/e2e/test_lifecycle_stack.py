"""Deleting tasks against a running Airflow: nothing of a deleted task is left in MongoDB, Redis,
object storage, the Airflow metadata database or the task logs; a task deleted mid-transcription
is stopped and never written back; the retention DAG deletes exactly the expired tasks."""

import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from conftest import SAMPLE
from test_stack import wait_state

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack_store(stack):
    """The stack's own result store (its MongoDB-compatible server, the shared Redis)."""
    import pymongo

    from linguaflow.results.store import ResultStore

    client = pymongo.MongoClient(stack.env["LINGUAFLOW_MONGO_URI"], serverSelectionTimeoutMS=5000)
    store = ResultStore(client=client, db=stack.env["LINGUAFLOW_MONGO_DB"])
    yield store
    client.close()


def wait_purged(store, tid: str, timeout_s: float = 90) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        doc = store.col.find_one({"_id": tid})
        if doc is not None and "_del" in doc and "_pend" not in doc:
            return doc
        time.sleep(1)
    raise AssertionError(f"deletion of {tid} not finished: {store.col.find_one({'_id': tid})}")


def traces(stack, store, s3, bucket, needles: list[str]) -> list[str]:
    """Every place (outside the audit log and the tombstone's id) where a needle still appears."""
    found = []
    db = store.client[store.col.database.name]
    for name in db.list_collection_names():
        if name == "audit":
            continue
        for doc in db[name].find():
            text = repr({k: v for k, v in doc.items() if not (k == "_id" and "_del" in doc)})
            found += [f"mongo {name}: {n}" for n in needles if n in text]
    for key in store.cache.client.scan_iter(match="*"):
        value = store.cache.client.get(key) if store.cache.client.type(key) == b"string" else b""
        found += [f"redis {key!r}" for n in needles if n.encode() in key or n.encode() in (value or b"")]
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            if any(n in obj["Key"] for n in needles):
                found.append(f"s3 {obj['Key']}")
            elif obj["Key"].startswith(("work/", "originals/")) and obj["Size"] < 1 << 20:
                body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read().decode(errors="replace")
                found += [f"s3 {obj['Key']}: {n}" for n in needles if n in body]
    for table, row in stack.metadata_rows():
        found += [f"airflow {table}: {n}" for n in needles if n in row]
    for path in (stack.home / "logs").rglob("*"):
        if path.is_file() and "dag_processor" not in path.parts:
            text = path.read_text(errors="replace")
            found += [f"log {path.relative_to(stack.home)}: {n}" for n in needles if n in text or n in str(path)]
    return found


def test_delete_leaves_nothing_of_a_finished_task(stack, stack_store, s3, bucket):
    marker = f"Zorblax-{uuid.uuid4().hex[:10]}"  # a word only this task's data holds
    with stack.client() as c:
        r = c.post("/linguaflow/tasks/upload", files={"file": ("arctic.wav", SAMPLE.read_bytes())},
                   data={"target_languages": "de", "text_items": f'{{"title": "{marker}"}}'})
        tid = r.json()["task_id"]
        assert wait_state(c, tid, {"done", "done_with_flags", "failed"})["state"] in ("done", "done_with_flags")
        deadline = time.monotonic() + 120  # finished: its `notify` teardown too (a running step is the next test)
        while c.get(f"/api/v2/dags/linguaflow_media/dagRuns/{tid}").json()["state"] != "success":
            assert time.monotonic() < deadline
            time.sleep(1)
        assert c.get(f"/linguaflow/tasks/{tid}/result").status_code == 200  # now cached in Redis too
        before = traces(stack, stack_store, s3, bucket, [tid, marker])
        assert any(t.startswith("airflow xcom") for t in before) and any(t.startswith("log ") for t in before)
        assert any(t.startswith("s3 ") for t in before) and any(t.startswith("mongo ") for t in before)

        r = c.delete(f"/linguaflow/tasks/{tid}")
        assert r.status_code == 200, r.text
        wait_purged(stack_store, tid)
        assert traces(stack, stack_store, s3, bucket, [tid, marker]) == []
        assert stack_store.audit.find_one({"_id": tid})["deleted_by"] == "admin"
        assert c.get(f"/linguaflow/tasks/{tid}").status_code == 404
        assert c.delete(f"/linguaflow/tasks/{tid}").status_code == 404
        assert c.get(f"/api/v2/dags/linguaflow_media/dagRuns/{tid}").status_code == 404


def test_delete_while_transcribing_stops_it_and_nothing_comes_back(stack, stack_store, s3, bucket, tmp_path):
    import psutil

    from mediagen import five_minutes_of_speech

    long = five_minutes_of_speech(SAMPLE, tmp_path / "long.wav")
    with stack.client() as c:
        tid = c.post("/linguaflow/tasks/upload", files={"file": ("long.wav", long.read_bytes())},
                     data={"target_languages": "de"}).json()["task_id"]
        running = lambda st: any(s["step"] == "transcribe" and s["state"] == "running" for s in st["steps"])  # noqa: E731
        wait_state(c, tid, set(), predicate=running, timeout_s=300)
        pid = c.get(f"/api/v2/dags/linguaflow_media/dagRuns/{tid}/taskInstances/transcribe").json().get("pid")
        r = c.delete(f"/linguaflow/tasks/{tid}")
        assert r.status_code == 200 and r.json()["purge_pending"] is True and r.json()["removed"]["run"], r.text
        deadline = time.monotonic() + 90
        while pid and psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline, "the transcription went on after its task was deleted"
            time.sleep(0.5)
        wait_purged(stack_store, tid)
        time.sleep(3)  # anything late would have landed by now
        assert stack_store.col.find_one({"_id": tid}).keys() == {"_id", "_del"}
        assert traces(stack, stack_store, s3, bucket, [tid]) == []


def test_retention_dag_deletes_exactly_the_expired_tasks(stack, stack_store):
    now = datetime.now(timezone.utc)
    ages = {"old-done": ("d", 400), "young-done": ("d", 100), "old-failed": ("f", 10), "young-failed": ("f", 2),
            "stuck-running": ("r", 400)}
    ids = {}
    for name, (state, days) in ages.items():  # stack retention: failed 7 days, everything else 365
        tid = ids[name] = f"{name}-{uuid.uuid4().hex[:8]}"
        stack_store.register(tid, f"s3://b/inbox/{tid}.wav", ["de"], "alice")
        stack_store.col.update_one({"_id": tid}, {"$set": {"_s": state, "_c": (now - timedelta(days=days)).isoformat()}})
    with stack.client() as c:
        deadline = time.monotonic() + 120
        stack.wait_for_dags(("linguaflow_retention",), deadline)
        c.patch("/api/v2/dags/linguaflow_retention", json={"is_paused": False})
        run = c.post("/api/v2/dags/linguaflow_retention/dagRuns", json={"logical_date": None}).json()
        while time.monotonic() < deadline + 180:
            state = c.get(f"/api/v2/dags/linguaflow_retention/dagRuns/{run['dag_run_id']}").json()["state"]
            if state in ("success", "failed"):
                break
            time.sleep(2)
        assert state == "success"
    gone = {name for name, tid in ids.items() if stack_store.is_deleted(tid)}
    assert gone == {"old-done", "old-failed", "stuck-running"}
    assert all(stack_store.get(ids[name]) for name in ("young-done", "young-failed"))
    assert stack_store.audit.find_one({"_id": ids["old-done"]})["deleted_by"] == "admin"
