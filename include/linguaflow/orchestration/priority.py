"""Interactive runs before bulk: Airflow's priority weight, decided per run.

A task's `priority_weight` is fixed per DAG, but a bulk run (started by the inbox, its backfills
or catch-up: run ids `inbox__…`, `backfill__…`, `scheduled__…`) and a run a person or a system
asked for (the task API, the UI, the REST API) are runs of the same DAG. This strategy (Airflow's
custom priority weight, registered by the linguaflow plugin) adds `INTERACTIVE_BOOST` to every
task of a run that is not bulk, so wherever tasks wait for a slot — a pool sized to a worker pool
(`LINGUAFLOW_ASR_POOL`), the executor's parallelism — an interactive run overtakes a backlog.
"""

from __future__ import annotations

from airflow.task.priority_strategy import PriorityWeightStrategy

BULK_RUN_PREFIXES = ("inbox__", "backfill__", "scheduled__")
INTERACTIVE_BOOST = 1000
STRATEGY = "linguaflow.orchestration.priority.InteractiveFirst"  # how DAGs name it (`weight_rule`)


def is_bulk(run_id: str | None) -> bool:
    return bool(run_id) and run_id.startswith(BULK_RUN_PREFIXES)


class InteractiveFirst(PriorityWeightStrategy):
    """The task's own weight, plus INTERACTIVE_BOOST unless its run is bulk."""

    def get_weight(self, ti) -> int:
        return ti.task.priority_weight + (0 if is_bulk(ti.run_id) else INTERACTIVE_BOOST)
