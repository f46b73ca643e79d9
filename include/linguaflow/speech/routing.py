"""Where a transcription runs: the ASR routing table, as translation has its own.

`LINGUAFLOW_ASR_ROUTES` (JSON) sends requests for the default in-process engine elsewhere — to the
warm service (`remote`) or to the reference engine — per source language or per model:

    {"lang:ja": {"engine": "remote", "model": "large-v3"},
     "base":    {"engine": "remote", "fallback": true},
     "*":       {"engine": "faster-whisper"}}

Keys are looked up in that order: `lang:<code>` (when the request names its source language), the
requested model, `*`. A route's `model` (default: the requested one) is what the engine is asked
for; `fallback` (default true for `remote`) transcribes here with the requested model when the
service is unavailable (refused, 429/5xx, timed out), instead of waiting out the retry table.
A request that names another engine than the default is taken as asked. The Kubernetes runner
(a pod per file) is a route of its own and takes the request as it is.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..errors import BadInput
from ..request import ENGINES
from ..settings import settings
from .types import AsrOptions

ROUTED_ENGINE = "faster-whisper"  # the default engine; requests naming another one are not routed
_FIELDS = {"engine", "model", "fallback"}


@dataclass(frozen=True)
class AsrRoute:
    engine: str
    model: str | None = None
    fallback: bool = True

    @classmethod
    def parse(cls, key: str, spec) -> AsrRoute:
        if not isinstance(spec, dict) or set(spec) - _FIELDS or spec.get("engine") not in ENGINES:
            raise BadInput(f"ASR route {key!r}: an object with engine (one of {', '.join(ENGINES)}), model, fallback")
        if spec.get("model") is not None and not isinstance(spec["model"], str):
            raise BadInput(f"ASR route {key!r}: model must be a name")
        return cls(spec["engine"], spec.get("model"), bool(spec.get("fallback", True)))


def table() -> dict[str, AsrRoute]:
    return {key: AsrRoute.parse(key, spec) for key, spec in (settings().asr_routes or {}).items()}


def route(opts: AsrOptions) -> AsrOptions:
    """The options a request's transcription runs with, after the routing table."""
    if opts.engine != ROUTED_ENGINE:
        return opts
    routes = table()
    keys = ([f"lang:{opts.language}"] if opts.language else []) + [opts.model, "*"]
    found = next((routes[k] for k in keys if k in routes), None)
    if found is None or (found.engine == opts.engine and found.model in (None, opts.model)):
        return opts
    fallback = opts.model if found.engine == "remote" and found.fallback else None
    return dataclasses.replace(opts, engine=found.engine, model=found.model or opts.model, fallback_model=fallback)
