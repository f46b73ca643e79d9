"""The response formats of OpenAI's audio API, from one `Transcript`: its own json and
verbose_json (segments, and words when asked for), and every output format that renders from timed
segments (`results.formats`: text, srt, vtt, and any registered later)."""

from __future__ import annotations

from ..results import formats
from ..results.readable import language_name
from ..speech.types import Transcript

OPENAI_JSON = ("json", "verbose_json")


def names() -> tuple[str, ...]:
    """The `response_format`s served, the registry's as it is now."""
    timed = [f.name for f in formats.all_formats() if f.from_segments and f.name not in OPENAI_JSON]
    return ("json", *timed, "verbose_json")


def media_type(fmt: str) -> str:
    return "application/json" if fmt in OPENAI_JSON else formats.get(fmt).media_type


def _segments(t: Transcript) -> list[dict]:
    return [{"id": s.id, "start": s.start, "end": s.end} for s in t.segments]


def _texts(t: Transcript) -> dict[str, str]:
    return {s.id: s.text for s in t.segments}


def render(t: Transcript, fmt: str, task: str, granularities: set[str]) -> str | dict:
    """The body OpenAI's API answers with for `fmt`."""
    if fmt == "json":
        return {"text": t.text}
    if fmt != "verbose_json":
        return formats.get(fmt).from_segments(_segments(t), _texts(t))
    out = {"task": task, "language": language_name(t.language).lower(), "duration": t.duration, "text": t.text}
    if "segment" in granularities or not granularities:
        out["segments"] = [
            {"id": int(s.id), "seek": 0, "start": s.start, "end": s.end, "text": s.text, "tokens": [],
             "temperature": 0.0, "avg_logprob": s.avg_logprob, "compression_ratio": s.compression_ratio,
             "no_speech_prob": s.no_speech_prob}
            for s in t.segments
        ]
    if "word" in granularities:
        out["words"] = [{"word": w["word"].strip(), "start": w["start"], "end": w["end"]}
                        for s in t.segments for w in (s.words or [])]
    return out
