"""Callbacks Airflow calls when a run misses its deadline or a task fails for good."""

from __future__ import annotations

import logging

log = logging.getLogger("linguaflow.alerts")


def deadline_missed(**kwargs) -> None:
    """Deadline-alert callback: log loudly (hook a notifier here in production)."""
    context = kwargs.get("context") or {}
    dag_run = context.get("dag_run") if isinstance(context, dict) else None
    log.error("linguaflow deadline missed: dag_run=%s kwargs=%s", getattr(dag_run, "run_id", dag_run), kwargs)
