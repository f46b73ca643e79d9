"""The coded result document: compact (stored) <-> expanded (read) forms, exact inverses.

Stored shape, following the seed: `{<language code>: {<id>: {"A": text, "T": text}}}` where
A is text transcribed from the audio (keyed by segment id) and T a supplied text item (keyed
by item id). Metadata keys start with "_" so they never collide with language codes:

    _id task id       _v code-map version   _s run status (r/d/f/c)   _src source language code
    _t segment timings {id: [start, end]}   _m media {u: uri, d: duration}
    _e engines {"asr": ..., <code>: translation model}   _ls per-language status {code: "d"|"p"|"f:<reason>"}
    _c / _u created / updated (ISO 8601)      _err why the run failed (only when it did)
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .codes import language_code, language_of

RUN_STATUS = {"running": "r", "done": "d", "failed": "f", "cancelled": "c"}
LANG_STATUS = {"pending": "p", "done": "d"}
_RUN_STATUS_BACK = {v: k for k, v in RUN_STATUS.items()}
_LANG_STATUS_BACK = {v: k for k, v in LANG_STATUS.items()}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class SegmentTiming(_Strict):
    id: str
    start: float
    end: float


class LanguageResult(_Strict):
    status: Literal["pending", "done", "failed"]
    model: str | None
    audio: dict[str, str]  # segment id -> text (kind A)
    text: dict[str, str]  # text item id -> text (kind T)
    error: str | None = None


class Media(_Strict):
    uri: str
    duration: float


class ResultDocument(_Strict):
    """The expanded (readable) result; `compact()` validates against it before coding."""

    task_id: str
    code_map_version: int
    status: Literal["running", "done", "failed", "cancelled"]
    source_language: str | None
    media: Media
    segments: list[SegmentTiming]
    models: dict[str, str | None]
    languages: dict[str, LanguageResult]
    created: str
    updated: str
    error: str | None = None


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def compact_language(entry: dict) -> dict:
    """Expanded language entry {"audio": {id: text}, "text": {id: text}} -> {id: {"A":..,"T":..}}."""
    out: dict[str, dict[str, str]] = {}
    for sid, text in entry.get("audio", {}).items():
        out.setdefault(sid, {})["A"] = text
    for tid, text in entry.get("text", {}).items():
        out.setdefault(tid, {})["T"] = text
    return out


def _status_code(entry: dict) -> str:
    status = entry["status"]
    if status == "failed":
        return "f:" + (entry.get("error") or "")
    return LANG_STATUS[status]


def compact(doc: dict) -> dict:
    """Expanded document -> stored coded document."""
    ResultDocument.model_validate(doc)
    v = doc["code_map_version"]
    out = {
        "_id": doc["task_id"],
        "_v": v,
        "_s": RUN_STATUS[doc["status"]],
        "_src": language_code(doc["source_language"], v) if doc.get("source_language") else None,
        "_m": {"u": doc["media"]["uri"], "d": doc["media"]["duration"]},
        "_t": {s["id"]: [s["start"], s["end"]] for s in doc["segments"]},
        "_e": {"asr": doc["models"].get("asr")},
        "_ls": {},
        "_c": doc["created"],
        "_u": doc["updated"],
    }
    if doc.get("error") is not None:
        out["_err"] = doc["error"]
    for lang, entry in doc["languages"].items():
        code = language_code(lang, v)
        out[code] = compact_language(entry)
        out["_ls"][code] = _status_code(entry)
        if entry.get("model") is not None:
            out["_e"][code] = entry["model"]
    return out


def expand(coded: dict) -> dict:
    """Stored coded document -> readable document (ISO language codes, readable keys)."""
    v = coded["_v"]
    languages = {}
    for code, status in coded.get("_ls", {}).items():
        items = coded.get(code, {})
        entry = {
            "status": "failed" if status.startswith("f:") else _LANG_STATUS_BACK[status],
            "model": coded["_e"].get(code),
            "audio": {i: t["A"] for i, t in items.items() if "A" in t},
            "text": {i: t["T"] for i, t in items.items() if "T" in t},
        }
        if status.startswith("f:"):
            entry["error"] = status[2:]
        languages[language_of(code, v)] = entry
    out = {
        "task_id": coded["_id"],
        "code_map_version": v,
        "status": _RUN_STATUS_BACK[coded["_s"]],
        "source_language": language_of(coded["_src"], v) if coded.get("_src") else None,
        "media": {"uri": coded["_m"]["u"], "duration": coded["_m"]["d"]},
        "segments": [{"id": i, "start": t[0], "end": t[1]} for i, t in coded["_t"].items()],
        "models": {"asr": coded["_e"].get("asr")},
        "languages": languages,
        "created": coded["_c"],
        "updated": coded["_u"],
    }
    if "_err" in coded:
        out["error"] = coded["_err"]
    return out
