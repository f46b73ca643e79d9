"""Progress events of a run's steps, for whoever shows them in this process.

`linguaflow run` executes every task in its own process and listens here to draw its progress
display; in an Airflow worker nobody listens and an event costs one empty loop. Events are
`(step, what, data)`: what is `start`, `progress` (data `fraction`), `done` or `failed`.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from typing import Callable

Listener = Callable[[str, str, dict], None]
_listeners: list[Listener] = []
_quiet = contextvars.ContextVar("progress_quiet", default=False)
_added = contextvars.ContextVar("progress_added", default={})


def emit(step: str, what: str, **data) -> None:
    if _quiet.get():
        return
    data = {**_added.get(), **data}
    for listener in list(_listeners):
        try:
            listener(step, what, data)
        except Exception:  # noqa: BLE001 - a display must never break the work it shows
            pass


@contextlib.contextmanager
def listening(listener: Listener):
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


@contextlib.contextmanager
def quiet():
    """No events from this context: work already shown once (a language decoded with another's)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


@contextlib.contextmanager
def adding(**data):
    """Every event from this context carries `data` too (how a step was done, for the display)."""
    token = _added.set({**_added.get(), **data})
    try:
        yield
    finally:
        _added.reset(token)


@contextlib.contextmanager
def step(name: str, **data):
    """Emit start, then done (with `seconds`) or failed around one step's work; the body may add
    to the done event's data through the yielded dict."""
    emit(name, "start", **data)
    began, result = time.monotonic(), dict(data)
    try:
        yield result
    except BaseException as exc:
        emit(name, "failed", **result, seconds=time.monotonic() - began, error=str(exc)[:300])
        raise
    emit(name, "done", **result, seconds=time.monotonic() - began)
