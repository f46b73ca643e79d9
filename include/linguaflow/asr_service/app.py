"""`linguaflow serve`: Whisper kept warm behind OpenAI's audio API.

    POST /v1/audio/transcriptions   multipart: file, model, language, prompt, temperature,
                                    response_format (json | text | srt | vtt | verbose_json),
                                    timestamp_granularities[] (segment | word)
    POST /v1/audio/translations     the same into English (Whisper's translate task)
    GET  /v1/models                 the models served ("whisper-1" names the first)
    GET  /health, GET /metrics      liveness, and Prometheus metrics (queue depth, audio seconds,
                                    processing seconds: their ratio is the real-time factor)

Models are loaded once at start and kept; a request names a served model, never a path. With an
API key configured every /v1 route wants `Authorization: Bearer <key>`. Errors use OpenAI's
shape (`{"error": {"message", "type", "code"}}`), so OpenAI's SDKs raise their usual exceptions;
a full queue is 429 with Retry-After, which those SDKs retry by themselves.
"""

# no `from __future__ import annotations`: FastAPI must see the route parameters' types, which
# name aliases local to create_app (the configured API key check)
import contextlib
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, FastAPI, File, Form, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from ..errors import BadInput, classify, is_transient
from ..languages import language as normalize_language
from ..speech import batching, probe, transcribe
from ..speech.types import AsrOptions
from ..weights import asr_model_known
from ..serving.admission import Admission, Full
from ..serving.openai_api import ApiError, answer_errors, bearer_check, models_list
from . import formats

log = logging.getLogger(__name__)
ALIAS = "whisper-1"  # what OpenAI's clients ask for by default


@dataclass(frozen=True)
class ServiceConfig:
    models: tuple[str, ...] = ("base",)  # bundled names or CTranslate2 directories, chosen by the operator
    device: str = "cpu"
    compute_type: str = "auto"
    concurrency: int = 1  # transcriptions at once (each uses the model's CPU threads or the GPU)
    queue: int = 8  # requests waiting beyond those; more are refused with 429
    # >1: speech chunks decoded that many at once, from one file or from all the requests running
    # (speech.batching: one decoder; `concurrency` requests are then read and queued for it)
    batch_size: int = 0
    api_key: str | None = None
    max_upload_bytes: int = 1 << 30
    retry_after_s: int = 5


@dataclass
class Metrics:
    requests: dict[tuple[str, int], int] = field(default_factory=dict)
    audio_seconds: float = 0.0
    processing_seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, route: str, status: int, audio_s: float = 0.0, processing_s: float = 0.0) -> None:
        with self._lock:
            self.requests[(route, status)] = self.requests.get((route, status), 0) + 1
            self.audio_seconds += audio_s
            self.processing_seconds += processing_s

    def render(self, admission: Admission) -> str:
        lines = ["# HELP linguaflow_asr_requests_total Requests by route and status.",
                 "# TYPE linguaflow_asr_requests_total counter"]
        for (route, status), n in sorted(self.requests.items()):
            lines.append(f'linguaflow_asr_requests_total{{route="{route}",status="{status}"}} {n}')
        lines += [
            "# HELP linguaflow_asr_audio_seconds_total Seconds of audio transcribed.",
            "# TYPE linguaflow_asr_audio_seconds_total counter", f"linguaflow_asr_audio_seconds_total {self.audio_seconds:.3f}",
            "# HELP linguaflow_asr_processing_seconds_total Seconds spent transcribing (over audio seconds: the real-time factor).",
            "# TYPE linguaflow_asr_processing_seconds_total counter",
            f"linguaflow_asr_processing_seconds_total {self.processing_seconds:.3f}",
            "# HELP linguaflow_asr_running Transcriptions running now.", "# TYPE linguaflow_asr_running gauge",
            f"linguaflow_asr_running {admission.running}",
            "# HELP linguaflow_asr_queue_depth Requests waiting for a slot.", "# TYPE linguaflow_asr_queue_depth gauge",
            f"linguaflow_asr_queue_depth {admission.waiting}",
            "# HELP linguaflow_asr_capacity Slots plus queue places.", "# TYPE linguaflow_asr_capacity gauge",
            f"linguaflow_asr_capacity {admission.concurrency + admission.queue}",
        ]
        batches, chunks = batching.totals()
        lines += [
            "# HELP linguaflow_asr_batches_total Batches of speech chunks decoded (--batch-size).",
            "# TYPE linguaflow_asr_batches_total counter", f"linguaflow_asr_batches_total {batches}",
            "# HELP linguaflow_asr_batched_chunks_total Speech chunks in those batches (over batches: the mean batch).",
            "# TYPE linguaflow_asr_batched_chunks_total counter", f"linguaflow_asr_batched_chunks_total {chunks}",
        ]
        return "\n".join(lines) + "\n"


def create_app(cfg: ServiceConfig) -> FastAPI:
    admission, metrics = Admission(cfg.concurrency, cfg.queue), Metrics()

    @contextlib.asynccontextmanager
    async def warm(app: FastAPI):
        for name in cfg.models:  # loaded now, kept for the service's life
            transcribe.preload(_options(cfg, name))
        log.info("serving %s on %s (%d at once, %d queued)", ", ".join(cfg.models), cfg.device, cfg.concurrency, cfg.queue)
        yield

    app = FastAPI(title="linguaflow ASR service", version="1", lifespan=warm,
                  description="Whisper behind OpenAI's audio API, models kept warm.")

    answer_errors(app)
    Authorized = Annotated[None, Depends(bearer_check(cfg.api_key))]

    def served(model: str) -> str:
        if model == ALIAS:
            return cfg.models[0]
        if model in cfg.models:
            return model
        raise ApiError(404, f"model {model[:100]!r} is not served here: {', '.join((ALIAS, *cfg.models))}",
                       "invalid_request_error", "model_not_found")

    def run(route: str, file: UploadFile, model: str, language: str | None, prompt: str | None, temperature: float,
            response_format: str, granularities: list[str], task: str):
        began, audio_s = time.monotonic(), 0.0
        try:
            if response_format not in formats.names():
                raise ApiError(400, f"response_format must be one of {', '.join(formats.names())}")
            wanted = {g for g in granularities if g}
            if wanted - {"segment", "word"}:
                raise ApiError(400, "timestamp_granularities[] takes segment and word")
            if wanted and response_format != "verbose_json":
                raise ApiError(400, "timestamp_granularities[] needs response_format=verbose_json")
            if not 0.0 <= temperature <= 1.0:
                raise ApiError(400, "temperature is between 0 and 1")
            opts = _options(cfg, served(model), language=_language(language), task=task, prompt=prompt,
                            words="word" in wanted, temperature=temperature)
            with _upload(file, cfg.max_upload_bytes) as path:
                info = probe.probe(path)
                audio_s = info.duration
                try:
                    with admission.slot():
                        result = transcribe.transcribe(path, opts, duration=info.duration)
                except Full as exc:
                    raise ApiError(429, f"busy ({exc}); retry shortly", "rate_limit_error", "queue_full",
                                   {"Retry-After": str(cfg.retry_after_s)}) from None
            body = formats.render(result, response_format, task, wanted)
            metrics.count(route, 200, audio_s, time.monotonic() - began)
            if isinstance(body, dict):
                return JSONResponse(body)
            return PlainTextResponse(body, media_type=formats.media_type(response_format))
        except ApiError as exc:
            metrics.count(route, exc.status)
            raise
        except BadInput as exc:
            metrics.count(route, 400)
            raise ApiError(400, str(exc)) from exc
        except Exception as exc:
            if is_transient(exc):
                metrics.count(route, 503)
                raise ApiError(503, f"temporarily unavailable ({classify(exc).__name__}): {exc}", "server_error",
                               headers={"Retry-After": str(cfg.retry_after_s)}) from exc
            metrics.count(route, 500)
            raise

    Granularities = Annotated[list[str], Form(alias="timestamp_granularities[]")]

    @app.post("/v1/audio/transcriptions", summary="Transcribe audio (OpenAI's API)")
    def transcriptions(_: Authorized, file: Annotated[UploadFile, File()], model: Annotated[str, Form()] = ALIAS,
                       language: Annotated[str | None, Form()] = None, prompt: Annotated[str | None, Form()] = None,
                       temperature: Annotated[float, Form()] = 0.0, response_format: Annotated[str, Form()] = "json",
                       timestamp_granularities: Granularities = []):  # noqa: B006 - FastAPI copies defaults
        return run("transcriptions", file, model, language, prompt, temperature, response_format,
                   timestamp_granularities, "transcribe")

    @app.post("/v1/audio/translations", summary="Translate audio into English (OpenAI's API)")
    def translations(_: Authorized, file: Annotated[UploadFile, File()], model: Annotated[str, Form()] = ALIAS,
                     prompt: Annotated[str | None, Form()] = None, temperature: Annotated[float, Form()] = 0.0,
                     response_format: Annotated[str, Form()] = "json"):
        return run("translations", file, model, None, prompt, temperature, response_format, [], "translate")

    @app.get("/v1/models", summary="The models served")
    def models(_: Authorized) -> dict:
        return models_list((ALIAS, *cfg.models))

    @app.get("/health", summary="Liveness and load")
    def health() -> dict:
        return {"status": "ok", "models": list(cfg.models), "running": admission.running, "waiting": admission.waiting}

    @app.get("/metrics", summary="Prometheus metrics")
    def prometheus() -> Response:
        return PlainTextResponse(metrics.render(admission), media_type="text/plain; version=0.0.4")

    return app


def _language(value: str | None) -> str | None:
    if value in (None, "", "auto"):
        return None
    try:
        return normalize_language(value)
    except BadInput as exc:
        raise ApiError(400, str(exc)) from None


def _options(cfg: ServiceConfig, model: str, language: str | None = None, task: str = "transcribe",
             prompt: str | None = None, words: bool = False, temperature: float = 0.0) -> AsrOptions:
    ladder = AsrOptions().temperature if temperature == 0.0 else (temperature,)
    return AsrOptions(engine="faster-whisper", model=model, device=cfg.device, compute_type=cfg.compute_type,
                      language=language, task=task, word_timestamps=words, temperature=ladder,
                      initial_prompt=prompt or None, batch_size=cfg.batch_size,
                      # batched: one decoding thread runs the batches, a second CTranslate2 worker the
                      # requests' language detection beside it (1.45x the bare engine at 8 in flight on
                      # 2 cores, against 1.19x with one worker: bench/RESULTS.md)
                      num_workers=cfg.concurrency if cfg.batch_size <= 1 else 2)


@contextlib.contextmanager
def _upload(file: UploadFile, limit: int):
    """The upload in a temporary file (refused past `limit` bytes), removed afterwards."""
    suffix = os.path.splitext(file.filename or "")[1][:10]
    with tempfile.NamedTemporaryFile(prefix="linguaflow-asr-", suffix=suffix) as tmp:
        total = 0
        while chunk := file.file.read(1 << 20):
            total += len(chunk)
            if total > limit:
                raise ApiError(413, f"file larger than {limit} bytes")
            tmp.write(chunk)
        if not total:
            raise ApiError(400, "the file is empty")
        tmp.flush()
        yield tmp.name


def check_models(models: tuple[str, ...]) -> None:
    """Refuse to start with a model that cannot be loaded."""
    for name in models:
        if name == ALIAS or not asr_model_known(name):
            raise BadInput(f"cannot serve {name!r}: a bundled model name or a CTranslate2 model directory")
