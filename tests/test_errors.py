"""The one failure taxonomy, table-driven over real exception instances of every library the
project talks to: each maps to exactly one row of the retry table (or none: Airflow's default)."""

import errno
import socket

import httpx
import pytest

from linguaflow.errors import (
    BackendError, BadInput, NetworkTimeout, ResourceExhausted, ServiceUnavailable, classify, classify_one,
)


def _pymongo():
    from pymongo import errors as e

    return [
        (e.ServerSelectionTimeoutError("no servers"), ServiceUnavailable),
        (e.NetworkTimeout("timed out"), NetworkTimeout),
        (e.ExecutionTimeout("maxTimeMS"), NetworkTimeout),
        (e.AutoReconnect("primary stepped down"), ServiceUnavailable),
        (e.ConnectionFailure("refused"), ServiceUnavailable),
        (e.DocumentTooLarge("17 MB"), BadInput),
        (e.DuplicateKeyError("dup"), None),
    ]


def _botocore():
    from botocore import exceptions as e

    def client_error(code, status):
        return e.ClientError({"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "GetObject")

    return [
        (e.ConnectTimeoutError(endpoint_url="http://s3"), NetworkTimeout),
        (e.ReadTimeoutError(endpoint_url="http://s3"), NetworkTimeout),
        (e.EndpointConnectionError(endpoint_url="http://s3"), ServiceUnavailable),
        (e.NoCredentialsError(), BadInput),
        (client_error("NoSuchKey", 404), BadInput),
        (client_error("AccessDenied", 403), BadInput),
        (client_error("SlowDown", 503), ServiceUnavailable),
        (client_error("InternalError", 500), ServiceUnavailable),
        (client_error("RequestTimeout", 400), NetworkTimeout),
    ]


def _redis():
    from redis import exceptions as e

    return [(e.TimeoutError("read"), NetworkTimeout), (e.ConnectionError("refused"), ServiceUnavailable)]


def _httpx():
    req = httpx.Request("POST", "http://llm/v1/chat/completions")

    def status(code):
        return httpx.HTTPStatusError("x", request=req, response=httpx.Response(code, request=req))

    return [
        (httpx.ReadTimeout("read", request=req), NetworkTimeout),
        (httpx.ConnectTimeout("connect", request=req), NetworkTimeout),
        (httpx.ConnectError("refused", request=req), ServiceUnavailable),
        (httpx.RemoteProtocolError("eof", request=req), ServiceUnavailable),
        (httpx.UnsupportedProtocol("ftp"), BadInput),
        (status(429), ServiceUnavailable), (status(503), ServiceUnavailable), (status(401), BadInput), (status(408), NetworkTimeout),
    ]


def _pyav():
    import av

    return [
        (av.error.InvalidDataError(errno.EINVAL, "Invalid data found when processing input"), BadInput),
        (av.error.MemoryError(errno.ENOMEM, "Cannot allocate memory"), ResourceExhausted),
    ]


def _kubernetes():
    from kubernetes.client.exceptions import ApiException
    from urllib3.exceptions import MaxRetryError

    quota = ApiException(status=403, reason="Forbidden")
    quota.body = 'pods "w" is forbidden: exceeded quota: gpu-quota'
    return [
        (ApiException(status=503, reason="Service Unavailable"), ServiceUnavailable),
        (ApiException(status=429, reason="Too Many Requests"), ServiceUnavailable),
        (ApiException(status=422, reason="Unprocessable"), BadInput),
        (quota, ResourceExhausted),
        (MaxRetryError(None, "https://k8s/api"), ServiceUnavailable),
    ]


def _engines():
    """Errors the model runtimes raise as plain ValueError / RuntimeError."""
    return [
        (RuntimeError("CUDA failed with error out of memory"), ResourceExhausted),
        (RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"), ResourceExhausted),
        (ValueError("Requested tokens (5000) exceed context window of 4096"), BadInput),
        (ValueError("Failed to create llama_context"), ResourceExhausted),
        (ValueError("Failed to load model from file: /models/x.gguf"), BadInput),
        (RuntimeError("some engine bug"), None),
    ]


def _airflow():
    from airflow.sdk.exceptions import AirflowTaskTimeout

    return [(AirflowTaskTimeout("Timeout, PID: 1"), NetworkTimeout)]


def _builtins():
    return [
        (TimeoutError(), NetworkTimeout), (ConnectionRefusedError(), ServiceUnavailable), (ConnectionResetError(), ServiceUnavailable),
        (MemoryError(), ResourceExhausted), (FileNotFoundError("x"), BadInput), (PermissionError("x"), BadInput),
        (socket.gaierror(-2, "Name or service not known"), ServiceUnavailable), (KeyError("x"), None),
        (BackendError("401 bad key"), BadInput),
    ]


TABLE = [row for source in (_pymongo, _botocore, _redis, _httpx, _pyav, _kubernetes, _engines, _airflow, _builtins) for row in source()]


@pytest.mark.parametrize("exc,expected", TABLE, ids=[f"{type(e).__module__}.{type(e).__name__}-{i}" for i, (e, _) in enumerate(TABLE)])
def test_every_exception_has_one_retry_class(exc, expected):
    assert classify_one(exc) is expected
    assert classify(exc) is expected


def test_a_wrapped_error_counts_as_what_it_wraps():
    from pymongo.errors import ServerSelectionTimeoutError

    try:
        try:
            raise ServerSelectionTimeoutError("store down")
        except ServerSelectionTimeoutError as inner:
            raise RuntimeError("package failed") from inner
    except RuntimeError as outer:
        assert classify(outer) is ServiceUnavailable
