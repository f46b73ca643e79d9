"""Object storage for media and intermediate artefacts, through Airflow's ObjectStoragePath.

`file://` on the embedded default, `s3://` (AWS, MinIO, any S3-compatible server) with an
Airflow connection otherwise. Artefacts of one task live under `<work root>/work/<task id>/`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator

from .errors import BadInput, NetworkTimeout, ServiceUnavailable
from .settings import settings


def conn_id_for(uri: str) -> str | None:
    """The Airflow connection used for a remote URI (LINGUAFLOW_STORAGE_CONN_ID, default aws_default)."""
    if uri.startswith("file://") or "://" not in uri:
        return None
    return settings().storage_conn_id or None  # "" = SDK credential chain


def opath(uri: str):
    from airflow.sdk import ObjectStoragePath

    if "://" not in uri:
        uri = "file://" + os.path.abspath(uri)
    return ObjectStoragePath(uri, conn_id=conn_id_for(uri))


def work_root() -> str:
    return settings().work_root_uri


def work_uri(task_id: str, *parts: str) -> str:
    return "/".join([work_root(), "work", task_id, *parts])


def original_uri(task_id: str, *parts: str) -> str:
    """Where an unredacted transcript is kept when a request asks (`keep_original`): a prefix of
    its own, so a bucket policy can keep it to operators."""
    return "/".join([work_root(), "originals", task_id, *parts])


def upload_uri(task_id: str, *parts: str) -> str:
    """Where the task API keeps media uploaded for a task."""
    return "/".join([work_root(), "uploads", task_id, *parts])


@contextlib.contextmanager
def _classified() -> Iterator[None]:
    """Map storage errors onto the retry table's classes."""
    try:
        yield
    except FileNotFoundError:
        raise
    except TimeoutError as exc:
        raise NetworkTimeout(f"object storage timed out: {exc}") from exc
    except (ConnectionError, OSError) as exc:
        if isinstance(exc, (PermissionError, IsADirectoryError, NotADirectoryError)):
            raise
        raise ServiceUnavailable(f"object storage unavailable: {exc}") from exc


def exists(uri: str) -> bool:
    with _classified():
        return opath(uri).exists()


def read_json(uri: str):
    with _classified():
        return json.loads(opath(uri).read_text())


def write_json(uri: str, obj) -> str:
    """Write JSON so a reader never sees half a file (temp + rename locally; S3 PUTs are atomic)."""
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    p = opath(uri)
    with _classified():
        if uri.startswith("file://"):
            _replace_locally(p, lambda tmp: tmp.write_text(data))
        else:
            p.write_text(data)
    return uri


def _replace_locally(p, write) -> None:
    """Write a local file through a temp file beside it and a rename: no reader sees half of it."""
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.parent / f".{p.name}.{uuid.uuid4().hex}.tmp"
    write(tmp)
    os.replace(tmp.path, p.path)


def upload(path: str, uri: str) -> str:
    """Copy a local file to `uri` (atomically where local, as `write_json`)."""
    p = opath(uri)
    with _classified():
        if uri.startswith("file://"):
            _replace_locally(p, lambda tmp: shutil.copyfile(path, tmp.path))
        else:
            with open(path, "rb") as src, p.open("wb") as dst:
                shutil.copyfileobj(src, dst, 8 << 20)
    return uri


@contextlib.contextmanager
def local_copy(uri: str) -> Iterator[str]:
    """A local file path for `uri`: the file itself for file://, a streamed temp copy otherwise."""
    p = opath(uri)
    if p.protocol == "file":
        if not os.path.exists(p.path):
            raise BadInput(f"media not found: {uri}")
        yield p.path
        return
    suffix = os.path.splitext(p.name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix, prefix="linguaflow-") as tmp:
        with _classified():
            if not p.exists():
                raise BadInput(f"media not found: {uri}")
            with p.open("rb") as src:
                shutil.copyfileobj(src, tmp, 8 << 20)
        tmp.flush()
        yield tmp.name


def size(uri: str) -> int | None:
    """An object's length in bytes; None when it is not there."""
    p = opath(uri)
    with _classified():
        try:
            return p.stat().st_size
        except FileNotFoundError:
            return None


def read_range(uri: str, start: int, end: int, chunk: int = 1 << 18) -> Iterator[bytes]:
    """Bytes `start`..`end` (inclusive) of an object, a chunk at a time (an HTTP range)."""
    p = opath(uri)
    with _classified(), p.open("rb") as f:
        f.seek(start)
        left = end - start + 1
        while left > 0:
            data = f.read(min(chunk, left))
            if not data:
                return
            left -= len(data)
            yield data


def delete_tree(uri: str) -> int:
    """Remove every object under a prefix (a task's artefacts or upload); how many were removed."""
    p = opath(uri)
    with _classified():
        found = p.fs.find(p.path)  # objects only (S3 has no directories)
        if found:
            p.fs.rm(found)
        if p.protocol == "file" and os.path.isdir(p.path):
            shutil.rmtree(p.path, ignore_errors=True)
        if hasattr(p.fs, "invalidate_cache"):
            p.fs.invalidate_cache()
    return len(found)


def delete(uri: str) -> bool:
    """Remove one object; False when it was not there."""
    p = opath(uri)
    with _classified():
        if not p.exists():
            return False
        p.fs.rm(p.path)
    return True


def ensure_bucket(uri: str, attempts: int = 60, wait_s: float = 2.0) -> bool:
    """Create the bucket of an `s3://` URI unless it exists, waiting for a server that is still
    starting (a fresh deployment's MinIO); True when it was created. `file://` needs nothing."""
    import time

    if "://" not in uri or uri.startswith("file://"):
        return False
    scheme, rest = uri.split("://", 1)
    bucket = opath(f"{scheme}://{rest.split('/', 1)[0]}")

    def make() -> bool:
        with _classified():
            if bucket.exists():
                return False
            bucket.mkdir(exist_ok=True)
            return True

    for _ in range(attempts - 1):
        try:
            return make()
        except ServiceUnavailable:
            time.sleep(wait_s)
    return make()  # the last try: its failure is the caller's


if __name__ == "__main__":  # python -m linguaflow.storage: the work root's bucket exists (deployments' init step)
    created = ensure_bucket(work_root())
    print(f"{work_root()}: {'created' if created else 'already there'}")

