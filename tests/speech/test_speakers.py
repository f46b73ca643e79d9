"""Speaker diarization on real audio: a conversation synthesised in two clearly different voices,
the real two-speaker telephone call that ships in the pyannote.audio wheel (DER by
pyannote.metrics, collar 0.25 s, overlap scored), and one voice alone."""

import pytest

from linguaflow.results import document, readable, subtitles
from linguaflow.speech import diarize, speakers, transcribe
from linguaflow.speech.types import AsrOptions, Segment

import speechgen
from conftest import SAMPLE
from mediagen import repeated_speech

pytestmark = pytest.mark.skipif(not speechgen.have_espeak(), reason="espeak-ng: scripts/speech-tools.sh installs it")


@pytest.fixture(scope="module")
def conversation(tmp_path_factory):
    path = tmp_path_factory.mktemp("speakers") / "conversation.wav"
    return path, speechgen.conversation(path)


def _der(reference, turns):
    return speechgen.der(reference, [(t.start, t.end, t.speaker) for t in turns])


def test_two_voices_are_told_apart_without_being_told_how_many(conversation):
    path, reference = conversation
    turns = diarize.diarize(str(path)).turns
    assert {t.speaker for t in turns} == {1, 2}
    assert _der(reference, turns) <= 0.10


def test_the_real_telephone_call_meets_the_der_goal():
    wav, rttm = speechgen.pyannote_sample()
    reference = speechgen.read_rttm(rttm)
    found = diarize.diarize(str(wav))
    assert found.speakers == 2 and found.doubt is None
    assert _der(reference, found.turns) <= 0.15
    assert _der(reference, diarize.diarize(str(wav), num_speakers=2).turns) <= 0.15


def test_a_front_desk_call_gets_two_speakers_one_per_turn_without_being_told(tmp_path, monkeypatch):
    monkeypatch.setattr(speechgen, "VOICES", {"A": ("en-us+f3", 70), "B": ("en-gb-scotland+m1", 30)})
    path = tmp_path / "hotel.wav"
    reference = speechgen.conversation(path, speechgen.HOTEL)
    t = transcribe.transcribe(str(path), AsrOptions(model="tiny.en", diarize=True))
    assert t.speakers_doubt is None
    by_turn = []
    for a, b, who in reference:  # the speakers of the segments inside each turn
        by_turn.append({s.speaker for s in t.segments if a - 0.3 <= (s.start + s.end) / 2 <= b + 0.3})
    assert all(len(found) == 1 for found in by_turn)  # no sentence split between the two
    assert [found.pop() for found in by_turn] == [1, 2, 1, 2, 1, 2]


def test_one_voice_is_one_speaker(tmp_path):
    path = repeated_speech(SAMPLE, tmp_path / "one.wav", 5, gap_s=1.0)
    assert {t.speaker for t in diarize.diarize(str(path)).turns} == {1}


def test_transcript_segments_carry_the_speaker_who_said_them(conversation):
    path, reference = conversation
    t = transcribe.transcribe(str(path), AsrOptions(model="tiny.en", diarize=True))
    assert all(s.words for s in t.segments)  # word times were kept for the split
    said = []
    for seg in t.segments:  # the reference speaker under the segment's middle
        mid = (seg.start + seg.end) / 2
        said.append(next((who for a, b, who in reference if a - 0.5 <= mid <= b + 0.5), None))
    labels = {who: {s.speaker for s, w in zip(t.segments, said) if w == who} for who in ("A", "B")}
    assert len(labels["A"]) == 1 and len(labels["B"]) == 1 and labels["A"] != labels["B"]
    assert t.segments[0].speaker == 1  # numbered in order of first speech
    assert [s.id for s in t.segments] == [str(i) for i in range(len(t.segments))]


def _words(*spec):
    return [{"start": a, "end": b, "word": f" {w}", "probability": 0.9} for w, a, b in spec]


def test_a_segment_is_split_where_the_speaker_changes_inside_it():
    turns = [diarize.Turn(0.0, 2.0, 1), diarize.Turn(2.2, 5.0, 2)]
    seg = Segment(id="0", start=0.0, end=5.0, text="Are you there? Yes I am here.",
                  words=_words(("Are", 0.1, 0.4), ("you", 0.4, 0.7), ("there?", 0.7, 1.5),
                               ("Yes", 2.3, 2.6), ("I", 2.6, 2.8), ("am", 2.8, 3.0), ("here.", 3.0, 3.6)))
    out = speakers.assign([seg, Segment(id="1", start=6.0, end=7.0, text="Fine.")], turns)
    assert [(s.id, s.speaker, s.text) for s in out] == [
        ("0", 1, "Are you there?"), ("1", 2, "Yes I am here."), ("2", 2, "Fine.")]
    assert (out[0].start, out[0].end, out[1].start, out[1].end) == (0.0, 1.5, 2.3, 5.0)


def test_one_stray_word_does_not_split_a_segment():
    turns = [diarize.Turn(0.0, 1.0, 1), diarize.Turn(1.0, 1.3, 2), diarize.Turn(1.3, 3.0, 1)]
    seg = Segment(id="0", start=0.0, end=3.0, text="one two three four",
                  words=_words(("one", 0.1, 0.9), ("two", 1.0, 1.3), ("three", 1.4, 2.0), ("four", 2.0, 2.8)))
    assert [(s.speaker, s.text) for s in speakers.assign([seg], turns)] == [(1, "one two three four")]


def test_speakers_go_into_the_coded_document_and_every_readable_form():
    doc = {
        "task_id": "t1", "code_map_version": document.CODE_MAP_VERSION, "status": "done", "source_language": "en",
        "media": {"uri": "file:///x.wav", "duration": 4.0},
        "segments": [{"id": "0", "start": 0.0, "end": 1.5, "speaker": 1}, {"id": "1", "start": 2.0, "end": 3.5, "speaker": 2},
                     {"id": "2", "start": 3.6, "end": 4.0, "speaker": 2}],
        "models": {"asr": "faster-whisper/base/int8"},
        "languages": {"en": {"status": "done", "model": "m", "audio": {"0": "Hello?", "1": "Hi there.", "2": "Bye."}, "text": {}}},
        "created": "2026-11-25T00:00:00Z", "updated": "2026-11-25T00:00:00Z",
    }
    coded = document.compact(doc)
    assert coded["_t"] == {"0": [0.0, 1.5, 1], "1": [2.0, 3.5, 2], "2": [3.6, 4.0, 2]}
    assert document.expand(coded)["segments"] == doc["segments"]
    texts = doc["languages"]["en"]["audio"]
    vtt = subtitles.to_vtt(doc["segments"], texts)
    assert "<v Speaker 1>Hello?" in vtt and "<v Speaker 2>Hi there." in vtt and "<v Speaker 2>Bye." in vtt
    srt = subtitles.to_srt(doc["segments"], texts)
    assert "Speaker 1: Hello?" in srt and "Speaker 2: Hi there." in srt and "Speaker 2: Bye." not in srt  # named at changes
    assert "Speaker 2: Hi there." in readable.to_text(document.expand(coded))
    plain = {**coded, "_t": {"0": [0.0, 1.5]}}  # a document without speakers reads as before
    assert document.expand(plain)["segments"] == [{"id": "0", "start": 0.0, "end": 1.5}]
