"""linguaflow media DAG: one run per media file.

probe -> transcribe -> translate (mapped, one task per target language) -> package.
Wiring only: every step lives in `linguaflow.pipeline`; heavy imports happen inside tasks.
"""

from __future__ import annotations

import os
from datetime import timedelta

from airflow.sdk import DeadlineAlert, DeadlineReference, Param, SyncCallback, dag, get_current_context, task, teardown

from linguaflow.alerts import task_failed
from linguaflow.codes import supported_languages
from linguaflow.models import BUNDLED_ASR, DEFAULT_ASR_MODEL
from linguaflow.retry import MAX_RETRIES, RetryTablePolicy
from linguaflow.translate import DEFAULT_POOL
from linguaflow.translate import pools as translation_pools

LANGS = supported_languages()
# local: transcribe in the worker process; kubernetes: a pod on the GPU node pool
RUNNER = os.environ.get("LINGUAFLOW_RUNNER", "local")

PARAMS = {
    "media_uri": Param(
        "", type="string", minLength=1, title="Media URI",
        description="Audio or video in object storage: s3://bucket/key or file:///path",
    ),
    "target_languages": Param(
        ["zh", "ja"], type="array", items={"type": "string", "enum": LANGS}, uniqueItems=True, examples=LANGS,
        title="Target languages", description="ISO 639-1 codes; one mapped translate task per language",
    ),
    "source_language": Param(
        "auto", type="string", enum=["auto", *LANGS], title="Source language",
        description="Spoken language, or auto to let Whisper detect it",
    ),
    "asr_engine": Param(
        "faster-whisper", type="string", enum=["faster-whisper", "openai-whisper"], title="ASR engine",
        description="faster-whisper (CTranslate2, default) or openai-whisper (the reference implementation)",
    ),
    "asr_model": Param(
        DEFAULT_ASR_MODEL, type="string", minLength=1, title="ASR model", examples=list(BUNDLED_ASR),
        description="A bundled model name (base, tiny.en) or a CTranslate2 model directory",
    ),
    "task_id": Param(
        None, type=["null", "string"], title="Task id",
        description="Result id; defaults to the DAG run id",
    ),
    "callback_url": Param(
        None, type=["null", "string"], title="Callback URL",
        description="POSTed a signed JSON (HMAC-SHA256) when the task ends",
    ),
    "text_items": Param(
        {}, type="object", title="Text items",
        description="Supplied text (id -> text: title, description...) translated beside the transcript",
    ),
}


def _request():
    from linguaflow import pipeline

    ctx = get_current_context()
    req = pipeline.validate_request(ctx["params"])
    return pipeline.task_id_for(ctx["params"], ctx["run_id"]), req


def _store():
    from linguaflow.store import ResultStore

    return ResultStore()


@dag(
    dag_id="linguaflow_media",
    schedule=None,
    catchup=False,
    params=PARAMS,
    max_active_runs=8,
    tags=["linguaflow"],
    default_args={
        "retries": MAX_RETRIES,
        "retry_policy": RetryTablePolicy(),
        "execution_timeout": timedelta(hours=2),
        "on_failure_callback": task_failed,
    },
    deadline=DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=timedelta(hours=3),
        callback=SyncCallback("linguaflow.alerts.deadline_missed"),
    ),
    doc_md=__doc__,
)
def linguaflow_media():
    @task(retries=0)
    def probe() -> dict:
        from linguaflow import pipeline

        task_id, req = _request()
        media = pipeline.probe_step(task_id, req["media_uri"])
        return {"task_id": task_id, **req, "media": media, **pipeline.work_refs(task_id)}

    @task
    def transcribe(job: dict) -> str:
        from linguaflow import pipeline
        from linguaflow.asr import AsrOptions

        params = get_current_context()["params"]
        lang = None if job["source"] == "auto" else job["source"]
        opts = AsrOptions(engine=params["asr_engine"], model=params["asr_model"], language=lang)
        return pipeline.transcribe_step(job["task_id"], job["media"], opts, store=_store())

    @task
    def targets(job: dict, pool: str) -> list[str]:
        from linguaflow.translate import route_for

        return [lang for lang in job["targets"] if route_for(lang).pool == pool]

    @task(map_index_template="{{ task.op_kwargs['lang'] }}")
    def translate(lang: str, job: dict, transcript: str) -> str:
        from linguaflow import pipeline

        return pipeline.translate_step(job["task_id"], transcript, lang, job["text_items"], store=_store())

    @task(trigger_rule="none_failed_min_one_success")  # a pool with no language is skipped, not failed
    def package(job: dict, transcript: str, translations: list) -> dict:
        from linguaflow import pipeline

        uris = [uri for per_pool in translations for uri in per_pool]
        coded = pipeline.package_step(job["task_id"], job["media"], transcript, uris, job["text_items"], _store())
        return {"task_id": coded["_id"], "languages": sorted(coded["_ls"])}

    @teardown  # runs however the run ends; as a teardown it never decides the run's state
    def notify() -> None:
        """Tell the caller the task ended; a callback that keeps failing never fails the run."""
        from linguaflow import callback

        ctx = get_current_context()
        callback.notify(ctx["params"], ctx["run_id"], ctx["ti"].try_number, _store)

    job = probe()
    if RUNNER == "kubernetes":
        from linguaflow.k8s import whisper_pod_operator

        pull = "{{ ti.xcom_pull(task_ids='probe')['%s'] }}"
        pod = whisper_pod_operator("transcribe", pull % "media_uri", pull % "transcript_uri", pull % "pod_label")
        job >> pod
        transcript = job["transcript_uri"]
    else:
        transcript = transcribe(job)
    # one mapped translate task per pool of the routing table, so each pool caps its backend
    done = []
    for pool, max_active in translation_pools().items():
        suffix = "" if pool == DEFAULT_POOL else f"__{pool}"
        langs = targets.override(task_id=f"targets{suffix}")(job, pool)
        mapped = translate.override(task_id=f"translate{suffix}", pool=pool, max_active_tis_per_dag=max_active)
        done.append(mapped.partial(job=job, transcript=transcript).expand(lang=langs))
        if RUNNER == "kubernetes":
            pod >> done[-1]
    package(job, transcript, done) >> notify()


linguaflow_media()
