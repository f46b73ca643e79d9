"""`linguaflow serve-mt`: the bundled translation models kept warm behind OpenAI's chat API.

    POST /v1/chat/completions   {model, messages, max_tokens | max_completion_tokens, temperature,
                                stop, n: 1, stream: false}; decoding is greedy (temperature is
                                accepted and not used: translations should not vary run to run)
    GET  /v1/models             the models served
    GET  /health, GET /metrics  liveness, and Prometheus metrics (running chats, queue depth,
                                tokens read and generated)

Each model is one `translation.batched_llama.BatchedLlama`: chats from every request (the languages
of a run, the tasks of many runs) are decoded side by side with continuous batching, so a
generation step serves them all. A route with the `openai` backend and this service's base URL is
the translation cluster; `parallel` on that route asks a task's batches at once. With an API key
configured (LINGUAFLOW_SERVE_API_KEY) every /v1 route wants `Authorization: Bearer <key>`.
Errors are OpenAI's shape; a full queue is 429 with Retry-After, which OpenAI's SDKs retry.
"""

# no `from __future__ import annotations`: FastAPI must see the route parameters' types
import contextlib
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Literal

from fastapi import Depends, FastAPI
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ..errors import BadInput
from ..serving.admission import Admission, Full
from ..serving.openai_api import ApiError, answer_errors, bearer_check, models_list
from ..settings import settings
from ..translation.llamacpp import max_tokens_for
from ..weights import BUNDLED_GGUF, resolve_gguf

log = logging.getLogger(__name__)

MAX_MESSAGES = 64
MAX_CHARS = 64_000  # of all the messages' contents: a route's prompt is ~3 k


@dataclass(frozen=True)
class TranslationServiceConfig:
    models: tuple[str, ...] = ("qwen2.5-coder-1.5b-instruct-q4",)  # bundled GGUF names or .gguf paths
    slots: int | None = None  # chats decoded at once per model (default LINGUAFLOW_MT_SLOTS)
    queue: int = 32  # chats waiting beyond those; more are refused with 429
    api_key: str | None = None
    retry_after_s: int = 2


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "user", "assistant"]
    content: str


class ChatRequest(BaseModel):
    """The fields of OpenAI's chat completion request this service honours; others are ignored."""

    model_config = ConfigDict(extra="ignore")
    model: str
    messages: list[Message] = Field(min_length=1, max_length=MAX_MESSAGES)
    max_tokens: int | None = Field(None, ge=1, le=8192)
    max_completion_tokens: int | None = Field(None, ge=1, le=8192)
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    n: int = Field(1, ge=1, le=1)
    stream: Literal[False] = False


@dataclass
class Metrics:
    requests: dict[int, int] = field(default_factory=dict)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int, prompt: int = 0, completion: int = 0) -> None:
        with self._lock:
            self.requests[status] = self.requests.get(status, 0) + 1
            self.prompt_tokens += prompt
            self.completion_tokens += completion

    def render(self, admission: Admission) -> str:
        lines = ["# HELP linguaflow_mt_requests_total Chat completions by status.", "# TYPE linguaflow_mt_requests_total counter"]
        lines += [f'linguaflow_mt_requests_total{{status="{status}"}} {n}' for status, n in sorted(self.requests.items())]
        for name, value, what in (("prompt_tokens_total", self.prompt_tokens, "Prompt tokens read."),
                                  ("completion_tokens_total", self.completion_tokens, "Tokens generated.")):
            lines += [f"# HELP linguaflow_mt_{name} {what}", f"# TYPE linguaflow_mt_{name} counter", f"linguaflow_mt_{name} {value}"]
        lines += ["# HELP linguaflow_mt_running Chats being decoded now.", "# TYPE linguaflow_mt_running gauge",
                  f"linguaflow_mt_running {admission.running}",
                  "# HELP linguaflow_mt_queue_depth Chats waiting for a slot.", "# TYPE linguaflow_mt_queue_depth gauge",
                  f"linguaflow_mt_queue_depth {admission.waiting}"]
        return "\n".join(lines) + "\n"


def create_app(cfg: TranslationServiceConfig, engines: dict | None = None) -> FastAPI:
    """The service; `engines` ({model: BatchedLlama}) for a caller that already holds them, else
    they are loaded at start and closed at shutdown."""
    slots = cfg.slots or settings().mt_slots
    admission, metrics = Admission(slots * len(cfg.models), cfg.queue), Metrics()
    held: dict = dict(engines or {})

    @contextlib.asynccontextmanager
    async def warm(app: FastAPI):
        from ..translation.batched_llama import BatchedLlama

        mine = [name for name in cfg.models if name not in held]
        for name in mine:
            held[name] = BatchedLlama(name, slots=slots)
        log.info("serving %s, %d chats at once each, %d queued", ", ".join(cfg.models), slots, cfg.queue)
        yield
        for name in mine:
            held.pop(name).close()

    app = FastAPI(title="linguaflow translation service", version="1", lifespan=warm,
                  description="The bundled translation models behind OpenAI's chat API, kept warm, decoded in batches.")
    answer_errors(app)
    Authorized = Annotated[None, Depends(bearer_check(cfg.api_key))]

    @app.post("/v1/chat/completions", summary="A chat completion (OpenAI's API), greedy")
    def completions(_: Authorized, body: ChatRequest) -> dict:
        if body.model not in cfg.models:
            metrics.count(404)
            raise ApiError(404, f"model {body.model[:100]!r} is not served here: {', '.join(cfg.models)}",
                           code="model_not_found")
        messages = [m.model_dump() for m in body.messages]
        if sum(len(m["content"]) for m in messages) > MAX_CHARS:
            metrics.count(400)
            raise ApiError(400, f"the messages hold more than {MAX_CHARS} characters", code="context_length_exceeded")
        budget = body.max_completion_tokens or body.max_tokens or max_tokens_for(messages)
        try:
            with admission.slot():
                reply = held[body.model].chat(messages, budget)
        except Full as exc:
            metrics.count(429)
            raise ApiError(429, f"busy ({exc}); retry shortly", "rate_limit_error", "queue_full",
                           {"Retry-After": str(cfg.retry_after_s)}) from None
        except ValueError as exc:  # the prompt does not fit a slot
            metrics.count(400)
            raise ApiError(400, str(exc), code="context_length_exceeded") from None
        metrics.count(200, reply.prompt_tokens, reply.completion_tokens)
        return {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": int(time.time()),
                "model": body.model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.text}, "finish_reason": reply.finish}],
                "usage": {"prompt_tokens": reply.prompt_tokens, "completion_tokens": reply.completion_tokens,
                          "total_tokens": reply.prompt_tokens + reply.completion_tokens}}

    @app.get("/v1/models", summary="The models served")
    def models(_: Authorized) -> dict:
        return models_list(cfg.models)

    @app.get("/health", summary="Liveness and load")
    def health() -> dict:
        return {"status": "ok" if all(name in held for name in cfg.models) else "loading", "models": list(cfg.models),
                "running": admission.running, "waiting": admission.waiting}

    @app.get("/metrics", summary="Prometheus metrics")
    def prometheus() -> Response:
        return PlainTextResponse(metrics.render(admission), media_type="text/plain; version=0.0.4")

    return app


def check_models(models: tuple[str, ...]) -> None:
    """Refuse to start with a model that cannot be loaded (a bundled name or a .gguf file)."""
    for name in models:
        try:
            if name not in BUNDLED_GGUF:
                resolve_gguf(name)
        except BadInput as exc:
            raise BadInput(f"cannot serve {name!r}: {exc}") from None
