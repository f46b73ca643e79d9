"""The redacted copy of the audio: at every redacted span the tone, elsewhere the media's own
samples, for any container the pipeline takes."""

from __future__ import annotations

import av
import numpy as np
import pytest

from linguaflow.privacy import audio

from conftest import SAMPLE
from mediagen import encode


def _decoded(path) -> tuple[np.ndarray, int]:
    """int16 samples (frames x channels) and rate, converted as the redactor converts them."""
    with av.open(str(path)) as media:
        stream = media.streams.audio[0]
        rate, channels = stream.codec_context.sample_rate, stream.codec_context.channels
        to_s16 = av.AudioResampler(format="s16", layout={1: "mono", 2: "stereo"}[channels], rate=rate)
        frames = [f.to_ndarray().reshape(-1, channels) for frame in [*media.decode(stream), None] for f in to_s16.resample(frame)]
    return np.concatenate(frames), rate


def _tone_share(block: np.ndarray, rate: int) -> float:
    """How much of a block's energy is at the tone's frequency."""
    spectrum = np.abs(np.fft.rfft(block[:, 0].astype(float))) ** 2
    peak = int(round(audio.TONE_HZ * len(block) / rate))
    return spectrum[peak - 2:peak + 3].sum() / spectrum.sum()


@pytest.mark.parametrize(("container", "codec", "rate"), [(None, None, None), ("mp3", "mp3", 44100), ("ogg", "libopus", 48000)])
def test_spans_are_the_tone_and_the_rest_is_unchanged(tmp_path, container, codec, rate):
    src = SAMPLE if container is None else encode(SAMPLE, tmp_path / f"in.{container}", container, codec, rate=rate)
    spans = [(0.6, 1.1), (2.0, 2.4)]
    seconds = audio.write_redacted(str(src), str(tmp_path / "out.flac"), spans)
    original, rate = _decoded(src)
    out, out_rate = _decoded(tmp_path / "out.flac")
    assert out_rate == rate and out.shape == original.shape and seconds == pytest.approx(len(out) / rate)
    keep = np.ones(len(out), bool)
    for start, end in spans:
        a, b = int(np.floor(start * rate)), int(np.ceil(end * rate))
        keep[a:b] = False
        assert _tone_share(out[a:b], rate) > 0.99
        assert np.sqrt(np.mean((out[a:b] / 32767.0) ** 2)) == pytest.approx(audio.TONE_LEVEL / np.sqrt(2), rel=0.02)
    assert np.array_equal(out[keep], original[keep])  # elsewhere sample for sample


def test_spans_come_from_the_evidence_widened_and_merged():
    found = [{"start": 1.0, "end": 1.5}, {"start": 1.6, "end": 2.0}, {"start": None, "end": None}, {"start": 5.0, "end": 5.2}]
    assert audio.spans_of(found, margin_s=0.1) == [(0.9, 2.1), (4.9, 5.3)]


def test_damaged_media_is_copied_on_the_timeline_transcription_uses(tmp_path):
    """Packets that do not decode are skipped as the transcriber skips them, so a span's time
    means the same in the transcript and in the copy."""
    from linguaflow.speech.audio import SAMPLE_RATE, DecodeStats, _frames

    data = bytearray(encode(SAMPLE, tmp_path / "whole.mp3", "mp3", "libmp3lame").read_bytes())
    for i in range(len(data) // 3, len(data) // 3 + 2000):  # garbage in the middle of the stream
        data[i] = (i * 7) % 256
    (tmp_path / "corrupt.mp3").write_bytes(bytes(data))
    stats = DecodeStats()
    heard = sum(len(block) for block in _frames(str(tmp_path / "corrupt.mp3"), stats)) / SAMPLE_RATE
    assert stats.errors >= 1
    seconds = audio.write_redacted(str(tmp_path / "corrupt.mp3"), str(tmp_path / "out.flac"), [(0.5, 1.0)])
    assert seconds == pytest.approx(heard, abs=0.03)
