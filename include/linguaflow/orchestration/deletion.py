"""Deleting a task: its data removed from every store, one path for the task API, the CLI and
the retention DAG (which reaches it through the task API).

Order matters. The result document becomes a tombstone first, atomically, so from that moment
no step can write the task back (`errors.TaskDeleted`), and the audit line is written with it;
then the run is stopped and removed from Airflow (with its XComs, rendered fields and logs), then
Redis keys and object-storage artefacts go. A step that was running when the task was deleted
may still be alive for a few seconds (until its heartbeat finds the run gone), so the tombstone
stays "purge pending" and the artefact, log and cache purge runs once more after a grace period
(`LINGUAFLOW_DELETE_GRACE_S`); a deletion interrupted by a crash is finished by the retention
DAG's sweep (or an operator's DELETE), never lost.
"""

from __future__ import annotations

import logging
import threading

from .. import policy, storage
from ..errors import Conflict, Forbidden, NotFound
from ..request import TASK_ID_RE
from ..results.document import now_iso
from ..settings import settings

log = logging.getLogger(__name__)


def _owner(store, airflow, task_id: str) -> tuple[bool, str | None, str]:
    """(whether the task exists anywhere, its creator, the id of its Airflow run)."""
    from . import runs

    stored, creator, run_id = store.owner(task_id)  # deleted before: only a run of the same id (left behind) counts
    run_id = run_id or task_id
    has_run, triggered_by = runs.creator_of(airflow, run_id)
    return stored or has_run, creator or triggered_by, run_id


def delete(store, airflow, task_id: str, user_name: str | None, *, sees_all: bool, media: bool = False) -> dict:
    """Delete a task everywhere; the report of what was removed. A caller who may not see every
    task may delete only their own, and only an operator may delete the source object
    (`media`). `airflow`: Airflow's REST API as the caller (`airflow_api.AirflowApi`). Raises
    NotFound for an unknown or already deleted task."""
    from . import runs

    if not TASK_ID_RE.match(task_id):
        raise NotFound(f"no task {task_id!r}")
    pending = store.purge_pending(task_id)
    if pending:
        if not sees_all:  # finishing someone's deletion is the operators' (and the sweep's) job
            raise NotFound(f"no task {task_id!r}")
        run_id = task_id
    else:
        exists, creator, run_id = _owner(store, airflow, task_id)
        if not exists or (not sees_all and creator != user_name):
            raise NotFound(f"no task {task_id!r}")  # another user's task is not even confirmed to exist
        if media and not sees_all:
            raise Forbidden("deleting the source object (media=true) needs a role that sees every task")
    old, deleted_now = store.tombstone(task_id)
    if not pending and not deleted_now:
        raise NotFound(f"no task {task_id!r}")  # deleted meanwhile by another call
    media_uri = ((old or {}).get("_m") or {}).get("u") or ""
    own_upload = media_uri.startswith(storage.upload_uri(task_id) + "/")
    if media and media_uri and not own_upload:
        policy.check_media(media_uri, from_api=True)  # never a path or bucket the API may not name
    report = {"task_id": task_id, "deleted_by": user_name, "deleted_at": now_iso(), "removed": {}, "purge_pending": True}
    if not pending:  # written with the tombstone; finishing an interrupted deletion keeps it
        store.record_deletion(report)
    removed = {"result_document": old is not None}
    try:
        removed["redis_keys"] = store.purge_cache(task_id)
        removed.update(runs.purge(airflow, run_id))
        removed["objects"] = _purge_objects(task_id)
        removed["media"] = storage.delete(media_uri) if media and media_uri and not own_upload else False
        finish_later = bool(removed["was_running"] or removed["run_left"])
    except Exception:  # noqa: BLE001 - the task is deleted (tombstone); what is left is purged later
        log.exception("task %s: purging its data failed part-way; finishing it after the grace period", task_id)
        finish_later = True
    report.update(removed=removed, purge_pending=finish_later)
    if not pending:
        store.record_deletion(report)
    if finish_later:
        # a killed step may write for a moment more (or a store was busy): purge the leftovers
        # once it is surely gone; the retention DAG's sweep finishes it should this process die
        timer = threading.Timer(settings().delete_grace_s, _finish_purge_quietly, args=(store, airflow, task_id, run_id))
        timer.daemon = True
        timer.start()
    else:
        store.purge_finished(task_id)
    log.info("task %s deleted by %s: %s", task_id, user_name, removed)
    return report


def _purge_objects(task_id: str) -> int:
    if not TASK_ID_RE.match(task_id):  # never a prefix outside the task's own folders
        raise NotFound(f"no task {task_id!r}")
    return (storage.delete_tree(storage.work_uri(task_id)) + storage.delete_tree(storage.upload_uri(task_id))
            + storage.delete_tree(storage.original_uri(task_id)))


def _finish_purge_quietly(store, airflow, task_id: str, run_id: str) -> None:
    try:
        finish_purge(store, airflow, task_id, run_id)
    except Exception:  # noqa: BLE001 - logged by finish_purge; the sweep finishes it
        pass


def finish_purge(store, airflow, task_id: str, run_id: str | None = None) -> dict:
    """Purge what a step still running at the delete may have left (the run, artefacts, logs,
    cache), and mark the deletion complete."""
    from . import runs

    try:
        late = {**runs.purge(airflow, run_id or task_id), "objects": _purge_objects(task_id), "redis_keys": store.purge_cache(task_id)}
        if late["run_left"]:
            raise Conflict(f"the run of {task_id!r} is still ending")
        store.purge_finished(task_id)
        log.info("task %s: deletion finished (late leftovers removed: %s)", task_id, late)
        return late
    except Exception:  # noqa: BLE001 - the sweep (or another DELETE) finishes it
        log.exception("task %s: finishing its deletion failed; the sweep will retry", task_id)
        raise
