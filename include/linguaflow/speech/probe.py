"""Media probing with PyAV (FFmpeg's libraries): is this decodable audio, and how long is it."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

from ..errors import BadInput

MAX_DURATION_S = 6 * 3600.0
MIN_DURATION_S = 0.1


@dataclass(frozen=True)
class MediaInfo:
    duration: float  # seconds
    container: str
    codec: str
    sample_rate: int
    channels: int
    has_video: bool
    size: int

    def to_dict(self) -> dict:
        return asdict(self)


def probe(path: str) -> MediaInfo:
    """Open `path`, find its audio stream and decode its first frames; raise BadInput otherwise."""
    import av

    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise BadInput(f"media file not found: {path}") from exc
    if size == 0:
        raise BadInput("media file is empty (0 bytes)")
    try:
        container = av.open(path, metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise BadInput(f"not a decodable media file: {_reason(exc)}") from exc
    with container:
        audio = next((s for s in container.streams if s.type == "audio"), None)
        if audio is None:
            raise BadInput(f"media has no audio stream (container {container.format.name})")
        has_video = any(s.type == "video" for s in container.streams)
        duration = _duration(container, audio)
        frames = 0
        try:
            for frame in container.decode(audio):
                frames += 1
                if frame.time is not None and frame.time > 1.0 or frames >= 50:
                    break
        except av.error.FFmpegError as exc:
            raise BadInput(f"audio stream cannot be decoded: {_reason(exc)}") from exc
        if frames == 0:
            raise BadInput("audio stream holds no decodable frames (truncated file?)")
        if not duration or duration < MIN_DURATION_S:
            raise BadInput(f"media is too short to hold speech ({duration or 0:.3f} s; truncated file?)")
        if duration > MAX_DURATION_S:
            raise BadInput(f"media is {duration / 3600:.1f} h long; the limit is {MAX_DURATION_S / 3600:.0f} h")
        return MediaInfo(
            duration=round(duration, 3),
            container=container.format.name,
            codec=audio.codec_context.name,
            sample_rate=audio.codec_context.sample_rate or 0,
            channels=audio.codec_context.channels or 0,
            has_video=has_video,
            size=size,
        )


def _reason(exc: Exception) -> str:
    """FFmpeg's reason without the worker's local path of the file."""
    return getattr(exc, "strerror", None) or type(exc).__name__


TRUNCATED_MIN_S = 1.0  # declared - decoded beyond this and beyond 5 % of the declared length


def media_warnings(declared: float, decoded: float | None, decode_errors: int = 0) -> list[str]:
    """What is wrong with the media itself, from decoding it whole: `truncated` when much less
    audio decodes than the container declares, `decode_errors` when packets would not decode."""
    out = []
    if decoded is not None and declared - decoded > max(TRUNCATED_MIN_S, 0.05 * declared):
        out.append("truncated")
    if decode_errors:
        out.append("decode_errors")
    return out


def _duration(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000  # av.time_base is microseconds
    return None
