"""Answering a task's review from this process, as Airflow's API does for the UI: for
`linguaflow run --review` (the terminal) and the tests, whose runs are `dag.test()` in-process.

Airflow has no public call for this inside one process (the REST API needs a running API server),
so it writes the HITL response and resumes the task the way the API's handler does
(`handle_event_submit`); `workarounds.py` lists it and a test pins the behaviour it relies on."""

from __future__ import annotations

import logging
import threading

from ...review import EDITS, PUBLISH

log = logging.getLogger(__name__)


def answer_while_running(task_id: str, answer_edits, by: str, stop: threading.Event,
                         answered: threading.Event | None = None, poll_s: float = 0.5,
                         name: str = "review-answer") -> threading.Thread:
    """A thread that answers the task's review (`respond`) once it opens and goes on watching
    until `stop` is set, for a run in this process (`dag.test()`); `answered` is set once an
    answer is recorded. A failed look (a busy metadata DB) is tried again on the next turn.

    It watches past the answer because dag.test() writes the review task's 'awaiting input' once
    more after the task's process returns: an answer recorded in that gap (a reviewer at the
    ready, a slow machine) leaves the task parked with its answer given, which `respond` resumes.
    And it loads Airflow's models here, before the thread starts: SQLAlchemy configures mappers
    under one global lock, and Airflow's hook on it imports every model module, so a thread whose
    first query configures them while this one imports a model (dag.test() importing the DagBag)
    waits on that module's import lock, holding the mapper lock the import waits on, and both hang
    for good (`linguaflow run --review`: 11 of 15 runs on a ready home)."""
    from airflow.models import import_all_models  # workarounds: hitl_answer (the lock-order deadlock)
    from sqlalchemy.orm import configure_mappers

    import_all_models()
    configure_mappers()

    def watch() -> None:
        while not stop.wait(poll_s):
            try:
                if respond(task_id, answer_edits, by) and answered is not None:
                    answered.set()
            except Exception:  # noqa: BLE001 - a busy metadata DB: look again on the next turn
                log.warning("looking for the open review of %s failed; trying again", task_id, exc_info=True)

    thread = threading.Thread(target=watch, name=name, daemon=True)
    thread.start()
    return thread


def respond(task_id: str, answer_edits, by: str, dag_id: str = "linguaflow_media") -> bool:
    """Answer a task's open review from this process, as the Airflow API does for the UI: record
    the response and put the review task back to be scheduled. `answer_edits(body, edits)` gets
    the review's body and fields and returns the edits. False when no review is open (yet). A
    review answered but parked again (see `answer_while_running`, which calls this) is resumed
    with its recorded answer, without asking again (True)."""
    from airflow.models.dagrun import DagRun
    from airflow.models.hitl import HITLDetail, HITLUser
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.trigger import handle_event_submit
    from airflow.sdk import timezone
    from airflow.triggers.base import TriggerEvent
    from airflow.utils.session import create_session
    from airflow.utils.state import TaskInstanceState
    from sqlalchemy import select

    from ...request import task_id_of

    with create_session() as session:
        rows = session.execute(
            select(TaskInstance, HITLDetail, DagRun.conf)
            .join(HITLDetail, HITLDetail.ti_id == TaskInstance.id)
            .join(DagRun, (DagRun.dag_id == TaskInstance.dag_id) & (DagRun.run_id == TaskInstance.run_id))
            .where(TaskInstance.dag_id == dag_id, TaskInstance.state == TaskInstanceState.AWAITING_INPUT)
        ).all()
        found = [(ti, detail) for ti, detail, conf in rows if task_id_of(conf or {}, ti.run_id) == task_id]
        if not found:
            return False
        ti, detail = found[0]
        if detail.responded_at is None:
            fields = (detail.params or {}).get(EDITS, {})
            edits = answer_edits(detail.body or "", dict(fields.get("value") or {}))
            detail.responded_by = HITLUser(id=by, name=by)
            detail.responded_at = timezone.utcnow()
            detail.chosen_options = [PUBLISH]
            detail.params_input = {EDITS: edits}
            session.add(detail)
        else:
            log.warning("the review of %s was answered at %s yet its task is parked again; resuming it with that answer",
                        task_id, detail.responded_at)
        # workarounds: hitl_answer
        handle_event_submit(TriggerEvent(detail.as_resume_event_payload()), task_instance=ti, session=session)
    return True
