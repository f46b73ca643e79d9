"""Every way a command can fail, as one readable line and a documented exit code.

    2   usage: a bad option or argument (unknown language, no such file, a directory, bad format),
        or a request the task API refuses (4xx: unknown task, not allowed, invalid field)
    65  bad input: media that cannot be decoded
    69  unreachable: the task API, a store or storage did not answer (the address tried is named)
    75  timeout   71 resources exhausted   1 a run that failed, or anything unexpected

Tracebacks only with `--verbose`.
"""

from __future__ import annotations

import sys

USAGE, BAD_INPUT, UNREACHABLE, FAILED = 2, 65, 69, 1


class UsageError(Exception):
    """A mistake in how the command was called."""

    exit_code = USAGE


class Unreachable(Exception):
    """A server the command needs did not answer."""

    exit_code = UNREACHABLE


def explain(exc: BaseException) -> tuple[int, str]:
    """(exit code, one line) for any exception a command lets out."""
    from ..errors import classify

    if isinstance(exc, (UsageError, Unreachable)):
        return exc.exit_code, str(exc)
    client = sys.modules.get("linguaflow.client")  # only loaded (with httpx) by the commands that call the API
    if client is not None and isinstance(exc, client.ApiError):
        return (UNREACHABLE if exc.status >= 500 else USAGE), str(exc)  # 4xx: what was asked is wrong
    name = type(exc).__module__ + "." + type(exc).__name__
    if name.startswith("httpx.") and ("Connect" in name or "Timeout" in name):
        request = getattr(exc, "_request", None)
        where = f" at {request.url.scheme}://{request.url.host}:{request.url.port}" if request is not None else ""
        return UNREACHABLE, f"the task API{where} did not answer ({type(exc).__name__}); is Airflow's API server running? (LINGUAFLOW_API)"
    if isinstance(exc, FileNotFoundError):
        return USAGE, f"no such file: {exc.filename}"
    if isinstance(exc, (IsADirectoryError, PermissionError)):
        return USAGE, f"{exc.strerror.lower()}: {exc.filename}"
    cls = classify(exc)
    if cls is not None:
        return cls.exit_code, f"{cls.kind.replace('_', ' ')}: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
    return FAILED, f"unexpected {type(exc).__name__}: {str(exc).strip()[:300]} (--verbose shows the traceback)"
