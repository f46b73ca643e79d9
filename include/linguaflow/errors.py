"""The one failure taxonomy: every exception the project can meet -> one row of the retry table.

Our own errors name their row (`BadInput`, `NetworkTimeout`, `ServiceUnavailable`,
`ResourceExhausted`). Third-party exceptions (pymongo, botocore/s3fs, redis, httpx, llama.cpp,
PyAV, the Kubernetes API, Airflow's task timeout) are mapped here by their class's dotted name,
so no client library is imported to classify an error. `classify()` follows the cause chain, so
a wrapped error counts as what it wraps. The retry table itself (counts, delays) is `retry.py`.
"""

from __future__ import annotations

import re


class LinguaflowError(Exception):
    """Base class; `kind` names the row of the retry table."""

    kind = "error"
    exit_code = 1


class BadInput(LinguaflowError):
    """Corrupt, empty or unsupported media, unknown language, refused request: fail at once, never retry."""

    kind = "bad_input"
    exit_code = 65  # EX_DATAERR


class NetworkTimeout(LinguaflowError):
    """Storage or model endpoint timed out: retry once after 30 s."""

    kind = "network_timeout"
    exit_code = 75  # EX_TEMPFAIL


class ServiceUnavailable(LinguaflowError):
    """Endpoint 5xx / connection refused / store unreachable: retry twice, 5 min apart."""

    kind = "service_unavailable"
    exit_code = 69  # EX_UNAVAILABLE


class ResourceExhausted(LinguaflowError):
    """Host/GPU out of memory, pod unschedulable, quota: retry 3 times, 30 min apart."""

    kind = "resource_exhausted"
    exit_code = 71  # EX_OSERR


class BackendError(BadInput):
    """A translation backend refused the request for good (bad key, unknown model): no retry,
    the route's fallback takes over."""

    kind = "backend_error"


class TaskDeleted(BadInput):
    """The task was deleted: a late write of one of its steps is dropped, never retried."""


class MalformedReply(BadInput):
    """A reply without exactly the requested ids, or not in the target's script.

    Asked again a bounded number of times inside the task; after that it counts as bad input for
    the retry table (at temperature 0 a task retry would get the same reply) and the route's
    fallback, if any, takes over.
    """

    kind = "bad_reply"


# -- what a caller of the task API or the CLI asked for cannot be done (no retry row: not a step's failure)

class NotFound(LookupError):
    """No such task, no such result or language of it, or its media is gone: HTTP 404."""


class Conflict(Exception):
    """The request clashes with the task as it is (exists already, already ended): HTTP 409."""


class Forbidden(PermissionError):
    """The caller may not do this to the task: HTTP 403."""


RETRY_CLASSES = (BadInput, NetworkTimeout, ServiceUnavailable, ResourceExhausted)
TRANSIENT = (NetworkTimeout, ServiceUnavailable, ResourceExhausted)  # the rows that try again
BY_EXIT_CODE = {cls.exit_code: cls for cls in RETRY_CLASSES}

# Third-party exceptions by dotted class name (subclasses match through the MRO).
BY_NAME: dict[str, type[LinguaflowError]] = {
    # pymongo (the result store)
    "pymongo.errors.ServerSelectionTimeoutError": ServiceUnavailable,  # no server answers: the store is down
    "pymongo.errors.NetworkTimeout": NetworkTimeout,
    "pymongo.errors.ExecutionTimeout": NetworkTimeout,
    "pymongo.errors.WTimeoutError": NetworkTimeout,
    "pymongo.errors.AutoReconnect": ServiceUnavailable,
    "pymongo.errors.ConnectionFailure": ServiceUnavailable,
    "pymongo.errors.DocumentTooLarge": BadInput,
    "bson.errors.InvalidDocument": BadInput,
    # botocore / s3fs (object storage); ClientError is decided by its code below
    "botocore.exceptions.ConnectTimeoutError": NetworkTimeout,
    "botocore.exceptions.ReadTimeoutError": NetworkTimeout,
    "botocore.exceptions.EndpointConnectionError": ServiceUnavailable,
    "botocore.exceptions.ConnectionClosedError": ServiceUnavailable,
    "botocore.exceptions.NoCredentialsError": BadInput,  # configuration: a retry will not find keys
    # redis (the cache; its failures are normally swallowed as misses)
    "redis.exceptions.TimeoutError": NetworkTimeout,
    "redis.exceptions.ConnectionError": ServiceUnavailable,
    "redis.exceptions.BusyLoadingError": ServiceUnavailable,
    # httpx (callbacks, OpenAI-compatible endpoints); HTTPStatusError is decided by its status
    "httpx.TimeoutException": NetworkTimeout,
    "httpx.TransportError": ServiceUnavailable,
    "httpx.InvalidURL": BadInput,
    "httpx.UnsupportedProtocol": BadInput,
    # PyAV (FFmpeg): anything it cannot decode is the media's fault, except memory
    "av.error.MemoryError": ResourceExhausted,
    "av.error.FFmpegError": BadInput,
    # Kubernetes: the pod never started in time; the API is decided by its status below
    "airflow.providers.cncf.kubernetes.utils.pod_manager.PodLaunchFailedException": ResourceExhausted,
    "urllib3.exceptions.MaxRetryError": ServiceUnavailable,
    "urllib3.exceptions.ProtocolError": ServiceUnavailable,
    # Airflow: the task ran past its execution timeout (a hung engine or endpoint)
    "airflow.sdk.exceptions.AirflowTaskTimeout": NetworkTimeout,
    # the standard library, last: library errors above often subclass these
    "builtins.TimeoutError": NetworkTimeout,
    "builtins.ConnectionError": ServiceUnavailable,
    "builtins.MemoryError": ResourceExhausted,
    "builtins.FileNotFoundError": BadInput,
    "builtins.PermissionError": BadInput,
    "socket.gaierror": ServiceUnavailable,
}

_OOM = re.compile(r"out of memory|cuda error: out of memory|failed to allocate|cannot allocate memory", re.I)
_LLAMA_BAD = re.compile(r"exceed context window|failed to load model", re.I)
_LLAMA_OOM = re.compile(r"failed to create llama_context", re.I)


def _names(exc: BaseException) -> list[str]:
    return [f"{c.__module__}.{c.__qualname__}" for c in type(exc).__mro__]


def _http_status(status: int) -> type[LinguaflowError]:
    if status == 429 or status >= 500:
        return ServiceUnavailable
    if status == 408:
        return NetworkTimeout
    return BadInput


def _by_content(exc: BaseException, names: list[str]) -> type[LinguaflowError] | None:
    """Errors whose class alone does not say: HTTP statuses, S3 error codes, messages."""
    if "httpx.HTTPStatusError" in names:
        return _http_status(exc.response.status_code)
    if "kubernetes.client.exceptions.ApiException" in names:
        status = int(getattr(exc, "status", 0) or 0)
        if status == 403 and "exceeded quota" in str(getattr(exc, "body", "") or exc):
            return ResourceExhausted
        return _http_status(status) if status else ServiceUnavailable
    if "botocore.exceptions.ClientError" in names:
        err = getattr(exc, "response", {}).get("Error", {})
        code = str(err.get("Code", ""))
        status = int(getattr(exc, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if code in ("SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "ServiceUnavailable", "InternalError"):
            return ServiceUnavailable
        if code in ("RequestTimeout",):
            return NetworkTimeout
        return _http_status(status) if status else BadInput
    if isinstance(exc, (RuntimeError, ValueError)):
        text = str(exc)
        if _OOM.search(text) or _LLAMA_OOM.search(text):  # torch / CTranslate2 / llama.cpp allocation failures
            return ResourceExhausted
        if isinstance(exc, ValueError) and _LLAMA_BAD.search(text):
            return BadInput
    return None


def classify_one(exc: BaseException) -> type[LinguaflowError] | None:
    """The retry class of this exception alone (not its causes); None if it is unknown."""
    for cls in RETRY_CLASSES:
        if isinstance(exc, cls):
            return cls
    names = _names(exc)
    found = _by_content(exc, names)
    if found is not None:
        return found
    for name in names:
        if name in BY_NAME:
            return BY_NAME[name]
    return None


def is_transient(exc: BaseException) -> bool:
    """Would the retry table try this again (a timeout, an unavailable service, exhausted resources)?"""
    return classify(exc) in TRANSIENT


def classify(exc: BaseException | None) -> type[LinguaflowError] | None:
    """The retry-table class of an exception, following the cause chain (wrapped errors count)."""
    seen = 0
    while exc is not None and seen < 10:
        cls = classify_one(exc)
        if cls is not None:
            return cls
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None
