"""Every LINGUAFLOW_* setting in one place: its type, its default and what it is for.

Read from the environment once per process (`settings()`); connections to services stay Airflow
connections. The README's settings table is generated from this class
(`python -m linguaflow.settings`) and a test keeps the two equal.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .states import STATES


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LINGUAFLOW_", extra="ignore", frozen=True)

    # -- where things live
    home: Path = Field(Path(".linguaflow"), description="project-local state of the embedded default (Airflow on SQLite, files, embedded store)")
    work_root: str | None = Field(None, description="where media uploads and artefacts go: `s3://my-bucket` or `file:///data` (default `file://<home>`)")
    storage_conn_id: str = Field("aws_default", description="Airflow connection for `s3://` URIs (empty: the SDK's credential chain; `endpoint_url` in its extra for MinIO)")
    model_cache: Path | None = Field(None, description="where bundled model files are joined once (default `~/.cache/linguaflow/models`)")
    openai_whisper_dir: Path = Field(Path("/models/openai-whisper"), description="where openai-whisper checkpoints `<name>.pt` are mounted")

    # -- results
    mongo_uri: str | None = Field(None, description="MongoDB URI; if unset, the Airflow connection named by `LINGUAFLOW_MONGO_CONN_ID`")
    mongo_conn_id: str = Field("linguaflow_mongo", description="Airflow connection of the result store when no URI is set")
    mongo_db: str = Field("linguaflow", description="database of the result store (collection `results`)")
    mongo_timeout_ms: int = Field(5000, ge=100, description="how long a store call waits for a MongoDB server before the store counts as down")
    redis_url: str | None = Field(None, description="Redis hot cache (optional: without it, or with Redis down, reads go to MongoDB)")

    # -- the run
    runner: Literal["local", "kubernetes"] = Field("local", description="`local`: transcribe in the worker process; `kubernetes`: in a GPU pod (`LINGUAFLOW_K8S_*`)")
    routes: dict[str, dict] | None = Field(None, description="routing table (JSON), per language or `*`: backend, model, pool, fallback; over the file's")
    routes_file: Path | None = Field(None, description="routing table file (JSON), over the defaults")
    unclassified_retry_delay_s: float = Field(30.0, ge=0, description="delay before another try of an unknown failure or of a task whose process or worker was killed")
    retry_delay_scale: float = Field(1.0, gt=0, le=1, description="scales the retry table's delays (drills only; production: 1)")
    step_timeout_base_s: float = Field(600.0, ge=1, description="time limit of a heavy step (transcribe, translate one language) for media of no length, seconds")
    step_timeout_factor: float = Field(4.0, gt=0, description="seconds more per second of media in that limit (the tasks' `execution_timeout` is the limit of the longest media probe accepts)")
    mt_slots: int = Field(4, ge=1, le=64, description="chats one in-process batched decoder (`llamacpp-batched`, a run's languages together) decodes at once: the best number depends on the CPU (bench/RESULTS.md, \"A run's languages at once\")")
    languages_together: bool = Field(False, description="the first translate task of a run decodes every language whose route is the same in-process GGUF model at once, in one batched decoder, and leaves the others' results for their own tasks (one worker doing a run's tasks one after another: the embedded default sets it)")
    mt_reproducible: bool = Field(False, description="the in-process batched decoder gives every chat the same reply whatever else it decodes beside it (batch-invariant kernels: same transcript, same translation, alone or with other languages); on a 2-core CPU it costs the gain of decoding side by side (bench/RESULTS.md, \"Batch-invariant decoding\")")
    quality_estimate: bool = Field(False, description="requests that do not say otherwise (`quality_estimate`) estimate each translated segment's quality (0-1, stored with it) by reading the source back from the translation with `quality_model`, and flag `low_quality` below its language's line (precision, recall and cost: bench/RESULTS.md, \"A quality estimate\")")
    quality_model: str = Field("qwen2.5-coder-1.5b-instruct-q4", description="the GGUF model that reads the quality estimate (a bundled name or a `.gguf` path), whatever route translated; the bundled 0.5B is twice as fast but flags 16 % of human translations (bench/RESULTS.md); a model not measured needs `quality_line`")
    quality_line: float | None = Field(None, ge=0, le=1, description="a translated segment whose quality estimate is below this is flagged `low_quality`, in every language (unset: per target language, as chosen on the error benchmark's tuning part)")
    max_target_languages: int = Field(20, ge=1, description="most target languages one task may ask for")
    max_text_items_bytes: int = Field(256 * 1024, ge=0, description="most bytes of supplied text items (UTF-8) in one task")

    # -- input policy (linguaflow.policy)
    media_prefixes: str = Field("", description="comma-separated `s3://bucket/prefix` media may come from (empty: any bucket the storage connection reads)")
    asr_model_roots: str = Field("/models", description="comma-separated directories a request's `asr_model` may name as a model directory (bundled names are always allowed; the embedded default sets `/`)")
    local_media_roots: str = Field("", description="comma-separated local directories `file://` media may come from in a run (never through the API; the embedded default sets `/`)")
    allow_http_callbacks: bool = Field(False, description="allow `http://` callback URLs (else `https://` only)")
    callback_allow_hosts: str = Field("", description="comma-separated callback hosts exempt from the public-address check (a receiver you trust on an internal address)")
    max_request_bytes: int = Field(1024 * 1024, ge=1024, description="largest JSON body the task API accepts (uploads have their own cap)")

    # -- task lifecycle (linguaflow.orchestration.deletion, the retention DAG)
    review_timeout_h: float = Field(72.0, gt=0, description="a review nobody answers is published as it stands after this many hours")
    review_settle_s: float = Field(10.0, ge=0, description="an answer to a review given sooner than this after it opened waits out the rest (Airflow 3.3.2 can lose a faster one: `linguaflow.orchestration.review.settling`); 0 turns the wait off")
    delete_grace_s: float = Field(60.0, ge=0, description="after deleting a task with a running step: seconds until its leftovers are purged once more")
    retention: dict[str, float] = Field(
        {}, description="days a task is kept, per state or `*` (JSON, e.g. `{\"failed\": 7, \"*\": 90}`; empty: forever); the retention DAG deletes older ones")
    retention_schedule: str = Field("@daily", description="schedule of the retention DAG")
    retention_batch: int = Field(100, ge=1, description="tasks the retention DAG deletes per batch")

    # -- entry points
    inbox: str | None = Field(None, description="inbox prefix watched by the inbox DAG (default `<work root>/inbox`)")
    inbox_targets: str = Field("zh,ja", description="target languages of inbox objects without sidecar or metadata, comma separated")
    inbox_schedule: str = Field("*/10 * * * *", description="cron schedule of the inbox DAG (its data intervals)")
    inbox_queue: str | None = Field(None, description="SQS queue URL the inbox bucket's S3 event notifications go to: a new object starts its media run within seconds (the `linguaflow_ingest` DAG, an asset watcher); unset: only the polling inbox DAG")
    inbox_queue_poll_s: int = Field(1, ge=1, description="seconds between polls of that queue while it is empty")
    max_upload_bytes: int = Field(2 * 1024**3, ge=1, description="largest media upload the task API accepts")
    callback_conn_id: str = Field("linguaflow_callback", description="Airflow connection whose password signs callbacks")
    callback_secret: SecretStr | None = Field(None, description="callback signing secret when that connection does not exist")

    # -- the CLI's task API client
    asr_device: Literal["cpu", "cuda", "auto"] = Field("cpu", description="where the transcribe task runs Whisper in-process: `cuda` on a GPU worker (float16), `auto` = the GPU when CTranslate2 sees one")
    asr_batch_size: int = Field(0, ge=0, le=64, description="faster-whisper: VAD chunks decoded at once (BatchedInferencePipeline); 0 or 1 = sequential (bench/RESULTS.md)")
    asr_routes: dict[str, dict] | None = Field(None, description="ASR routing table (JSON): `lang:<code>`, a model name or `*` -> engine, model, fallback (see linguaflow.speech.routing)")
    asr_service_conn_id: str = Field("linguaflow_asr", description="Airflow connection of the OpenAI-compatible transcription endpoint the `remote` engine calls (host = base URL with /v1, password = API key)")
    serve_api_key: SecretStr | None = Field(None, description="API key `linguaflow serve` and `serve-mt` want as `Authorization: Bearer` (unset: none)")
    api: str = Field("http://127.0.0.1:8080", description="Airflow API server the CLI talks to")
    token: SecretStr | None = Field(None, description="JWT for the task API (else user and password)")
    user: str | None = Field(None, description="user exchanged for a JWT at `/auth/token`")
    password: SecretStr | None = Field(None, description="that user's password")

    # -- executors and queues (a distributed deployment; the LocalExecutor ignores queues)
    asr_queue: str = Field("asr", description="Celery queue of the transcribe task (the workers that hold the Whisper models, the GPU pool)")
    mt_queue: str = Field("mt", description="Celery queue of the translate tasks, unless their route names its own `queue`")
    asr_pool: str = Field("default_pool", description="Airflow pool of the transcribe task: size it to the Whisper workers' slots (routed to a warm ASR service: its `--concurrency` + 1, so a request always waits there), so waiting transcriptions queue in Airflow, where interactive runs overtake bulk ones")
    asr_executor: str | None = Field(None, description="executor of the transcribe task, one of `[core] executor` (e.g. `CeleryExecutor` beside a default `LocalExecutor`; unset: the default)")
    mt_executor: str | None = Field(None, description="executor of the translate tasks, as `LINGUAFLOW_ASR_EXECUTOR`")

    # -- the GPU pod (runner = kubernetes)
    k8s_image: str = Field("linguaflow/whisper-worker:0.1.0", description="Whisper worker image")
    k8s_namespace: str = Field("linguaflow", description="namespace of the worker pods")
    k8s_service_account: str = Field("linguaflow-worker", description="service account of the worker pods")
    k8s_node_selector: str = Field("linguaflow.io/pool=gpu", description="node selector of the GPU pool, `k=v,k2=v2`")
    k8s_s3_secret: str = Field("linguaflow-s3", description="Kubernetes secret with the pod's S3 credentials (envFrom)")
    k8s_models_pvc: str = Field("whisper-models", description="volume claim mounted read-only at /models")
    k8s_startup_timeout: int = Field(900, ge=1, description="seconds a pod may wait for a GPU node")

    @field_validator("retention")
    @classmethod
    def _retention_states(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(STATES) - {"*"})
        if unknown or any(days <= 0 for days in v.values()):
            raise ValueError(f"retention: days > 0 per state ({', '.join(STATES)}) or '*'; not {unknown or v}")
        return v

    @property
    def work_root_uri(self) -> str:
        return (self.work_root or "file://" + os.path.abspath(self.home)).rstrip("/")

    @property
    def model_cache_dir(self) -> Path:
        return self.model_cache or Path.home() / ".cache" / "linguaflow" / "models"

    @property
    def node_selector(self) -> dict[str, str]:
        return dict(kv.split("=", 1) for kv in self.k8s_node_selector.split(",") if "=" in kv)


def split_csv(text: str | None) -> list[str]:
    """"zh, ja" (a comma-separated setting, form field, CLI flag or object metadata) -> ["zh", "ja"]."""
    return [x.strip() for x in (text or "").split(",") if x.strip()]


@functools.cache
def settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings()


def reload() -> Settings:
    """Read the environment again (the embedded default and tests change it at run time)."""
    settings.cache_clear()
    return settings()


def secret_from_env(name: str) -> str | None:
    """A secret whose variable a route names (e.g. an LLM endpoint's `api_key_env`)."""
    return os.environ.get(name) or None


def storage_credentials_configured() -> bool:
    """Can `s3://` be read without asking anyone: the storage connection is defined in the
    environment (AIRFLOW_CONN_<ID>), or, with no connection, the SDK finds credentials."""
    conn = settings().storage_conn_id
    if conn:
        return f"AIRFLOW_CONN_{conn.upper()}" in os.environ
    return bool(os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE")
                or os.path.exists(os.path.expanduser("~/.aws/credentials")))


def markdown_table() -> str:
    """The settings table of the docs' reference page (scripts/docs_reference.py writes it)."""
    rows = ["| setting | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "" if default is None else f"`{default.get_secret_value() if isinstance(default, SecretStr) else default}`"
        rows.append(f"| `LINGUAFLOW_{name.upper()}` | {shown} | {field.description} |")
    return "\n".join(rows)


if __name__ == "__main__":  # python -m linguaflow.settings: print the table
    sys.stdout.write(markdown_table() + "\n")
