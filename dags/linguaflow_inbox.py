"""linguaflow inbox DAG: every 10 minutes (LINGUAFLOW_INBOX_SCHEDULE), one media DAG run per new
object under the inbox prefix.

The listing follows the run's data interval, so `airflow backfill create --dag-id linguaflow_inbox
--from-date ... --to-date ...` processes exactly the objects uploaded in that range. Run ids come
from bucket/key/ETag: an object is never processed twice. Logic in `linguaflow.orchestration.inbox`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import CronDataIntervalTimetable, dag, get_current_context, task

from linguaflow.settings import settings


@dag(
    dag_id="linguaflow_inbox",
    schedule=CronDataIntervalTimetable(settings().inbox_schedule, timezone="UTC"),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["linguaflow"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1)},
    doc_md=__doc__,
)
def linguaflow_inbox():
    @task
    def list_inbox() -> list[dict]:
        from linguaflow.orchestration.inbox import list_new

        ctx = get_current_context()
        return list_new(ctx["data_interval_start"], ctx["data_interval_end"])

    TriggerDagRunOperator.partial(
        task_id="trigger_media",
        trigger_dag_id="linguaflow_media",
        skip_when_already_exists=True,  # the same object again: its run id exists already
        max_active_tis_per_dag=16,
    ).expand_kwargs(list_inbox())


linguaflow_inbox()
