"""Callbacks Airflow calls when a run misses its deadline or a task fails for good."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def deadline_missed(**kwargs) -> None:
    """Deadline-alert callback: log loudly (hook a notifier here in production)."""
    context = kwargs.get("context") or {}
    dag_run = context.get("dag_run") if isinstance(context, dict) else None
    log.error("linguaflow deadline missed: dag_run=%s kwargs=%s", getattr(dag_run, "run_id", dag_run), kwargs)


def task_failed(context) -> None:
    """on_failure_callback: record the reason in the result document, so a query shows it."""
    from ..request import task_id_of
    from ..errors import TaskDeleted
    from ..results.store import ResultStore

    exc = context.get("exception")
    reason = f"{context['ti'].task_id}: {type(exc).__name__}: {exc}" if exc else f"{context['ti'].task_id} failed"
    task_id = task_id_of(dict(context["params"]), context["run_id"])
    try:
        store = ResultStore()
        lang = getattr(context["ti"], "rendered_map_index", None)
        if context["ti"].task_id.startswith("translate") and lang:
            store.mark_language_failed(task_id, lang, reason)  # the other languages go on
        else:
            store.mark_failed(task_id, reason)
    except TaskDeleted:
        log.info("task %s was deleted; its failure is not recorded", task_id)
    except Exception:  # the store may be what failed; the task is failed either way
        log.exception("could not record failure of %s", task_id)
