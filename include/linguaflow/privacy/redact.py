"""A transcript with its personal data replaced by tags, before it is stored or leaves the step.

Every span `detect.find` reports is replaced in the segment's text by a tag: the type (`[PHONE]`),
or with `numbered` style the type and a number kept for one value within the task (`[PERSON_1]`
each time the same name is said, `[PERSON_2]` for the next), so a reader can follow who is who.
The words under a span (their timings say where in the audio it was said) become one word, the
tag. The transcript keeps the evidence — type, segment, time span — never the value.
"""

from __future__ import annotations

import dataclasses
import re

from ..speech.types import Segment, Transcript
from . import detect

STYLES = ("numbered", "type")
VERSION = "redact-2"  # a transcript redacted by an earlier version of the detection is made again
TAG = re.compile(r"\[(?:" + "|".join(t.upper() for t in detect.TYPES) + r")(?:_\d+)?\]")


def expand_types(asked: list[str]) -> tuple[str, ...]:
    """A request's `redact` list -> the types it names, in a stable order ("default", "all")."""
    chosen: set[str] = set()
    for name in asked:
        chosen |= set(detect.DEFAULT) if name == "default" else set(detect.TYPES) if name == "all" else {name}
    return tuple(t for t in detect.TYPES if t in chosen)


class Tagger:
    """The tags of one task: numbered in order of first appearance, one number per value."""

    def __init__(self, style: str = "numbered"):
        self.style = style
        self._numbers: dict[tuple[str, str], int] = {}
        self._counts: dict[str, int] = {}

    def tag(self, kind: str, value: str) -> str:
        if self.style == "type":
            return f"[{kind.upper()}]"
        key = (kind, _canonical(kind, value))
        if key not in self._numbers:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            self._numbers[key] = self._counts[kind]
        return f"[{kind.upper()}_{self._numbers[key]}]"


def _canonical(kind: str, value: str) -> str:
    """One spelling of a value, so "555 123" and "five five five, one two three" get one number."""
    written = detect.spoken.normalise(value).text
    if kind in ("phone", "card", "account", "national_id"):
        return re.sub(r"[^0-9A-Za-z]", "", written).upper()
    return " ".join(re.findall(r"\w+", written.casefold()))


def redact_text(text: str, types: tuple[str, ...], tagger: Tagger, language: str | None) -> tuple[str, list[tuple[str, int, int]]]:
    """`text` with its personal data tagged, and (type, start, end) of each span in the original."""
    found = detect.find(text, types, language)
    out, at = [], 0
    for f in found:
        out += [text[at:f.start], tagger.tag(f.type, text[f.start:f.end])]
        at = f.end
    out.append(text[at:])
    return "".join(out), [(f.type, f.start, f.end) for f in found]


def redact_task(transcript: Transcript, text_items: dict[str, str], types: tuple[str, ...],
                style: str = "numbered") -> tuple[Transcript, dict[str, str]]:
    """A task's transcript and supplied text items redacted with one numbering (the name in the
    title is the [PERSON_1] of the call); the evidence of both in the transcript's record."""
    tagger = Tagger(style)
    out = redact_transcript(transcript, types, style, tagger)
    items = {}
    for item_id, text in text_items.items():  # titles and descriptions are often English whatever is spoken
        items[item_id], spans = redact_text(text, types, tagger, detect.NAME_LANGUAGES[0])
        out.redaction["found"] += [{"type": kind, "segment": f"T:{item_id}", "start": None, "end": None} for kind, _, _ in spans]
    return out, items


def redact_transcript(transcript: Transcript, types: tuple[str, ...], style: str = "numbered",
                      tagger: Tagger | None = None) -> Transcript:
    """The transcript with every segment's personal data tagged, its words too, and the evidence."""
    tagger = tagger or Tagger(style)
    segments, evidence = [], []
    for seg in transcript.segments:
        text, spans = redact_text(seg.text, types, tagger, seg.language or transcript.language)
        if not spans:
            segments.append(seg)
            continue
        words = _redact_words(seg, spans, tagger) if seg.words else seg.words
        segments.append(dataclasses.replace(seg, text=text, words=words))
        for kind, start, end in spans:
            t0, t1 = _time_span(seg, start, end)
            evidence.append({"type": kind, "segment": seg.id, "start": t0, "end": t1})
    languages = {transcript.language, *(s.language for s in transcript.segments if s.language)}
    record = {"types": list(types), "style": style, "found": evidence,
              "patterns_only": sorted(lang for lang in languages if lang and not detect.names_covered(lang))}
    return dataclasses.replace(transcript, segments=segments, redaction=record)


def _word_offsets(seg: Segment) -> list[tuple[int, int]] | None:
    """Where each word of a segment is in its text, searched in order; None when one is not there
    (a word list that does not spell the text cannot say which words to redact)."""
    out, at = [], 0
    for w in seg.words or []:
        word = w["word"].strip()
        found = seg.text.find(word, at)
        if found < 0:
            return None
        out.append((found, found + len(word)))
        at = found + len(word)
    return out


def _redact_words(seg: Segment, spans: list[tuple[str, int, int]], tagger: Tagger) -> list[dict] | None:
    """The words under each span become one word: the tag, from the first's start to the last's
    end. None (no words kept) when the words cannot be matched to the text or a span has none."""
    words, offsets = seg.words or [], _word_offsets(seg)
    if offsets is None or any(not any(a < end and b > start for a, b in offsets) for _, start, end in spans):
        return None
    out, i = [], 0
    for kind, start, end in spans:
        while i < len(words) and offsets[i][1] <= start:
            out.append(words[i])
            i += 1
        under = []
        while i < len(words) and offsets[i][0] < end:
            under.append(words[i])
            i += 1
        if under:
            out.append({**under[0], "end": under[-1]["end"], "word": " " + tagger.tag(kind, seg.text[start:end]),
                        "probability": min(w.get("probability", 1.0) for w in under)})
    return out + words[i:]


def _time_span(seg: Segment, start: int, end: int) -> tuple[float, float]:
    """When a span was said: its words' times, else the segment's (all of it: nothing escapes a bleep)."""
    offsets = _word_offsets(seg) if seg.words else None
    if offsets is not None:
        under = [w for w, (a, b) in zip(seg.words, offsets, strict=True) if a < end and b > start]
        if under:
            return round(under[0]["start"], 3), round(under[-1]["end"], 3)
    return seg.start, seg.end


def tags_in(text: str) -> list[str]:
    """The redaction tags a text holds, in order."""
    return TAG.findall(text)
