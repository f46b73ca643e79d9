"""Completion callbacks (webhooks): a small signed JSON POSTed to the caller's URL when a task ends.

The body is signed with HMAC-SHA256 over `<timestamp>.<body>` using a shared secret (the password
of the Airflow connection `linguaflow_callback`, else LINGUAFLOW_CALLBACK_SECRET); receivers check
`X-Linguaflow-Signature: sha256=<hex>` and `X-Linguaflow-Timestamp`. Timeouts and 5xx/429 are the
retry table's transient classes; a callback that still fails is logged and dropped, never failing
the task it reports on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from urllib.parse import urlsplit

import httpx

from .. import policy
from ..errors import classify
from ..httpcall import send
from ..request import task_id_of
from ..results import document
from ..settings import settings

log = logging.getLogger(__name__)


def secret() -> str | None:
    try:
        from airflow.sdk import BaseHook

        return BaseHook.get_connection(settings().callback_conn_id).password
    except Exception:  # noqa: BLE001 - no connection configured
        key = settings().callback_secret
        return key.get_secret_value() if key else None


def sign(body: bytes, timestamp: str, key: str) -> str:
    return "sha256=" + hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def post(url: str, payload: dict, key: str | None, timeout_s: float = 10.0) -> int:
    """POST the signed payload to the address the input policy checked (BadInput if refused).

    The connection goes to the checked IP address; the name is kept for Host and TLS (SNI and
    certificate), so a DNS answer changed after the check cannot redirect it. Redirects are not
    followed."""
    target, host = policy.callback_target(url)
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    ts = str(int(time.time()))
    port = urlsplit(url).port
    headers = {"Content-Type": "application/json", "X-Linguaflow-Timestamp": ts, "Host": f"{host}:{port}" if port else host}
    if key:
        headers["X-Linguaflow-Signature"] = sign(body, ts, key)
    with httpx.Client(timeout=timeout_s, follow_redirects=False, trust_env=False) as client:
        r = send(client.post, target, what=f"callback {url}", content=body, headers=headers,
                 extensions={"sni_hostname": host})
    if r.status_code >= 400:
        log.error("callback %s refused with %s; not retried", url, r.status_code)
    return r.status_code


def payload_for(task_id: str, coded: dict | None, run_state: str) -> dict:
    """What the caller learns: the readable state, per-language states, where to fetch the result."""
    stored = document.state_of(coded)
    return {
        "task_id": task_id,
        "state": stored if stored in document.ENDED else run_state,
        "languages": document.language_states(coded),
        "error": document.error_of(coded),
        "result": f"/linguaflow/tasks/{task_id}/result",
    }


def notify(params: dict, run_id: str, try_number: int, store_factory) -> None:
    """The `notify` teardown: POST the end of a task to its callback URL, if it has one.

    Transient failures are raised while the retry table allows another try; after that, and for
    any other failure, the callback is logged and dropped.
    """
    from .retry import RETRY_TABLE

    url = params.get("callback_url")
    if not url:
        return
    task_id = task_id_of(params, run_id)
    try:
        post(url, payload_for(task_id, store_factory().get(task_id), "failed"), secret())
    except Exception as exc:
        cls = classify(exc)
        if cls is not None and try_number <= RETRY_TABLE[cls][0]:
            raise  # transient: Airflow retries the teardown per the retry table
        log.error("callback to %s dropped: %s", url, exc)
