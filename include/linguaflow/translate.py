"""Translation: one interface, backends chosen per target language by a routing table.

`translate(items, source, target)` takes [(id, text), ...] and returns the same ids, in the
same order; it never drops, merges or invents an item, and an empty text stays empty.
"""

from __future__ import annotations

import atexit
import functools
import json
import logging
import os
import re
import threading
from dataclasses import dataclass

from .codes import language_code
from .errors import BadInput, LinguaflowError
from .models import resolve_gguf

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {
    "zh": "Simplified Chinese", "en": "English", "ja": "Japanese", "de": "German", "fr": "French",
    "es": "Spanish", "ko": "Korean", "ru": "Russian", "pt": "Portuguese", "it": "Italian",
    "ar": "Arabic", "hi": "Hindi", "nl": "Dutch", "tr": "Turkish", "pl": "Polish", "sv": "Swedish",
    "uk": "Ukrainian", "vi": "Vietnamese", "th": "Thai", "id": "Indonesian",
}

DEFAULT_ROUTES = {"*": {"backend": "llamacpp", "model": "qwen2.5-0.5b-instruct-q4", "batch_size": 8}}


class MalformedReply(LinguaflowError):
    """An LLM reply that does not hold exactly the requested ids (retried, then failed)."""

    kind = "bad_reply"


@dataclass(frozen=True)
class Route:
    backend: str
    model: str
    batch_size: int = 8

    @property
    def name(self) -> str:
        return f"{self.backend}/{self.model}"


def routes() -> dict:
    """The routing table: LINGUAFLOW_ROUTES (JSON) overrides the defaults per language."""
    table = dict(DEFAULT_ROUTES)
    if os.environ.get("LINGUAFLOW_ROUTES"):
        table.update(json.loads(os.environ["LINGUAFLOW_ROUTES"]))
    return table


def route_for(target: str) -> Route:
    language_code(target)  # unknown language -> BadInput
    spec = routes().get(target) or routes()["*"]
    return Route(**spec)


class LlamaCppTranslator:
    """An instruction-tuned GGUF chat model run in-process by llama.cpp, asked for strict JSON."""

    max_attempts = 3

    def __init__(self, model: str, n_ctx: int = 4096, threads: int | None = None):
        from llama_cpp import Llama

        self.model = model
        self.llm = Llama(
            str(resolve_gguf(model)), n_ctx=n_ctx, n_threads=threads or os.cpu_count(), verbose=True, seed=0
        )
        self.lock = threading.Lock()  # a llama context is not thread-safe
        atexit.register(self.llm.close)  # free it before interpreter teardown, not during

    def _ask(self, batch: list[tuple[str, str]], source: str, target: str) -> dict[str, str]:
        src, tgt = LANGUAGE_NAMES.get(source, source), LANGUAGE_NAMES.get(target, target)
        payload = json.dumps({i: t for i, t in batch}, ensure_ascii=False)
        messages = [
            {"role": "system", "content": f"You translate {src} into {tgt}. Reply with one JSON object only."},
            {
                "role": "user",
                "content": f"Translate every value of this JSON object from {src} into {tgt}. "
                f"Keep the same keys. Reply with the JSON object only.\n{payload}",
            },
        ]
        with self.lock:
            reply = self.llm.create_chat_completion(
                messages=messages, temperature=0.0, max_tokens=64 + 4 * len(payload),
                response_format={"type": "json_object"},
            )
        return parse_reply(reply["choices"][0]["message"]["content"], [i for i, _ in batch])

    def translate(self, items: list[tuple[str, str]], source: str, target: str, batch_size: int = 8):
        out: dict[str, str] = {i: "" for i, t in items if not t.strip()}
        todo = [(i, t) for i, t in items if t.strip()]
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            out.update(self._translate_batch(batch, source, target))
        return [(i, out[i]) for i, _ in items]

    def _translate_batch(self, batch, source, target) -> dict[str, str]:
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._ask(batch, source, target)
            except MalformedReply as exc:
                log.warning("malformed reply (attempt %d/%d): %s", attempt, self.max_attempts, exc)
        if len(batch) > 1:  # one bad item must not sink its neighbours: go one by one
            result = {}
            for item in batch:
                result.update(self._translate_batch([item], source, target))
            return result
        raise MalformedReply(f"no valid reply for segment {batch[0][0]} after {self.max_attempts} attempts")


def parse_reply(text: str, ids: list[str]) -> dict[str, str]:
    """Validate an LLM's JSON reply: every id back as a string, nothing extra."""
    match = re.search(r"\{.*\}", text, re.S)
    if not match:
        raise MalformedReply(f"no JSON object in reply: {text[:200]!r}")
    try:
        obj = json.loads(match.group(0))
    except json.JSONDecodeError as exc:
        raise MalformedReply(f"reply is not valid JSON: {exc}") from exc
    if not isinstance(obj, dict) or set(obj) != set(ids):
        raise MalformedReply(f"reply ids {sorted(obj) if isinstance(obj, dict) else type(obj)} != {sorted(ids)}")
    if not all(isinstance(v, str) and v.strip() for v in obj.values()):
        raise MalformedReply("reply holds empty or non-string translations")
    return {k: obj[k].strip() for k in ids}


@functools.lru_cache(maxsize=4)
def _translator(backend: str, model: str):
    if backend == "llamacpp":
        return LlamaCppTranslator(model)
    raise BadInput(f"unknown translation backend {backend!r}")


def translate(items: list[tuple[str, str]], source: str, target: str) -> tuple[list[tuple[str, str]], str]:
    """Translate items with the target's route; returns (items, model name)."""
    if source == target:
        return list(items), "source"
    route = route_for(target)
    out = _translator(route.backend, route.model).translate(items, source, target, route.batch_size)
    assert [i for i, _ in out] == [i for i, _ in items], "translator changed the ids"
    return out, route.name
