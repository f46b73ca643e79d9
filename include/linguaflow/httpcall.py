"""One HTTP call with its failures put in the retry table's classes (shared by every outbound client)."""

from __future__ import annotations

import httpx

from .errors import NetworkTimeout, ServiceUnavailable


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
