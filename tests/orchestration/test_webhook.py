"""Completion callbacks: signed, retried per the table when transient, dropped when refused."""
import pytest

from linguaflow.orchestration import webhook
from linguaflow.errors import BadInput, ServiceUnavailable

from loopback import Loopback


def serve(status: int):
    server = Loopback(lambda path, headers, body: (status, None))
    return server, server.url("/cb")


def test_5xx_is_transient_4xx_is_dropped():
    server, url = serve(503)
    try:
        with pytest.raises(ServiceUnavailable):
            webhook.post(url, {"task_id": "t"}, "k")
    finally:
        server.close()
    server, url = serve(410)
    try:
        assert webhook.post(url, {"task_id": "t"}, "k") == 410  # the caller is gone: nothing to retry
    finally:
        server.close()


def test_only_http_urls_and_signature_depends_on_secret_and_body():
    with pytest.raises(BadInput):
        webhook.post("file:///etc/passwd", {}, None)
    a = webhook.sign(b'{"a":1}', "100", "k1")
    assert a.startswith("sha256=") and a != webhook.sign(b'{"a":2}', "100", "k1") != webhook.sign(b'{"a":1}', "100", "k2")


def test_payload_reads_the_stored_state():
    cancelled = webhook.payload_for("t", {"_v": 2, "_s": "c", "_ls": {"1": "d"}}, "failed")
    assert cancelled["state"] == "cancelled" and cancelled["languages"] == {"zh": "done"}  # readable, never codes
    assert webhook.payload_for("t", None, "failed") == {
        "task_id": "t", "state": "failed", "languages": {}, "error": None, "result": "/linguaflow/tasks/t/result"}


def test_notify_retries_transient_failures_then_drops_them():
    server, url = serve(503)
    store = lambda: type("S", (), {"get": staticmethod(lambda tid: {"_s": "d", "_ls": {"2": "d"}})})()  # noqa: E731
    try:
        with pytest.raises(ServiceUnavailable):
            webhook.notify({"callback_url": url}, "run-1", 1, store)  # try 1 of 3: Airflow retries
        with pytest.raises(ServiceUnavailable):
            webhook.notify({"callback_url": url}, "run-1", 2, store)
        webhook.notify({"callback_url": url}, "run-1", 3, store)  # retries used up: dropped, no failure
        webhook.notify({}, "run-1", 1, store)  # no callback asked for
    finally:
        server.close()
