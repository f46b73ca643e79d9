"""One HTTP call with its failures put in the retry table's classes (shared by every outbound client)."""

from __future__ import annotations

import httpx

from .errors import NetworkTimeout, ServiceUnavailable


def openai_endpoint(conn_id: str | None, base_url: str | None = None, api_key_env: str | None = None) -> tuple[str, str | None]:
    """(base URL, API key) of an OpenAI-compatible endpoint: from an Airflow connection (host =
    base URL, password = key), or a URL and the variable holding the key."""
    from .errors import BackendError
    from .settings import secret_from_env

    if conn_id:
        from airflow.sdk import BaseHook

        conn = BaseHook.get_connection(conn_id)
        url = conn.host if "://" in (conn.host or "") else f"{conn.schema or 'http'}://{conn.host}:{conn.port or 80}"
        return url.rstrip("/"), conn.password or None
    if not base_url:
        raise BackendError("an OpenAI-compatible endpoint needs a connection id or a base URL")
    return base_url.rstrip("/"), secret_from_env(api_key_env) if api_key_env else None


def send(call, *args, what: str, **kwargs) -> httpx.Response:
    """Run `call(*args, **kwargs)` (an httpx request): timeouts -> NetworkTimeout; refused
    connections, 429 and 5xx -> ServiceUnavailable. Other responses are returned as they are."""
    try:
        r = call(*args, **kwargs)
    except httpx.TimeoutException as exc:
        raise NetworkTimeout(f"{what} timed out: {exc}") from exc
    except httpx.TransportError as exc:
        raise ServiceUnavailable(f"{what} unreachable: {exc}") from exc
    if r.status_code == 429 or r.status_code >= 500:
        raise ServiceUnavailable(f"{what} answered {r.status_code} (retry-after {r.headers.get('retry-after')})")
    return r
