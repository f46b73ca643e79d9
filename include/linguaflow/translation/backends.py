"""Translation backends: the `Translator` interface every backend implements, and the registry
the routing table's `backend` names come from.

A new backend is one module with a class that has `translate(...)` and one `register(name,
factory)` call; a route can then name it (`{"backend": name, "model": ..., "options": {...}}`).
The factory gets the route's model and options and may cache what it loads (a model loaded once
per process serves every task of that process)."""

from __future__ import annotations

import contextlib
import contextvars
import functools
from typing import Callable, Protocol, runtime_checkable

from ..errors import BadInput


@runtime_checkable
class Translator(Protocol):
    def translate(self, items: list[tuple[str, str]], source: str, target: str, batch_size: int = 8,
                  terms: dict[str, str] | None = None) -> list[tuple[str, str]]:
        """The same ids, in the same order, each with its text in `target` (an empty text stays
        empty); `terms`: glossary renderings a backend that can follow instructions is told."""
        ...


Factory = Callable[..., Translator]  # (model, **options) -> Translator
_FACTORIES: dict[str, Factory] = {}


def register(name: str, factory: Factory) -> None:
    _FACTORIES[name] = factory


def unregister(name: str) -> None:
    _FACTORIES.pop(name, None)


def names() -> tuple[str, ...]:
    return tuple(_FACTORIES)


def translator(name: str, model: str, options: dict | None = None) -> Translator:
    """The backend's translator for a model (the route's options as keyword arguments)."""
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise BadInput(f"unknown translation backend {name!r}: one of {', '.join(names())}") from None
    made = factory(model, **(options or {}))
    if not isinstance(made, Translator):
        raise TypeError(f"backend {name!r} made {type(made).__name__}, which has no translate()")
    return made


_together = contextvars.ContextVar("llamacpp_together", default=False)


@contextlib.contextmanager
def decoded_together():
    """In this context (and threads started with a copy of it) the in-process GGUF route
    (`llamacpp`) answers through the one batched engine of its model, so chats asked at once from
    several threads — the languages of a run — are decoded side by side by one decoder."""
    token = _together.set(True)
    try:
        yield
    finally:
        _together.reset(token)


def _llamacpp(model: str) -> Translator:
    if _together.get():
        return _llamacpp_batched(model)
    from . import llamacpp

    return llamacpp.get(model)


def _llamacpp_batched(model: str) -> Translator:
    from . import batched_llama

    return batched_llama.get(model)


def _openai(model: str, **options) -> Translator:
    return _openai_cached(model, tuple(sorted(options.items())))


@functools.lru_cache(maxsize=8)
def _openai_cached(model: str, options: tuple) -> Translator:
    from .openai_compat import OpenAICompatTranslator

    return OpenAICompatTranslator(model, **dict(options))


def _transformers(model: str, **options) -> Translator:
    from .seq2seq import transformers_backend

    return transformers_backend(model, **options)


def _ctranslate2(model: str, **options) -> Translator:
    from .seq2seq import ctranslate2_backend

    return ctranslate2_backend(model, **options)


register("llamacpp", _llamacpp)  # the bundled GGUF models, in-process
register("llamacpp-batched", _llamacpp_batched)  # the same, every batch of a task decoded side by side
register("openai", _openai)  # any OpenAI-compatible chat endpoint
register("transformers", _transformers)  # a seq2seq model directory (MarianMT, NLLB, M2M100)
register("ctranslate2", _ctranslate2)  # the same, converted to CTranslate2
