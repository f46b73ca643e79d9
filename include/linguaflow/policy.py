"""The input policy: which media a request may name, and which addresses a callback may reach.

A caller must never make a worker read its local files or call an internal address. Checked at
the task API (so a caller gets a clear 400) and again in `probe` and before a callback is sent
(defence in depth: a run triggered straight through Airflow's REST API passes the same checks).

- media: `s3://` only (its buckets/prefixes limited by LINGUAFLOW_MEDIA_PREFIXES when set);
  `file://` never from a caller of the API; in a run only under the local roots an operator
  configured (LINGUAFLOW_LOCAL_MEDIA_ROOTS; the embedded default allows its user's own files),
  the upload area and the inbox when those are local.
- ASR models: a name, or a directory under LINGUAFLOW_ASR_MODEL_ROOTS (the pod's mounted /models).
- callbacks: `https` (and `http` when LINGUAFLOW_ALLOW_HTTP_CALLBACKS), to public addresses only
  (no loopback, private, link-local, multicast, reserved or cloud metadata addresses), checked on
  every address the name resolves to; the call then goes to the checked address, so a second
  DNS answer cannot swap in an internal one. LINGUAFLOW_CALLBACK_ALLOW_HOSTS names hosts exempt
  from the address check (a test receiver on loopback, an internal service an operator trusts).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import urlsplit

from .errors import BadInput
from .settings import settings, split_csv

MEDIA_SCHEMES = ("s3", "file")
METADATA_ADDRESSES = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
                      ipaddress.ip_address("100.100.100.200")}


def _local_roots() -> list[str]:
    """Local directories a run may read media from (resolved, no symlink escapes)."""
    cfg = settings()
    roots = list(split_csv(cfg.local_media_roots))
    for uri in (cfg.work_root_uri + "/uploads", cfg.inbox or ""):
        if uri.startswith("file://"):
            roots.append(uri[len("file://"):])
    return [os.path.realpath(r) for r in roots]


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def check_asr_model(name: str, engine: str) -> str:
    """A request's ASR model: a name (bundled, or served by the remote service), or a directory
    under LINGUAFLOW_ASR_MODEL_ROOTS — never any other path on the worker."""
    if engine == "remote" or not any(c in name for c in "/\\~") and name not in (".", ".."):
        return name
    path = os.path.realpath(os.path.expanduser(name))  # relative to nothing a caller knows: refused
    roots = [os.path.realpath(r) for r in split_csv(settings().asr_model_roots)]
    if not os.path.isabs(os.path.expanduser(name)) or not any(_under(path, root) for root in roots):
        raise BadInput(f"ASR model directory {name[:200]!r} is outside the allowed model roots")
    return name


def check_media(uri: str, *, from_api: bool) -> str:
    """Refuse a media URI the policy does not allow; return it unchanged when allowed."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme not in MEDIA_SCHEMES:
        raise BadInput(f"media URI scheme {scheme or 'none'!r} is not allowed: use s3://bucket/key")
    if scheme == "s3":
        if not parts.netloc or not parts.path.strip("/"):
            raise BadInput("media URI must name a bucket and a key: s3://bucket/key")
        if ".." in parts.path.split("/"):
            raise BadInput("media URI must not contain '..'")
        allowed = split_csv(settings().media_prefixes)
        if allowed:
            own = [settings().work_root_uri + "/uploads/", (settings().inbox or "").rstrip("/") + "/"]
            if not any(uri.startswith(p) for p in allowed + [o for o in own if o.startswith("s3://")]):
                raise BadInput(f"media URI {uri[:200]!r} is outside the allowed buckets and prefixes")
        return uri
    if from_api:
        raise BadInput("file:// media cannot be named through the API: upload the file or use s3://")
    path = os.path.realpath(parts.path)
    if not any(_under(path, root) for root in _local_roots()):
        raise BadInput("file:// media is outside the local directories this deployment allows")
    return uri


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast and address not in METADATA_ADDRESSES


def callback_target(url: str) -> tuple[str, str]:
    """Check a callback URL and resolve it: (the URL to connect to, with the checked address in
    place of the name, the original host name for Host and TLS). BadInput when refused."""
    cfg = settings()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and cfg.allow_http_callbacks):
        raise BadInput(f"callback URL must be https{' or http' if cfg.allow_http_callbacks else ''}: {url[:200]!r}")
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        raise BadInput("callback URL must name a host, without credentials")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise BadInput("callback URL has an invalid port") from None
    exempt = host in {h.lower() for h in split_csv(cfg.callback_allow_hosts)}
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise BadInput(f"callback host {host!r} does not resolve: {exc}") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not exempt and not all(_public(a) for a in addresses):
        raise BadInput(f"callback host {host!r} resolves to an address that is not public")
    checked = next((a for a in addresses if a.version == 4), addresses[0])
    netloc = f"[{checked}]" if checked.version == 6 else str(checked)
    return parts._replace(netloc=f"{netloc}:{port}").geturl(), host


def check_callback(url: str | None) -> None:
    """Refuse a callback URL the policy does not allow (at the API and in probe)."""
    if url:
        callback_target(url)
