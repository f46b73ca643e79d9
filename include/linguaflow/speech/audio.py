"""Streaming audio decoding: 16 kHz mono float32 in bounded chunks, cut at quiet points.

Whisper engines decode whole files into memory (about 230 MB per hour at 16 kHz float32, plus
the features). Feeding them windows of `chunk_s` seconds keeps peak memory flat whatever the
length of the file; each cut is placed at the quietest 200 ms of the window's last seconds so
that no word is split.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..errors import BadInput

SAMPLE_RATE = 16000
CUT_SEARCH_S = 10.0  # look for a quiet cut point in the last seconds of each window
CUT_WINDOW_S = 0.2


class DecodeStats:
    """What decoding a file met: seconds of audio decoded and damaged packets skipped."""

    def __init__(self):
        self.samples = 0
        self.errors = 0

    @property
    def seconds(self) -> float:
        return self.samples / SAMPLE_RATE


def _frames(path: str, stats: DecodeStats | None = None) -> Iterator[np.ndarray]:
    import av

    stats = stats if stats is not None else DecodeStats()

    try:
        container = av.open(path, metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise BadInput(f"not a decodable media file: {exc}") from exc
    with container:
        try:
            stream = container.streams.audio[0]
        except IndexError:
            raise BadInput("media has no audio stream") from None
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)

        def resampled(frame):
            for out in resampler.resample(frame):
                samples = out.to_ndarray().reshape(-1)
                stats.samples += len(samples)
                yield samples

        try:
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.error.InvalidDataError:
                    stats.errors += 1  # a damaged packet: skipped, counted, the rest still decodes
                    continue
                for frame in frames:
                    frame.pts = None  # let the resampler ignore broken timestamps
                    yield from resampled(frame)
        except av.error.InvalidDataError:
            stats.errors += 1  # the container itself gives up: a damaged tail, keep what decoded
        yield from resampled(None)


def _quiet_cut(buf: np.ndarray, start: int, end: int) -> int:
    """Index of the quietest CUT_WINDOW_S window in buf[start:end] (its middle)."""
    win = int(CUT_WINDOW_S * SAMPLE_RATE)
    seg = buf[start:end]
    if len(seg) < 2 * win:
        return end
    energy = np.convolve(seg.astype(np.float64) ** 2, np.ones(win), mode="valid")
    return start + int(np.argmin(energy)) + win // 2


def chunks(path: str, chunk_s: float = 600.0, stats: DecodeStats | None = None) -> Iterator[tuple[float, np.ndarray]]:
    """Yield (offset seconds, samples) windows of about `chunk_s` seconds covering the whole file
    (`stats`, when given, counts what decoded and what did not)."""
    target = int(chunk_s * SAMPLE_RATE)
    search = int(min(CUT_SEARCH_S, chunk_s / 4) * SAMPLE_RATE)
    pending: list[np.ndarray] = []
    size = 0
    offset = 0
    for samples in _frames(path, stats):
        pending.append(samples)
        size += len(samples)
        if size >= target + search:
            buf = np.concatenate(pending)
            cut = _quiet_cut(buf, target - search, target + search)
            yield offset / SAMPLE_RATE, buf[:cut]
            offset += cut
            pending, size = [buf[cut:]], len(buf) - cut
    if size:
        yield offset / SAMPLE_RATE, np.concatenate(pending)


def decode(path: str) -> np.ndarray:
    """The whole file as one array (short files only)."""
    parts = [c for _, c in chunks(path, chunk_s=1e9)]
    return parts[0] if parts else np.zeros(0, dtype=np.float32)
