"""Failure classes of DESIGN.md's retry table.

Every error the pipeline raises on purpose is one of these, so the retry policy (and the
`linguaflow transcribe` exit code the Kubernetes pod returns) can tell them apart.
"""

from __future__ import annotations


class LinguaflowError(Exception):
    """Base class; `kind` names the row of the retry table."""

    kind = "error"
    exit_code = 1


class BadInput(LinguaflowError):
    """Corrupt, empty or unsupported media, unknown language: fail at once, never retry."""

    kind = "bad_input"
    exit_code = 65  # EX_DATAERR


class NetworkTimeout(LinguaflowError):
    """Storage or model endpoint timed out: retry once after 30 s."""

    kind = "network_timeout"
    exit_code = 75  # EX_TEMPFAIL


class ServiceUnavailable(LinguaflowError):
    """Endpoint 5xx / connection refused: retry twice, 5 min apart."""

    kind = "service_unavailable"
    exit_code = 69  # EX_UNAVAILABLE


class ResourceExhausted(LinguaflowError):
    """Host/GPU out of memory, pod unschedulable: retry 3 times, 30 min apart."""

    kind = "resource_exhausted"
    exit_code = 71  # EX_OSERR


BY_EXIT_CODE = {cls.exit_code: cls for cls in (BadInput, NetworkTimeout, ServiceUnavailable, ResourceExhausted)}


def classify(exc: BaseException | None) -> type[LinguaflowError] | None:
    """The retry-table class of an exception, following the cause chain (wrapped errors count)."""
    for _ in range(10):
        if exc is None:
            return None
        for cls in BY_EXIT_CODE.values():
            if isinstance(exc, cls):
                return cls
        if isinstance(exc, TimeoutError):
            return NetworkTimeout
        if isinstance(exc, (ConnectionRefusedError, ConnectionResetError)):
            return ServiceUnavailable
        if isinstance(exc, MemoryError):
            return ResourceExhausted
        exc = exc.__cause__ or exc.__context__
    return None
