"""Make real media files for tests by re-encoding the bundled speech sample with PyAV."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np


def read_pcm(path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as c:
        stream = c.streams.audio[0]
        frames = [f.to_ndarray().reshape(-1) for f in c.decode(stream)]
        return np.concatenate(frames).astype(np.int16), stream.rate


def encode(src, dst, container: str, codec: str, rate: int | None = None, video: bool = False, audio: bool = True):
    """Write the sample's speech as `codec` in `container`, optionally beside a video track."""
    pcm, src_rate = read_pcm(src)
    rate = rate or src_rate
    with av.open(str(dst), "w", format=container) as out:
        a = out.add_stream(codec, rate=rate) if audio else None
        if a is not None:
            a.layout = "mono"
        v = None
        if video:
            v = out.add_stream("mpeg4", rate=10)
            v.width, v.height, v.pix_fmt = 64, 48, "yuv420p"
        if v is not None:
            for i in range(int(len(pcm) / src_rate * 10)):
                img = np.full((48, 64, 3), (i * 7) % 255, dtype=np.uint8)
                frame = av.VideoFrame.from_ndarray(img, format="rgb24")
                frame.pts = i
                frame.time_base = Fraction(1, 10)
                for p in v.encode(frame):
                    out.mux(p)
            for p in v.encode():
                out.mux(p)
        if a is not None:
            resampler = av.AudioResampler(format=a.format.name, layout="mono", rate=rate)
            step = 1024
            for i in range(0, len(pcm), step):
                frame = av.AudioFrame.from_ndarray(pcm[i : i + step].reshape(1, -1), format="s16", layout="mono")
                frame.sample_rate = src_rate
                for rf in resampler.resample(frame):
                    for p in a.encode(rf):
                        out.mux(p)
            for rf in resampler.resample(None):
                for p in a.encode(rf):
                    out.mux(p)
            for p in a.encode():
                out.mux(p)
    return dst


def repeated_speech(sample, dst, times: int, gap_s: float = 0.0):
    """The (16 kHz mono) sample `times` over, each followed by `gap_s` of silence."""
    import wave

    with wave.open(str(sample)) as w:
        speech = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    with wave.open(str(dst), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(16000)
        out.writeframes(np.tile(np.concatenate([speech, np.zeros(int(16000 * gap_s), "<i2")]), times).tobytes())
    return dst


def five_minutes_of_speech(sample, dst):
    """The sample and a second of silence, 60 times over: 5 minutes of 16 kHz speech (a long
    transcription to cancel or delete mid-way)."""
    return repeated_speech(sample, dst, 60, gap_s=1.0)
