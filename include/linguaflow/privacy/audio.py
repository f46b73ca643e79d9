"""A copy of the media's audio with every redacted span replaced by a tone, for a player that must
not let anyone hear what the transcript hides.

The spans come from the redaction's evidence (word timings where the transcript has them; the
transcribe step keeps them when `redact_audio` is asked), widened by a margin, since a word's
timing from Whisper may be off by a few tens of milliseconds. The copy is FLAC at the media's own
sample rate and channels, so everything outside the spans is the decoded media sample for sample.
It is written frame by frame: an hour of audio never sits in memory.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

TONE_HZ = 1000.0
TONE_LEVEL = 0.1  # -20 dBFS: plainly a bleep, not loud
MARGIN_S = 0.15  # around each span
SUFFIX = "flac"
FILE = f"redacted-audio.{SUFFIX}"  # beside the transcript, under work/<task id>/


def spans_of(found: list[dict], margin_s: float = MARGIN_S) -> list[tuple[float, float]]:
    """The time spans to cover, from the redaction evidence (text items have none), widened and merged."""
    raw = sorted((max(0.0, f["start"] - margin_s), f["end"] + margin_s) for f in found if f.get("start") is not None)
    merged: list[tuple[float, float]] = []
    for start, end in raw:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def write_redacted(src: str, dst: str, spans: list[tuple[float, float]]) -> float:
    """Write `src`'s first audio stream to `dst` (FLAC) with the spans replaced by the tone; the
    seconds of audio written."""
    import av

    with av.open(src, metadata_errors="ignore") as media, av.open(dst, "w", format=SUFFIX) as out:
        stream = media.streams.audio[0]
        rate = stream.codec_context.sample_rate or stream.rate
        channels = stream.codec_context.channels or 1
        layout = {1: "mono", 2: "stereo"}.get(channels) or stream.codec_context.layout.name
        encoder = out.add_stream(SUFFIX, rate=rate, layout=layout)
        to_s16 = av.AudioResampler(format="s16", layout=layout, rate=rate)  # packed int16: FLAC's input
        written = 0
        for frame in itertools.chain(_frames(media, stream), [None]):  # None: what the resampler still holds
            for converted in to_s16.resample(frame):
                pcm = converted.to_ndarray().reshape(-1, len(converted.layout.channels)).copy()
                _cover(pcm, written, rate, spans)
                patched = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout=layout)
                patched.sample_rate, patched.pts = rate, written
                written += len(pcm)
                out.mux(encoder.encode(patched))
        out.mux(encoder.encode(None))
    return written / rate


def _frames(media, stream):
    """The stream's frames on the timeline transcription uses (speech.audio): damaged packets
    skipped, timestamps ignored, samples counted from the start."""
    import av

    try:
        for packet in media.demux(stream):
            try:
                frames = packet.decode()
            except av.error.InvalidDataError:
                continue
            for frame in frames:
                frame.pts = None
                yield frame
    except av.error.InvalidDataError:
        return  # a damaged tail: what decoded is written


def _cover(pcm: np.ndarray, first: int, rate: int, spans: list[tuple[float, float]]) -> None:
    """Replace, in a block of samples starting at sample `first`, what falls inside the spans."""
    last = first + len(pcm)
    for start, end in spans:
        a, b = max(first, math.floor(start * rate)), min(last, math.ceil(end * rate))
        if a >= b:
            continue
        t = np.arange(a, b) / rate
        pcm[a - first:b - first, :] = (TONE_LEVEL * 32767 * np.sin(2 * np.pi * TONE_HZ * t))[:, None].astype(np.int16)
