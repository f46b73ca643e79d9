"""linguaflow media DAG: one run per media file.

probe -> transcribe -> translate (mapped, one task per target language) -> review -> package.
`review` asks a person about flagged segments only when the request says so (else it returns at once).
Wiring only: every step lives in `linguaflow.pipeline`; heavy imports happen inside tasks.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import DeadlineAlert, DeadlineReference, SyncCallback, dag, get_current_context, task, teardown

from linguaflow.orchestration.alerts import task_failed
from linguaflow.limits import limit_for
from linguaflow.orchestration.priority import STRATEGY as PRIORITY
from linguaflow.request import MediaRequest, dag_params
from linguaflow.orchestration.retry import MAX_RETRIES, RetryTablePolicy, unclassified_retry_delay
from linguaflow.orchestration.review.operator import SegmentReviewOperator
from linguaflow.settings import settings
from linguaflow.speech.probe import MAX_DURATION_S
from linguaflow.translation.router import DEFAULT_POOL
from linguaflow.translation.router import pools as translation_pools
from linguaflow.translation.router import queue_of


def _store():
    from linguaflow.results.store import ResultStore

    return ResultStore()


@dag(
    dag_id="linguaflow_media",
    schedule=None,
    catchup=False,
    params=dag_params(),  # generated from linguaflow.request.MediaRequest
    max_active_runs=8,
    tags=["linguaflow"],
    default_args={
        "retries": MAX_RETRIES,
        "retry_policy": RetryTablePolicy(),
        "retry_delay": unclassified_retry_delay(),  # unknown failures and killed tasks
        "execution_timeout": timedelta(seconds=limit_for(MAX_DURATION_S)),  # a ceiling: each step's limit comes from its media
        "on_failure_callback": task_failed,
        "weight_rule": PRIORITY,  # interactive runs before inbox/backfill ones
    },
    deadline=DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=timedelta(hours=3),
        callback=SyncCallback("linguaflow.orchestration.alerts.deadline_missed"),
    ),
    doc_md=__doc__,
)
def linguaflow_media():
    @task
    def probe() -> dict:
        from linguaflow import pipeline

        ctx = get_current_context()
        return pipeline.probe_step(dict(ctx["params"]), ctx["run_id"], _store(), getattr(ctx["dag_run"], "triggering_user_name", None))

    @task
    def transcribe(job: dict) -> str:
        from linguaflow import pipeline

        opts = pipeline.asr_options(MediaRequest.of_job(job))
        return pipeline.transcribe_step(job["task_id"], job["media"], opts, store=_store())

    @task
    def targets(job: dict, pool: str) -> list[str]:
        from linguaflow.translation.router import route_for

        return [lang for lang in MediaRequest.of_job(job).target_languages if route_for(lang).pool == pool]

    @task(map_index_template="{{ task.op_kwargs['lang'] }}")
    def translate(lang: str, job: dict, transcript: str) -> str:
        from linguaflow import pipeline

        return pipeline.translate_task(job["task_id"], transcript, lang, MediaRequest.of_job(job), store=_store())

    @task(trigger_rule="none_failed_min_one_success")  # a pool with no language is skipped, not failed
    def package(job: dict, transcript: str, translations: list) -> dict:
        """The readable summary of the stored result."""
        from linguaflow import pipeline

        # a slice is one XCom read; iterating reads item by item until a 404, logged as an error
        uris = [uri for per_pool in translations for uri in per_pool[:]]
        return pipeline.package_step(job["task_id"], job["media"], transcript, uris, MediaRequest.of_job(job), _store())

    @teardown  # runs however the run ends; as a teardown it never decides the run's state
    def notify() -> None:
        """Tell the caller the task ended; a callback that keeps failing never fails the run."""
        from linguaflow.orchestration import webhook

        ctx = get_current_context()
        webhook.notify(dict(ctx["params"]), ctx["run_id"], ctx["ti"].try_number, _store)

    job = probe()
    if settings().runner == "kubernetes":
        from linguaflow.orchestration.k8s import whisper_pod_operator

        pod = whisper_pod_operator("transcribe")
        job >> pod
        transcript = job["transcript_uri"]
    else:  # on the Whisper workers: their queue, and their executor where the deployment has several
        transcript = transcribe.override(queue=settings().asr_queue, executor=settings().asr_executor,
                                         pool=settings().asr_pool)(job)
    # one mapped translate task per pool of the routing table, so each pool caps its backend
    done = []
    for pool, max_active in translation_pools().items():
        suffix = "" if pool == DEFAULT_POOL else f"__{pool}"
        langs = targets.override(task_id=f"targets{suffix}")(job, pool)
        mapped = translate.override(task_id=f"translate{suffix}", pool=pool, max_active_tis_per_dag=max_active,
                                    queue=queue_of(pool), executor=settings().mt_executor)
        done.append(mapped.partial(job=job, transcript=transcript).expand(lang=langs))
        if settings().runner == "kubernetes":
            pod >> done[-1]
    review = SegmentReviewOperator(task_id="review", job=job, trigger_rule="none_failed_min_one_success",
                                   response_timeout=timedelta(hours=settings().review_timeout_h))
    done >> review
    if settings().runner == "kubernetes":
        pod >> review
    review >> package(job, transcript, done) >> notify()


linguaflow_media()
