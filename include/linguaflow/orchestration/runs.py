"""A task is a media DAG run whose run id is the task id: trigger, look up, cancel and delete those
runs, and tell a task's readable state from Airflow's run state and the stored result.

Runs are controlled through Airflow's public REST API as the task API's caller (`airflow_api`).
What no public interface does (turning the steps a cancel skipped into upstream_failed, removing
a run's audit-log rows and its log files) is an entry of `workarounds.py`, named at its line."""

from __future__ import annotations

import contextlib
import logging
import time
import uuid

from ..errors import Conflict, NotFound, ServiceUnavailable
from ..request import MediaRequest, task_id_of
from ..states import ENDED, SUCCEEDED
from .airflow_api import AirflowApi

log = logging.getLogger(__name__)

MEDIA_DAG = "linguaflow_media"
RUN_ENDED = ("success", "failed")  # Airflow's final run states
STEP_FINISHED = ("success", "failed", "skipped", "upstream_failed", "removed")
STEP_ACTIVE = ("running", "queued", "scheduled", "deferred", "up_for_retry", "up_for_reschedule", "awaiting_input", "restarting")


def new_task_id() -> str:
    return f"task-{uuid.uuid4().hex}"


def trigger(airflow: AirflowApi, req: MediaRequest) -> tuple[str, str]:
    """Start the media run of a request; (task id, readable state)."""
    task_id = req.task_id_for(req.task_id or new_task_id())
    conf = req.model_copy(update={"task_id": task_id}).conf()
    try:
        run = airflow.trigger(MEDIA_DAG, task_id, conf)
    except Conflict as exc:  # Airflow answers 409 for a run id in use, raced or not
        raise Conflict(f"task {task_id!r} exists already") from exc
    return task_id, task_state(run.get("state") or "queued", None)


def _run(airflow: AirflowApi, task_id: str) -> dict:
    try:
        return airflow.run(MEDIA_DAG, task_id)
    except NotFound as exc:
        raise NotFound(f"no task {task_id!r}") from exc


def look_up(airflow: AirflowApi, task_id: str) -> tuple[str, list[dict]]:
    """(Airflow's run state, the steps with their states) of a task."""
    run = _run(airflow, task_id)
    steps = [{"step": ti["task_id"], "language": ti.get("rendered_map_index") if ti["map_index"] >= 0 else None,
              "state": ti["state"] or "scheduled", "tries": ti["try_number"]}
             for ti in airflow.task_instances(MEDIA_DAG, task_id)]
    return run["state"], steps


def task_id_of_run(airflow: AirflowApi, run_id: str) -> str:
    """A run triggered from the UI may name its own task id in its conf (the viewer links by run id)."""
    try:
        run = airflow.run(MEDIA_DAG, run_id)
    except NotFound:
        return run_id
    return task_id_of(run.get("conf") or {}, run_id)


def task_state(run_state: str | None, stored: str | None) -> str:
    """The readable state of a task from Airflow's run state and the stored result's state.

    A cancel and the result's own finish (done / done with flags) are only in the store; whether
    it is still queued or running only Airflow knows."""
    if stored == "cancelled":
        return "cancelled"
    if run_state == "success":
        return stored if stored in SUCCEEDED else "done"
    if run_state == "failed":
        return "failed"
    if stored in SUCCEEDED or stored == "failed":
        return stored  # the result is final; only the `notify` teardown is still running
    if stored == "awaiting_review":
        return stored
    return "queued" if run_state == "queued" else "running"


def cancel(airflow: AirflowApi, task_id: str, stored: str | None, mark_cancelled, user_name: str | None = None) -> str:
    """Stop a task's run: running steps are killed, pending ones never start, and the run ends
    `failed` in Airflow with a note saying who cancelled it. `mark_cancelled()` records the cancel
    in the result first, so the steps killed and the `notify` teardown all read it. Returns the
    task's state."""
    run = _run(airflow, task_id)
    if stored == "cancelled":
        return "cancelled"  # cancelling twice is harmless
    state = task_state(run["state"], stored)
    if state in ENDED:
        raise Conflict(f"task {task_id!r} has already ended ({state})")
    pending = {(ti["task_id"], ti["map_index"]) for ti in airflow.task_instances(MEDIA_DAG, task_id)
               if ti["state"] not in (*STEP_FINISHED, "running")}
    mark_cancelled()
    # failing the run fails its running task instances (the scheduler kills them; a pod is
    # deleted by the operator's on_kill) and skips the pending ones, so queued mapped
    # translations never start; the `notify` teardown still runs and reports the cancel
    airflow.fail(MEDIA_DAG, task_id, note=f"cancelled through the task API{f' by {user_name}' if user_name else ''}")
    _skipped_to_upstream_failed(task_id, pending)
    return "cancelled"


def _skipped_to_upstream_failed(run_id: str, pending: set[tuple[str, int]]) -> None:
    """Airflow skips the pending steps of a failed run; with the teardown still to run, the run's
    state is decided later from its leaves, and skipped leaves would make a cancelled run
    "success". They did not run because the run was stopped: upstream_failed, so the run ends
    failed. No public interface sets upstream_failed (the REST API offers success, failed, skipped)."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from airflow.utils.state import TaskInstanceState

    if not pending:
        return
    with create_session() as session:  # workarounds: cancel_upstream_failed
        for ti in session.query(TaskInstance).filter_by(dag_id=MEDIA_DAG, run_id=run_id, state=TaskInstanceState.SKIPPED):
            if (ti.task_id, ti.map_index) in pending:
                ti.set_state(TaskInstanceState.UPSTREAM_FAILED, session=session)


def creator_of(airflow: AirflowApi, task_id: str) -> tuple[bool, str | None]:
    """(whether the task has a run, who triggered it)."""
    try:
        run = airflow.run(MEDIA_DAG, task_id)
    except NotFound:
        return False, None
    return True, run.get("triggering_user_name")


def purge(airflow: AirflowApi, task_id: str) -> dict:
    """Remove a task's run from Airflow: stopped first if it is still going, then the run with its
    task instances, XComs, rendered fields, notes and history (Airflow deletes them with the run),
    Airflow's audit-log rows of the run (their `extra` may hold the conf) and its task logs.
    What was removed: {"run": bool, "was_running": bool, "run_left": bool, "log_rows": n,
    "log_files": n}; `run_left`: the run is still ending (its teardown runs) and is deleted by
    the next purge."""
    out = _retrying(lambda: _delete_run(airflow, task_id))
    out["log_rows"] = purge_audit_rows(task_id)
    out["log_files"] = purge_logs(task_id)
    return out


ATTEMPTS = 5


def _retrying(work):
    """A call through the REST API, again when Airflow answered 5xx: deleting a run races the
    scheduler and a killed step's last heartbeat, and PostgreSQL may pick the delete as a
    deadlock victim; that clears on a fresh transaction."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return work()
        except ServiceUnavailable as exc:
            if attempt == ATTEMPTS:
                raise
            log.warning("deleting a run clashed with Airflow (%s); trying again", exc)
            time.sleep(0.2 * 2 ** attempt)


def _delete_run(airflow: AirflowApi, task_id: str) -> dict:
    out = {"run": False, "was_running": False, "run_left": False}
    try:
        run = airflow.run(MEDIA_DAG, task_id)
    except NotFound:
        return out
    out["was_running"] = any(ti["state"] in STEP_ACTIVE for ti in airflow.task_instances(MEDIA_DAG, task_id))
    if run["state"] not in RUN_ENDED:
        # a running step is killed: its heartbeat finds the run failed (then gone)
        run = airflow.fail(MEDIA_DAG, task_id)
    if run["state"] not in RUN_ENDED:
        # a teardown left to run keeps the run going, and Airflow deletes ended runs only; a
        # deleted task has nobody to notify: the teardown is skipped (stopped if it runs)
        for ti in airflow.task_instances(MEDIA_DAG, task_id):
            if ti["state"] not in STEP_FINISHED:
                with contextlib.suppress(Conflict, NotFound):  # finished or gone meanwhile
                    airflow.set_step_state(MEDIA_DAG, task_id, ti["task_id"], ti["map_index"], "skipped")
        airflow.fail(MEDIA_DAG, task_id)
    try:
        airflow.delete(MEDIA_DAG, task_id)
    except NotFound:
        return out  # deleted beside us
    except Conflict:  # the `notify` teardown still runs: the run ends when it has
        out.update(was_running=True, run_left=True)
        return out
    out["run"] = True
    return out


def purge_audit_rows(run_id: str) -> int:
    """Airflow's audit-log rows of a run: by run id, and any whose `extra` names it (the conf of a
    trigger, an executor event about a task of the run written after the run was gone)."""
    from airflow.models.log import Log
    from airflow.utils.session import create_session
    from sqlalchemy import or_

    with create_session() as session:  # workarounds: audit_log_rows
        return session.query(Log).filter(or_(Log.run_id == run_id, Log.extra.contains(run_id))).delete(
            synchronize_session=False)


def purge_logs(task_id: str) -> int:
    """Delete a run's task logs: the local log folder (`dag_id=…/run_id=…`, Airflow's default
    file name template) and, with remote logging to object storage, the same folder there."""
    import shutil
    from pathlib import Path

    from airflow.configuration import conf

    removed = 0
    folder = f"dag_id={MEDIA_DAG}/run_id={task_id}"  # workarounds: task_log_folder
    local = Path(conf.get("logging", "base_log_folder")) / folder
    if local.is_dir():
        removed += sum(1 for p in local.rglob("*") if p.is_file())
        shutil.rmtree(local, ignore_errors=True)
    remote = conf.get("logging", "remote_base_log_folder", fallback="")
    if conf.getboolean("logging", "remote_logging", fallback=False) and "://" in remote:
        from airflow.sdk import ObjectStoragePath

        p = ObjectStoragePath(f"{remote.rstrip('/')}/{folder}", conn_id=conf.get("logging", "remote_log_conn_id", fallback=None) or None)
        found = p.fs.find(p.path)
        if found:
            p.fs.rm(found)
        removed += len(found)
    return removed
