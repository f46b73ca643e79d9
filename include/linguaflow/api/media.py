"""A task's media over HTTP, for the viewer's player: single byte ranges (RFC 9110), so a
browser can seek in a long recording without fetching all of it. The object is the one the task
was made from (its URI comes from the stored result, never from the request)."""

from __future__ import annotations

import mimetypes
import re

from fastapi.responses import Response, StreamingResponse

from .. import storage

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".ogv")


def content_type(uri: str) -> str:
    guessed = mimetypes.guess_type(uri.split("?")[0])[0]
    return guessed if guessed and guessed.split("/")[0] in ("audio", "video") else "application/octet-stream"


def is_video(uri: str) -> bool:
    return uri.lower().endswith(VIDEO_SUFFIXES)


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) byte a Range header asks for; None for the whole object; ValueError when
    it cannot be satisfied (several ranges, out of bounds, malformed)."""
    if not header:
        return None
    m = _RANGE.match(header.strip())
    if not m or not (m.group(1) or m.group(2)):
        raise ValueError(header)
    if m.group(1):
        first = int(m.group(1))
        last = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
    else:  # the last N bytes
        first, last = max(0, size - int(m.group(2))), size - 1
    if first > last or first >= size:
        raise ValueError(header)
    return first, last


def response(uri: str, size: int, range_header: str | None) -> Response:
    """200 with the whole object (of `size` bytes), 206 with the range asked for, or 416."""
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=300"}
    try:
        wanted = byte_range(range_header, size)
    except ValueError:
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    first, last = wanted or (0, size - 1)
    headers["Content-Length"] = str(last - first + 1)
    if wanted:
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    return StreamingResponse(storage.read_range(uri, first, last), status_code=206 if wanted else 200,
                             media_type=content_type(uri), headers=headers)
