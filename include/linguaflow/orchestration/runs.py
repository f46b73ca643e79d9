"""A task is a media DAG run whose run id is the task id: trigger, look up and cancel those runs,
and tell a task's readable state from Airflow's run state and the stored result.

This runs inside Airflow's API server (the task API is a plugin app) with no token of its own to
call the REST API with, so it uses the same functions and models the REST API's handlers use;
each use is an entry of `workarounds.py` (named at its line) with a pin test."""

from __future__ import annotations

import logging
import uuid

from ..errors import Conflict, NotFound
from ..request import MediaRequest, task_id_of
from ..states import ENDED, SUCCEEDED

log = logging.getLogger(__name__)

MEDIA_DAG = "linguaflow_media"
UNIQUE_VIOLATION = "23505"  # PostgreSQL's code for a duplicate key


def new_task_id() -> str:
    return f"task-{uuid.uuid4().hex}"


def trigger(req: MediaRequest, user_name: str | None) -> tuple[str, str]:
    """Start the media run of a request; (task id, readable state)."""
    from airflow.api.common.trigger_dag import trigger_dag
    from airflow.exceptions import DagRunAlreadyExists
    from airflow.utils.types import DagRunTriggeredByType
    from sqlalchemy.exc import IntegrityError

    task_id = req.task_id_for(req.task_id or new_task_id())
    conf = req.model_copy(update={"task_id": task_id}).conf()
    try:  # workarounds: trigger_run
        dr = trigger_dag(MEDIA_DAG, run_id=task_id, conf=conf, triggered_by=DagRunTriggeredByType.REST_API,
                         triggering_user_name=user_name)
    except DagRunAlreadyExists as exc:
        raise Conflict(f"task {task_id!r} exists already") from exc
    except IntegrityError as exc:  # the same id created between Airflow's look and its insert
        if getattr(exc.orig, "pgcode", None) != UNIQUE_VIOLATION and "UNIQUE constraint" not in str(exc):
            raise
        raise Conflict(f"task {task_id!r} exists already") from exc
    return task_id, task_state(str(dr.state) if dr else "queued", None)


def find(session, task_id: str):
    """The media DAG run of a task."""
    from airflow.models.dagrun import DagRun

    dr = session.query(DagRun).filter_by(dag_id=MEDIA_DAG, run_id=task_id).one_or_none()  # workarounds: run_lookup_orm
    if dr is None:
        raise NotFound(f"no task {task_id!r}")
    return dr


def look_up(task_id: str) -> tuple[str, list[dict]]:
    """(Airflow's run state, the steps with their states) of a task."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        dr = find(session, task_id)
        tis = session.query(TaskInstance).filter_by(dag_id=MEDIA_DAG, run_id=task_id).all()
        steps = [{"step": ti.task_id, "language": ti.rendered_map_index if ti.map_index >= 0 else None,
                  "state": str(ti.state) if ti.state else "scheduled", "tries": ti.try_number} for ti in tis]
        return str(dr.state), steps


def task_id_of_run(run_id: str) -> str:
    """A run triggered from the UI may name its own task id in its conf (the viewer links by run id)."""
    from airflow.utils.session import create_session

    with create_session() as session:
        try:
            dr = find(session, run_id)
        except NotFound:
            return run_id
        return task_id_of(dr.conf or {}, run_id)


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


def cancel(task_id: str, stored: str | None, mark_cancelled, user_name: str | None = None) -> str:
    """Stop a task's run: running steps are killed, pending ones never start, and the run ends
    `failed` in Airflow with a note saying who cancelled it. `mark_cancelled()` records the cancel
    in the result first, so the steps killed and the `notify` teardown all read it. Returns the
    task's state."""
    from airflow.api.common.mark_tasks import set_dag_run_state_to_failed
    from airflow.models.serialized_dag import SerializedDagModel
    from airflow.utils.session import create_session
    from airflow.utils.state import TaskInstanceState

    with create_session() as session:
        dr = find(session, task_id)
        if stored == "cancelled":
            return "cancelled"  # cancelling twice is harmless
        state = task_state(str(dr.state), stored)
        if state in ENDED:
            raise Conflict(f"task {task_id!r} has already ended ({state})")
        mark_cancelled()
        dag = SerializedDagModel.get_dag(MEDIA_DAG, session=session)
        # failing the run fails its running task instances (the scheduler kills them; a pod is
        # deleted by the operator's on_kill) and skips the pending ones, so queued mapped
        # translations never start; the `notify` teardown still runs and reports the cancel
        updated, _ = set_dag_run_state_to_failed(dag=dag, run_id=task_id, commit=True, session=session)  # workarounds: fail_run
        # Airflow skips the pending steps; with the teardown still to run, the run's state is
        # decided later from its leaves, and skipped leaves would make a cancelled run "success".
        # They did not run because the run was stopped: upstream_failed, so the run ends failed.
        for ti in updated:
            if ti.state == TaskInstanceState.SKIPPED:
                ti.set_state(TaskInstanceState.UPSTREAM_FAILED, session=session)
        dr.note = f"cancelled through the task API{f' by {user_name}' if user_name else ''}"
    return "cancelled"


def creator_of(task_id: str) -> tuple[bool, str | None]:
    """(whether the task has a run, who triggered it)."""
    from airflow.utils.session import create_session

    with create_session() as session:
        try:
            dr = find(session, task_id)
        except NotFound:
            return False, None
        return True, dr.triggering_user_name


def purge(task_id: str) -> dict:
    """Remove a task's run from Airflow: stopped first if it is still going, then the run with its
    task instances, XComs, rendered fields, notes and history (Airflow deletes them with the run),
    Airflow's audit-log rows of the run (their `extra` may hold the conf) and its task logs.
    What was removed: {"run": bool, "was_running": bool, "log_rows": n, "log_files": n}."""
    out = _with_db_retries(lambda: _delete_run(task_id))
    out["log_rows"] = _with_db_retries(lambda: purge_audit_rows(task_id))
    out["log_files"] = purge_logs(task_id)
    return out


DB_ATTEMPTS = 5


def _with_db_retries(work):
    """Run one transaction, again on a clash with the scheduler or a task's last heartbeat.

    A run is deleted while Airflow's own components may still touch its rows (the killed step's
    final state, the scheduler ending the run, its deadline): PostgreSQL may pick the delete as a
    deadlock victim, or the ORM find a child row already gone. Those clear up on a fresh
    transaction; anything else is raised at once."""
    import time

    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm.exc import StaleDataError

    for attempt in range(1, DB_ATTEMPTS + 1):
        try:
            return work()
        except (DBAPIError, StaleDataError) as exc:
            if attempt == DB_ATTEMPTS or (isinstance(exc, DBAPIError) and not _is_clash(exc)):
                raise
            log.warning("deleting a run clashed with Airflow (%s); trying again", type(exc.__cause__ or exc).__name__)
            time.sleep(0.2 * 2 ** attempt)


def _is_clash(exc) -> bool:
    """A concurrency clash (deadlock, serialization failure, lock timeout, a row inserted or
    removed beside us), not a broken query or an unreachable database."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    code = getattr(exc.orig, "pgcode", None) or ""
    return isinstance(exc, IntegrityError) or code in ("40P01", "40001", "55P03") or (
        isinstance(exc, OperationalError) and "deadlock" in str(exc).lower())


def _delete_run(task_id: str) -> dict:
    from airflow.api.common.mark_tasks import set_dag_run_state_to_failed
    from airflow.models.serialized_dag import SerializedDagModel
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState, TaskInstanceState

    out = {"run": False, "was_running": False}
    with create_session() as session:
        try:
            dr = find(session, task_id)
        except NotFound:
            return out
        tis = session.query(TaskInstance).filter_by(dag_id=MEDIA_DAG, run_id=task_id).all()
        out["was_running"] = any(ti.state in (TaskInstanceState.RUNNING, TaskInstanceState.QUEUED) for ti in tis)
        if dr.state not in (DagRunState.SUCCESS, DagRunState.FAILED):
            # a running step is killed: its heartbeat finds the run failed (then gone)
            dag = SerializedDagModel.get_dag(MEDIA_DAG, session=session)
            set_dag_run_state_to_failed(dag=dag, run_id=task_id, commit=True, session=session)
        session.delete(dr)  # workarounds: delete_run_cascade
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
