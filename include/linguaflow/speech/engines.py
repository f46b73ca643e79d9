"""ASR engines: the two interfaces an engine implements, and the registry that `asr_engine`
names come from (the request's choices, the CLI's, the forms' and the transcription's dispatch).

A windowed engine decodes 16 kHz audio windows in this process (`transcribe` feeds it the file
window by window, so memory stays flat); a whole-file engine sends the file elsewhere (a warm
service) and gets a `Transcript` back. A new engine is one module implementing one of them and
one `register(name, loader)`; the loader imports the module when the engine is first used, so
naming an engine costs no import."""

from __future__ import annotations

import importlib
from typing import Any, Callable, Iterable, Protocol, runtime_checkable

from .types import AsrOptions, Transcript

RawSegment = dict  # {"start", "end", "text", "avg_logprob", "no_speech_prob", "compression_ratio", "words"}


@runtime_checkable
class WindowedEngine(Protocol):
    def run(self, samples, language: str | None, opts: AsrOptions,
            compute_type: str) -> tuple[Iterable[RawSegment], str | None, float]:
        """One window's raw segments (times from the window's start), the language (detected
        when `language` is None) and its probability."""
        ...


@runtime_checkable
class WholeFileEngine(Protocol):
    def transcribe(self, path: str, opts: AsrOptions, duration: float | None = None) -> Transcript:
        ...


_LOADERS: dict[str, Callable[[], Any]] = {}


def register(name: str, loader: Callable[[], Any]) -> None:
    """`loader()` returns the engine: an object (or module) with `run` or `transcribe`."""
    _LOADERS[name] = loader


def unregister(name: str) -> None:
    _LOADERS.pop(name, None)


def names() -> tuple[str, ...]:
    return tuple(_LOADERS)


def get(name: str) -> WindowedEngine | WholeFileEngine:
    from ..errors import BadInput

    if name not in _LOADERS:
        raise BadInput(f"unknown ASR engine {name!r}: one of {', '.join(names())}")
    engine = _LOADERS[name]()
    if not isinstance(engine, (WindowedEngine, WholeFileEngine)):
        raise TypeError(f"ASR engine {name!r} has neither run() nor transcribe()")
    return engine


def _module(name: str) -> Callable[[], Any]:
    return lambda: importlib.import_module(f"{__package__}.{name}")


register("faster-whisper", _module("faster_whisper"))  # CTranslate2: the default
register("openai-whisper", _module("openai_whisper"))  # the reference implementation (torch)
register("remote", _module("remote"))  # the OpenAI-compatible transcription service of a connection
