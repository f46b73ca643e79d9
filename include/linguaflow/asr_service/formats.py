"""The response formats of OpenAI's audio API, from one `Transcript`: json, text, srt, vtt,
verbose_json (segments, and words when asked for)."""

from __future__ import annotations

from ..results.readable import language_name
from ..results.subtitles import to_srt, to_vtt
from ..speech.types import Transcript

FORMATS = ("json", "text", "srt", "vtt", "verbose_json")
MEDIA_TYPES = {"json": "application/json", "verbose_json": "application/json", "text": "text/plain; charset=utf-8",
               "srt": "application/x-subrip", "vtt": "text/vtt; charset=utf-8"}


def _segments(t: Transcript) -> list[dict]:
    return [{"id": s.id, "start": s.start, "end": s.end} for s in t.segments]


def _texts(t: Transcript) -> dict[str, str]:
    return {s.id: s.text for s in t.segments}


def render(t: Transcript, fmt: str, task: str, granularities: set[str]) -> str | dict:
    """The body OpenAI's API answers with for `fmt`."""
    if fmt == "json":
        return {"text": t.text}
    if fmt == "text":
        return t.text + "\n"
    if fmt == "srt":
        return to_srt(_segments(t), _texts(t))
    if fmt == "vtt":
        return to_vtt(_segments(t), _texts(t))
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
