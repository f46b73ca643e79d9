"""Holds a review answer back until the review has settled: a workaround for Airflow 3.3.2.

Airflow 3.3.2 parks a human-in-the-loop task (state `awaiting_input`) and lets the task's process
exit; the scheduler reads that exit from the executor a moment later. An answer given in between
(`PATCH …/hitlDetails`) resumes the task at once: the resumed try can be queued before the
scheduler has read the parked try's exit, and the scheduler then takes that exit, same task
instance and try, for the resumed try "killed externally" — it fails it into a retry, the retry
opens the request again and clears the answer (seen in the test stack's scheduler log: the resumed
try failed 30 ms after it was queued). People do not answer a review within seconds of it opening;
scripts and tests do.

`SettleBeforeResume` (an ASGI middleware the linguaflow plugin adds to the API server) delays such
an answer until `LINGUAFLOW_REVIEW_SETTLE_S` seconds after the task was parked (its task
instance's last update), then lets it through unchanged; every other request passes untouched, and
so does an answer that carries no credentials at all (Airflow refuses it at once, and no one holds
the API server's connections by sending them).
The retried review also finds an answer it already applied (`linguaflow.review.unreviewed`).
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timezone

log = logging.getLogger(__name__)

# workarounds: hitl_settling (the REST API's route for a HITL answer)
ANSWER = re.compile(r"^.*?/api/v2/dags/(?P<dag>[^/]+)/dagRuns/(?P<run>[^/]+)/taskInstances/(?P<task>[^/]+)"
                    r"(?:/(?P<map>-?\d+))?/hitlDetails/?$")


def parked_since(dag_id: str, run_id: str, task_id: str, map_index: int) -> datetime | None:
    """When the task instance waiting for this answer last changed (it parked), or None when it is
    not waiting."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from airflow.utils.state import TaskInstanceState
    from sqlalchemy import select

    with create_session() as session:
        row = session.execute(select(TaskInstance.state, TaskInstance.updated_at).where(
            TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id, TaskInstance.task_id == task_id,
            TaskInstance.map_index == map_index)).first()
    if row is None or row.state not in (TaskInstanceState.AWAITING_INPUT, TaskInstanceState.DEFERRED):
        return None
    return row.updated_at


def _carries_credentials(scope) -> bool:
    """A bearer token or a cookie (the UI's session token): an answer Airflow may accept."""
    return any(name in (b"authorization", b"cookie") for name, _ in scope.get("headers", ()))


class SettleBeforeResume:
    """ASGI middleware: an answer to a review that parked less than `settle_s` ago waits out the
    rest before it reaches Airflow."""

    def __init__(self, app, settle_s: float | None = None) -> None:
        from ...settings import settings

        self.app = app
        self.settle_s = settings().review_settle_s if settle_s is None else settle_s

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "PATCH" and self.settle_s > 0:
            found = ANSWER.match(scope["path"])
            if found and _carries_credentials(scope):
                await self._settle(found)
        await self.app(scope, receive, send)

    async def _settle(self, found: re.Match) -> None:
        from urllib.parse import unquote

        try:
            since = await asyncio.to_thread(parked_since, unquote(found["dag"]), unquote(found["run"]),
                                            unquote(found["task"]), int(found["map"] or -1))
        except Exception:  # the guard never stands between a reviewer and Airflow's own answer
            log.exception("review settling: could not read the task instance; answer passed on at once")
            return
        if since is None:
            return
        wait = self.settle_s - (datetime.now(timezone.utc) - since).total_seconds()
        if wait > 0:
            log.info("review answer for %s/%s/%s held %.1f s until the parked task has settled",
                     found["dag"], found["run"], found["task"], wait)
            await asyncio.sleep(min(wait, self.settle_s))
