"""Read side: what the task API and CLI answer with, over the result store."""

from __future__ import annotations

from ..errors import BadInput
from ..request import language as normalize_language
from .document import expand, language_key, summary
from .readable import to_text
from .subtitles import to_srt, to_vtt

FORMATS = ("coded", "json", "expanded", "text", "srt", "vtt")  # json: the expanded form
TEXT_FORMATS = ("text", "srt", "vtt")


class NotFound(LookupError):
    pass


def _coded(store, task_id: str) -> dict:
    doc = store.get(task_id)
    if doc is None:
        raise NotFound(f"no result for task {task_id!r}")
    return doc


def result(store, task_id: str, fmt: str = "coded", lang: str | None = None):
    """A task's result as coded or expanded (`json`) JSON, readable text, or subtitles (srt / vtt)
    for one language."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    return render(_coded(store, task_id), fmt, lang)


def render(coded: dict, fmt: str = "coded", lang: str | None = None):
    """A stored document in one of `FORMATS` (see `result`)."""
    if fmt == "coded":
        if lang is None:
            return coded
        key = language_key(normalize_language(lang))
        return {key: coded.get(key, {})}
    doc = expand(coded)
    if fmt == "text":
        return to_text(doc, [normalize_language(lang)] if lang else None)
    if fmt in ("json", "expanded"):
        if lang is None:
            return doc
        return _language(doc, lang)
    if lang is None:
        raise BadInput("subtitles need a language (lang=...)")
    entry = _entry(doc, normalize_language(lang))
    writer = to_srt if fmt == "srt" else to_vtt
    return writer(doc["segments"], entry["audio"])


def _entry(doc: dict, lang: str) -> dict:
    if lang not in doc["languages"]:
        raise NotFound(f"task {doc['task_id']!r} has no {lang!r} result (has {sorted(doc['languages'])})")
    return doc["languages"][lang]


def language(store, task_id: str, lang: str) -> dict:
    """One language of a task, expanded: status, model, audio segments with timings, text items."""
    return _language(expand(_coded(store, task_id)), lang)


def _language(doc: dict, lang: str) -> dict:
    lang = normalize_language(lang)
    entry = _entry(doc, lang)
    segments = [{**s, "text": entry["audio"].get(s["id"], "")} for s in doc["segments"]]
    return {"task_id": doc["task_id"], "language": lang, "status": entry["status"], "model": entry["model"],
            "segments": segments, "text": entry["text"]}


def recent(store, limit: int = 20) -> list[dict]:
    """Most recently updated tasks with their status and per-language progress."""
    return [summary(d) for d in store.recent(limit)]


def by_source(store, uri: str) -> list[dict]:
    """Every task made from one source object, newest first."""
    return [summary(d) for d in store.by_source(uri)]
