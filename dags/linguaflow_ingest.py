"""linguaflow ingest DAG: event-driven inbox. An object landing in the inbox bucket starts its
media run within seconds, not at the next polling interval.

The bucket's S3 event notifications go to an SQS queue (LINGUAFLOW_INBOX_QUEUE); an asset watcher
(common-messaging's MessageQueueTrigger, scheme "sqs", in the triggerer) turns each batch of
messages into an asset event, and this DAG, scheduled on that asset, starts exactly one media run
per object version: run ids come from bucket/key/ETag as the polling inbox's do, so an object
announced twice, or also found by the polling inbox DAG (kept for catch-up and backfills), runs
once. Without LINGUAFLOW_INBOX_QUEUE this DAG is not defined. Logic in `linguaflow.orchestration.inbox`.
"""

from __future__ import annotations

from datetime import timedelta

from linguaflow.settings import settings

if settings().inbox_queue:  # imports inside: without a queue, parsing this file costs nothing
    from airflow.providers.common.messaging.triggers.msg_queue import MessageQueueTrigger
    from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
    from airflow.sdk import Asset, AssetWatcher, dag, get_current_context, task

    inbox_events = Asset("linguaflow-inbox-events", watchers=[AssetWatcher(
        name="linguaflow_inbox_sqs",
        # the queue is named explicitly (scheme "sqs"): a queue URL that is not AWS-shaped (MinIO,
        # a test server) still works; polled every LINGUAFLOW_INBOX_QUEUE_POLL_S while empty
        trigger=MessageQueueTrigger(scheme="sqs", sqs_queue=settings().inbox_queue,
                                    aws_conn_id=settings().storage_conn_id or None, max_messages=10,
                                    waiter_delay=settings().inbox_queue_poll_s, wait_time_seconds=1),
    )])

    @dag(
        dag_id="linguaflow_ingest",
        schedule=[inbox_events],
        catchup=False,
        tags=["linguaflow"],
        default_args={"retries": 2, "retry_delay": timedelta(seconds=10)},
        doc_md=__doc__,
    )
    def linguaflow_ingest():
        @task
        def announced() -> list[dict]:
            """The trigger requests of the objects this run's events announce (events may come batched)."""
            from linguaflow.orchestration.inbox import requests_from_events

            events = get_current_context()["triggering_asset_events"]
            messages = [m for batch in events.values() for e in batch
                        for m in ((e.extra or {}).get("payload") or {}).get("message_batch") or []]
            return requests_from_events(messages)

        TriggerDagRunOperator.partial(
            task_id="trigger_media",
            trigger_dag_id="linguaflow_media",
            skip_when_already_exists=True,  # announced again, or found by the polling inbox: one run
            max_active_tis_per_dag=16,
        ).expand_kwargs(announced())

    linguaflow_ingest()
