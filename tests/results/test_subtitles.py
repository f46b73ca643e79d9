import io

import srt
import webvtt

from linguaflow.results.subtitles import MAX_LINE, to_srt, to_vtt, wrap

SEGMENTS = [
    {"id": "0", "start": 0.0, "end": 2.5},
    {"id": "1", "start": 2.5, "end": 3661.042},
    {"id": "2", "start": 3661.5, "end": 3662.0},
]
TEXTS = {
    "0": "Hello there.",
    "1": "This is a rather long sentence that will need to go on two lines.",
    "2": "",  # empty segments make no cue
}


def test_srt_is_parsable_monotonic_and_wrapped():
    subs = list(srt.parse(to_srt(SEGMENTS, TEXTS)))
    assert [s.index for s in subs] == [1, 2]
    assert subs[1].end.total_seconds() == 3661.042
    assert all(a.start <= a.end <= b.start for a, b in zip(subs, subs[1:]))
    lines = subs[1].content.split("\n")
    assert 1 < len(lines) <= 2 and all(len(l) <= MAX_LINE for l in lines)
    assert " ".join(lines) == TEXTS["1"]
    assert "01:01:01,042" in to_srt(SEGMENTS, TEXTS)


def test_vtt_is_parsable():
    vtt = to_vtt(SEGMENTS, TEXTS)
    assert vtt.startswith("WEBVTT\n\n")
    captions = webvtt.from_buffer(io.StringIO(vtt)).captions
    assert [c.start for c in captions] == ["00:00:00.000", "00:00:02.500"]
    assert captions[1].end == "01:01:01.042"
    assert captions[0].text == "Hello there."


def test_text_without_spaces_is_cut_by_characters():
    zh = "这是一个很长的中文句子" * 6
    lines = wrap(zh)
    assert "".join(lines) == zh and len(lines) <= 2


def test_no_segments_make_an_empty_but_valid_file():
    assert to_srt([], {}) == "" and to_vtt([], {}) == "WEBVTT\n"


def test_overlong_text_stays_on_two_lines_without_losing_words():
    text = " ".join(["word"] * 40)
    lines = wrap(text)
    assert len(lines) == 2 and " ".join(lines) == text
