"""Read side: what the task API and CLI answer with, over the result store."""

from __future__ import annotations

from ..errors import NotFound
from ..languages import language as normalize_language
from . import formats
from .document import expand, summary


def _coded(store, task_id: str) -> dict:
    doc = store.get(task_id)
    if doc is None:
        raise NotFound(f"no result for task {task_id!r}")
    return doc


def result(store, task_id: str, fmt: str = "coded", lang: str | None = None):
    """A task's result in one of the registered output formats (`results.formats`), for one
    language or all."""
    formats.get(fmt)  # an unknown format is bad input before the store is asked
    return formats.render(_coded(store, task_id), fmt, [lang] if lang else None)


def language(store, task_id: str, lang: str) -> dict:
    """One language of a task, expanded: status, model, audio segments with timings, text items."""
    return formats.one_language(expand(_coded(store, task_id)), normalize_language(lang))


def recent(store, limit: int = 20) -> list[dict]:
    """Most recently updated tasks with their status and per-language progress."""
    return [summary(d) for d in store.recent(limit)]


def by_source(store, uri: str) -> list[dict]:
    """Every task made from one source object, newest first."""
    return [summary(d) for d in store.by_source(uri)]
