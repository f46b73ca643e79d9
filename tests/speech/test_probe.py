import pytest

from linguaflow.speech import probe
from linguaflow.speech.transcribe import transcribe
from linguaflow.speech.types import AsrOptions
from linguaflow.errors import BadInput

from conftest import SAMPLE
from mediagen import encode

FORMATS = [  # name, container, codec, sample rate, with video
    ("a.flac", "flac", "flac", None, False),
    ("a.mp3", "mp3", "libmp3lame", 22050, False),
    ("a.m4a", "ipod", "aac", 44100, False),
    ("a.ogg", "ogg", "libopus", 48000, False),
    ("a.webm", "webm", "libopus", 48000, False),
    ("v.mp4", "mp4", "aac", 44100, True),
    ("v.mkv", "matroska", "libmp3lame", 44100, True),
]


@pytest.mark.parametrize("name,container,codec,rate,video", FORMATS, ids=[f[0] for f in FORMATS])
def test_every_container_is_probed_and_transcribed(tmp_path, name, container, codec, rate, video):
    path = encode(SAMPLE, tmp_path / name, container, codec, rate=rate, video=video)
    info = probe.probe(str(path))
    assert info.has_video is video
    assert 3.8 < info.duration < 4.4, info
    text = transcribe(str(path), AsrOptions(model="tiny.en")).text.lower()
    assert "superlative degree" in text


def test_sample_probe():
    info = probe.probe(str(SAMPLE))
    assert (info.container, info.codec, info.sample_rate, info.channels) == ("wav", "pcm_s16le", 16000, 1)
    assert info.duration == 4.0


@pytest.mark.parametrize(
    "make,reason",
    [
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_text("this is plain text, not audio\n" * 20), "not a decodable media file"),
        (lambda p: p.write_bytes(SAMPLE.read_bytes()[:60]), "too short"),
        (lambda p: p.write_bytes(b"\x00" * 4096), "not a decodable media file"),
    ],
    ids=["empty", "text-renamed-mp3", "truncated", "zeros"],
)
def test_bad_input_has_a_clear_reason(tmp_path, make, reason):
    path = tmp_path / "bad.mp3"
    make(path)
    with pytest.raises(BadInput, match=reason):
        probe.probe(str(path))


def test_video_without_audio_is_refused(tmp_path):
    path = encode(SAMPLE, tmp_path / "silent.mp4", "mp4", "aac", video=True, audio=False)
    with pytest.raises(BadInput, match="no audio stream"):
        probe.probe(str(path))


def test_missing_file(tmp_path):
    with pytest.raises(BadInput, match="not found"):
        probe.probe(str(tmp_path / "nope.wav"))
