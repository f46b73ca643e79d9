"""Deleting a task: its data removed from every store, one path for the task API, the CLI and
the retention DAG (which reaches it through the task API).

Order matters. The result document becomes a tombstone first, atomically, so from that moment
no step can write the task back (`store.TaskDeleted`); then the run is stopped and removed from
Airflow (with its XComs, rendered fields and logs), then Redis keys and object-storage artefacts
go, and an audit line records who deleted what. A step that was running when the task was
deleted may still be alive for a few seconds (until its heartbeat finds the run gone), so the
tombstone stays "purge pending" and the artefact, log and cache purge runs once more after a
grace period (`LINGUAFLOW_DELETE_GRACE_S`); a deletion interrupted by a crash is finished by
the retention DAG's sweep (or another DELETE), never lost.
"""

from __future__ import annotations

import logging
import threading

from . import policy, storage
from .results import document
from .results.document import now_iso
from .settings import settings

log = logging.getLogger(__name__)


class NotFound(LookupError):
    pass


class Forbidden(PermissionError):
    pass


def upload_prefix(task_id: str) -> str:
    """Where the task API keeps media uploaded for a task."""
    return "/".join([storage.work_root(), "uploads", task_id])


def _owner(store, task_id: str) -> tuple[bool, str | None]:
    """(whether the task exists anywhere, its creator)."""
    from .api import runs

    coded = store.col.find_one({document.ID: task_id}, {document.CREATOR: 1, document.DELETED: 1})
    has_run, triggered_by = runs.creator_of(task_id)
    if document.is_tombstone(coded):
        coded = None  # deleted before: only a run of the same id (left behind) still counts
    return (coded is not None or has_run), (coded or {}).get(document.CREATOR) or triggered_by


def delete(store, task_id: str, user_name: str | None, *, sees_all: bool, media: bool = False) -> dict:
    """Delete a task everywhere; the report of what was removed. A caller who may not see every
    task may delete only their own. Raises NotFound for an unknown or already deleted task."""
    from .api import runs

    pending = store.col.find_one({document.ID: task_id, document.PURGE_PENDING: True}, {document.ID: 1})
    if pending is None:
        exists, creator = _owner(store, task_id)
        if not exists:
            raise NotFound(f"no task {task_id!r}")
        if not sees_all and creator != user_name:
            raise NotFound(f"no task {task_id!r}")  # another user's task is not even confirmed to exist
    old, _ = store.tombstone(task_id)
    media_uri = ((old or {}).get("_m") or {}).get("u") or ""
    removed = {"result_document": old is not None, "redis_keys": store.cache.purge(task_id)}
    removed.update(runs.purge(task_id))
    removed["objects"] = _purge_objects(task_id)
    removed["media"] = False
    if media and media_uri and not media_uri.startswith(upload_prefix(task_id) + "/"):
        policy.check_media(media_uri, from_api=True)  # never a path or bucket the API may not name
        removed["media"] = storage.delete(media_uri)
    report = {"task_id": task_id, "deleted_by": user_name, "deleted_at": now_iso(), "removed": removed,
              "purge_pending": bool(removed["was_running"])}
    if pending is None:  # finishing an interrupted deletion keeps its first audit line
        store.record_deletion(report)
    if removed["was_running"]:
        # a killed step may write for a moment more: purge its leftovers once it is surely gone
        timer = threading.Timer(settings().delete_grace_s, finish_purge, args=(store, task_id))
        timer.daemon = True
        timer.start()
    else:
        store.purge_finished(task_id)
    log.info("task %s deleted by %s: %s", task_id, user_name, removed)
    return report


def _purge_objects(task_id: str) -> int:
    return storage.delete_tree(storage.work_uri(task_id)) + storage.delete_tree(upload_prefix(task_id))


def finish_purge(store, task_id: str) -> dict:
    """Purge what a step still running at the delete may have left (artefacts, logs, cache), and
    mark the deletion complete."""
    from .api import runs

    try:
        late = {"objects": _purge_objects(task_id), "redis_keys": store.cache.purge(task_id),
                "log_files": runs.purge_logs(task_id)}
        store.purge_finished(task_id)
        log.info("task %s: deletion finished (late leftovers removed: %s)", task_id, late)
        return late
    except Exception:  # noqa: BLE001 - the sweep (or another DELETE) finishes it
        log.exception("task %s: finishing its deletion failed; the sweep will retry", task_id)
        raise
