"""linguaflow retention DAG: daily (LINGUAFLOW_RETENTION_SCHEDULE), delete tasks older than their
state's retention (LINGUAFLOW_RETENTION, days per state), in batches, through the task API's
DELETE (the same path a user's deletion takes: result, Redis, artefacts, uploads, the Airflow run
and its logs, an audit line). It also finishes deletions a crash interrupted and forgets
tombstones after a week. Credentials: LINGUAFLOW_API with LINGUAFLOW_USER/PASSWORD (or
LINGUAFLOW_TOKEN) of a user whose role may see every task. Logic in `linguaflow.orchestration.retention`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task

from linguaflow.settings import settings


def _store():
    from linguaflow.results.store import ResultStore

    return ResultStore()


@dag(
    dag_id="linguaflow_retention",
    schedule=settings().retention_schedule,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["linguaflow", "maintenance"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    doc_md=__doc__,
)
def linguaflow_retention():
    @task
    def expired_batches() -> list[list[str]]:
        """Every expired task now, in batches (and the unfinished deletions to finish)."""
        from linguaflow.orchestration import retention

        store = _store()
        batch = settings().retention_batch
        ids = retention.unfinished(store) + retention.expired(store, limit=batch * 50)  # the rest: next run
        return [ids[i:i + batch] for i in range(0, len(ids), batch)]

    @task(max_active_tis_per_dag=2)
    def delete_batch(task_ids: list[str]) -> dict:
        from linguaflow.client import ApiError, TaskClient

        client, deleted, gone = TaskClient(), 0, 0
        for task_id in task_ids:
            try:
                client.delete(task_id)
                deleted += 1
            except ApiError as exc:
                if exc.status != 404:  # deleted meanwhile: nothing left to do
                    raise
                gone += 1
        return {"deleted": deleted, "already_gone": gone}

    @task(trigger_rule="none_failed")  # also on a day with nothing to delete (the mapped task skipped)
    def forget_tombstones() -> int:
        from linguaflow.orchestration import retention

        return retention.forget_tombstones(_store())

    delete_batch.expand(task_ids=expired_batches()) >> forget_tombstones()


linguaflow_retention()
