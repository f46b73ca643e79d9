"""The inbox: media objects dropped under a prefix become media DAG runs, exactly once each.

Listing is driven by the inbox DAG run's data interval (objects whose last-modified time falls in
[start, end)), so a scheduled run picks up what arrived since the previous one and
`airflow backfill create` over a date range re-lists exactly the objects of those days. The run
id is derived from bucket, key and ETag: the same object is never processed twice (an existing
run id is skipped), while a re-uploaded, changed object gets a new ETag and a new run.

Per object, target languages and text items come from a sidecar `<key>.json`
(`{"target_languages": [...], "text_items": {...}, "source_language": "..."}`), else from object
metadata (`x-amz-meta-linguaflow-targets: zh,ja`), else the configured defaults.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import datetime, timezone

from .. import storage
from ..errors import BadInput
from ..request import MediaRequest
from ..settings import settings, split_csv

log = logging.getLogger(__name__)

MEDIA_SUFFIXES = {".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".opus", ".webm", ".mp4", ".mkv", ".mov"}


def inbox_uri() -> str:
    return (settings().inbox or storage.work_root() + "/inbox").rstrip("/")


def _modified(info: dict) -> datetime:
    value = info.get("LastModified") or info.get("mtime") or info.get("created")
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromtimestamp(float(value), tz=timezone.utc)


def run_id_for(uri: str, etag: str) -> str:
    """Deterministic: same object and content -> same run id."""
    return "inbox__" + hashlib.sha256(f"{uri}@{etag}".encode()).hexdigest()[:32]


def request_for(uri: str, etag: str, sidecar: dict | None = None, metadata: dict | None = None) -> dict:
    """The trigger request of one inbox object: its run id and the parsed request as the conf.

    The sidecar may set every request field but the media and the task id (the object's own);
    a sidecar breaking the request model's rules is BadInput, as it would be at the task API."""
    conf: dict = {"target_languages": split_csv(settings().inbox_targets)}
    if sidecar is not None:
        if not isinstance(sidecar, dict):
            raise BadInput("a sidecar is a JSON object")
        conf.update({k: v for k, v in sidecar.items() if k not in ("media_uri", "task_id")})
    elif (metadata or {}).get("linguaflow-targets"):
        conf["target_languages"] = split_csv(metadata["linguaflow-targets"])
    run_id = run_id_for(uri, etag)
    req = MediaRequest.parse({**conf, "media_uri": uri, "task_id": run_id})
    return {"trigger_run_id": run_id, "conf": req.conf()}


def _object_request(root, path: str, info: dict) -> dict | None:
    protocol = root.protocol if isinstance(root.protocol, str) else root.protocol[0]
    uri = f"{protocol}://{path}" if protocol != "file" else f"file://{path}"
    etag = str(info.get("ETag") or info.get("VersionId") or f"{info.get('size')}-{_modified(info).timestamp()}").strip('"')
    return _request_with_sidecar(uri, etag, lambda: root.fs.metadata(path) if hasattr(root.fs, "metadata") else {})


def _request_with_sidecar(uri: str, etag: str, metadata) -> dict | None:
    """The trigger request of one object, its sidecar (or else its metadata, `metadata()`) read;
    None, logged, when the request is refused."""
    sidecar_path = storage.opath(uri + ".json")
    sidecar = meta = None
    try:
        if sidecar_path.exists():
            sidecar = json.loads(sidecar_path.read_text())
        else:
            try:
                meta = metadata()
            except Exception:  # noqa: BLE001 - metadata is optional
                meta = {}
        return request_for(uri, etag, sidecar, meta)
    except (BadInput, json.JSONDecodeError) as exc:  # one bad sidecar never holds up the others
        log.error("inbox object %s skipped: its request is refused: %s", uri, exc)
        return None


def requests_from_events(messages: list[dict]) -> list[dict]:
    """Trigger requests for the media objects S3 event notifications announce (the SQS messages an
    asset watcher received, possibly several batches): one per object version, in arrival order.
    Deletions, test events, sidecars and non-media keys are passed over."""
    from urllib.parse import unquote_plus

    seen, out = set(), []
    for message in messages:
        try:
            body = json.loads(message.get("Body") or "{}")
        except (TypeError, json.JSONDecodeError):
            log.warning("not an S3 event notification, skipped: %.200s", message.get("Body"))
            continue
        if isinstance(body.get("Message"), str):  # delivered through SNS
            body = json.loads(body["Message"])
        for record in body.get("Records") or []:
            if not str(record.get("eventName", "")).startswith("ObjectCreated"):
                continue
            bucket, obj = record["s3"]["bucket"]["name"], record["s3"]["object"]
            key = unquote_plus(obj["key"])
            if os.path.splitext(key)[1].lower() not in MEDIA_SUFFIXES:
                continue
            uri, etag = f"s3://{bucket}/{key}", str(obj.get("eTag") or obj.get("versionId") or obj.get("sequencer")).strip('"')
            if (uri, etag) in seen:
                continue
            seen.add((uri, etag))
            request = _request_with_sidecar(uri, etag, lambda uri=uri: _s3_metadata(uri))
            if request is not None:
                out.append(request)
    log.info("%d media objects announced in %d messages", len(out), len(messages))
    return out


def _s3_metadata(uri: str) -> dict:
    path = storage.opath(uri)
    return path.fs.metadata(path.path) if hasattr(path.fs, "metadata") else {}


def list_new(start: datetime, end: datetime, prefix: str | None = None) -> list[dict]:
    """Trigger requests for media objects under the inbox modified in [start, end), oldest first."""
    root = storage.opath(prefix or inbox_uri())
    if not root.exists():
        log.info("inbox %s does not exist yet", root)
        return []
    found = root.fs.find(root.path, detail=True)
    picked = []
    for path, info in found.items():
        if os.path.splitext(path)[1].lower() not in MEDIA_SUFFIXES or info.get("type") == "directory":
            continue
        modified = _modified(info)
        if start <= modified < end:
            picked.append((modified, path, info))
    picked.sort(key=lambda x: (x[0], x[1]))
    requests = [r for _, path, info in picked if (r := _object_request(root, path, info)) is not None]
    log.info("inbox %s: %d new media objects in [%s, %s)", root, len(requests), start, end)
    return requests
