"""Retention: which tasks are past their state's age, against the real MongoDB-compatible server."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from linguaflow.orchestration import retention
from linguaflow.results.store import ResultStore

NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)


@pytest.fixture
def tasks(services, monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_RETENTION", '{"failed": 7, "cancelled": 1, "*": 90}')
    monkeypatch.setenv("LINGUAFLOW_DELETE_GRACE_S", "10")
    store = ResultStore(collection=f"retention_{uuid.uuid4().hex[:8]}")
    ages = {"done-100": ("d", 100), "done-80": ("d", 80), "failed-8": ("f", 8), "failed-6": ("f", 6),
            "cancelled-2": ("c", 2), "flags-91": ("w", 91), "queued-200": ("q", 200)}
    for tid, (state, days) in ages.items():
        store.register(tid, f"s3://b/{tid}.wav", ["de"], "alice")
        store.col.update_one({"_id": tid}, {"$set": {"_s": state, "_c": (NOW - timedelta(days=days)).isoformat()}})
    yield store
    store.col.drop()
    store.client.close()


def test_expired_tasks_per_state_oldest_first_in_batches(tasks):
    expected = ["queued-200", "done-100", "flags-91", "failed-8", "cancelled-2"]
    assert retention.expired(tasks, NOW) == expected
    assert retention.expired(tasks, NOW, limit=2) == expected[:2]
    tasks.tombstone("done-100")  # deleted already: not again
    assert "done-100" not in retention.expired(tasks, NOW)


def test_nothing_expires_without_a_retention_table(tasks, monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_RETENTION", "{}")
    assert retention.expired(tasks, NOW) == []


def test_interrupted_deletions_are_found_and_old_tombstones_forgotten(tasks):
    tasks.tombstone("done-80")  # its purge never finished (the deleting process died)
    tasks.tombstone("failed-6")
    tasks.purge_finished("failed-6")
    later = datetime.now(timezone.utc) + timedelta(minutes=5)
    assert retention.unfinished(tasks, datetime.now(timezone.utc)) == []  # still within its grace
    assert retention.unfinished(tasks, later) == ["done-80"]
    assert retention.forget_tombstones(tasks, later) == 0  # a week must pass
    assert retention.forget_tombstones(tasks, later + timedelta(days=8)) == 1  # the finished one only
    assert tasks.is_deleted("done-80") and not tasks.is_deleted("failed-6")
