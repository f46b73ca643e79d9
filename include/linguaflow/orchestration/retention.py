"""Retention: which tasks are old enough to delete (`LINGUAFLOW_RETENTION`, days per state), and
the sweep that finishes deletions a crash interrupted. The retention DAG deletes them through the
task API's DELETE, the one delete path (Airflow 3 workers have no metadata-database access, and
the run must go too)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..states import STATES
from ..settings import settings

TOMBSTONE_DAYS = 7  # a late write arrives within a step's life (hours); tombstones go after a week


def _ago(now: datetime, days: float) -> str:
    return (now - timedelta(days=days)).isoformat(timespec="milliseconds")


def days_for(state: str) -> float | None:
    """Days a task in this state is kept (None: kept forever)."""
    table = settings().retention
    return table.get(state, table.get("*"))


def expired(store, now: datetime | None = None, limit: int | None = None) -> list[str]:
    """Task ids past their state's retention, oldest first, at most `limit` (a batch)."""
    now = now or datetime.now(timezone.utc)
    limit = limit or settings().retention_batch
    cutoffs = {state: _ago(now, days) for state in STATES if (days := days_for(state)) is not None}
    return store.created_before(cutoffs, limit)


def unfinished(store, now: datetime | None = None) -> list[str]:
    """Deletions still pending well past their grace period (the deleting process died)."""
    now = now or datetime.now(timezone.utc)
    grace = timedelta(seconds=settings().delete_grace_s * 2 + 60)
    return store.unfinished_purges((now - grace).isoformat(timespec="milliseconds"))


def forget_tombstones(store, now: datetime | None = None) -> int:
    now = now or datetime.now(timezone.utc)
    return store.forget_tombstones(_ago(now, TOMBSTONE_DAYS))
