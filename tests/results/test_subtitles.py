import io
import json
from pathlib import Path

import pytest
import srt
import webvtt

from linguaflow.results.subtitles import MAX_CPS, MAX_LINE, to_srt, to_vtt, width, wrap

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


def test_text_without_spaces_is_cut_by_display_width():
    zh = "这是一个很长的中文句子" * 3
    lines = wrap(zh)
    assert "".join(lines) == zh and len(lines) <= 2 and all(width(line) <= MAX_LINE for line in lines)


def test_no_segments_make_an_empty_but_valid_file():
    assert to_srt([], {}) == "" and to_vtt([], {}) == "WEBVTT\n"


def test_overlong_text_becomes_several_cues_without_losing_words():
    text = " ".join(["word"] * 40)
    subs = list(srt.parse(to_srt([{"id": "0", "start": 0.0, "end": 20.0}], {"0": text})))
    assert len(subs) > 1 and " ".join(s.content.replace("\n", " ") for s in subs) == text
    assert all(len(s.content.split("\n")) <= 2 for s in subs)


REFERENCE = json.loads((Path(__file__).parents[2] / "bench" / "data" / "mt_reference.json").read_text())["items"]


def _long_segments(lang: str, per: int = 3, seconds: float = 11.0):
    """Whisper-like segments: three real sentences of the reference set in one 11 s segment
    (a second apart: about as fast as people speak them)."""
    sep = "" if lang in ("zh", "ja") else " "
    texts, segments = {}, []
    for n in range(0, 24, per):
        sid = str(n // per)
        texts[sid] = sep.join(item[lang] for item in REFERENCE[n : n + per])
        segments.append({"id": sid, "start": n // per * (seconds + 1.0), "end": n // per * (seconds + 1.0) + seconds})
    return segments, texts


@pytest.mark.parametrize("lang", ["en", "de", "zh", "ja"])
def test_real_sentences_make_readable_cues(lang):
    """Two lines of 42 columns (CJK two columns a character), 17 columns/s where timing allows,
    cues in order and apart, no text lost."""
    segments, texts = _long_segments(lang)
    subs = list(srt.parse(to_srt(segments, texts)))
    assert len(subs) > len(segments)  # long segments were re-split
    for cue in subs:
        lines = cue.content.split("\n")
        assert len(lines) <= 2 and all(width(line) <= MAX_LINE for line in lines), lines
        seconds = (cue.end - cue.start).total_seconds()
        assert width("".join(lines)) / seconds <= MAX_CPS + 0.01, (cue.content, seconds)
    assert all(a.end <= b.start for a, b in zip(subs, subs[1:]))
    flat = lambda t: "".join(t.split())  # noqa: E731 - line breaks and spaces aside, the same text
    assert flat("".join(s.content for s in subs)) == flat("".join(texts[s["id"]] for s in segments))
