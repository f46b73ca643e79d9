"""Speaker turns onto transcript segments: each word takes the speaker it overlaps most, and a
segment whose words change speaker is split there (Whisper's segments follow pauses and
sentences, not turns). Segments are renumbered afterwards, so ids stay "0".."n-1"."""

from __future__ import annotations

import dataclasses

from .diarize import Turn
from .types import Segment

MIN_RUN_WORDS = 2  # a lone word of another speaker is taken as its neighbours' (turn edges are ±0.2 s)


def speaker_at(start: float, end: float, turns: list[Turn]) -> int | None:
    """The speaker overlapping [start, end] most; the nearest turn's when none overlaps."""
    if not turns:
        return None
    overlap: dict[int, float] = {}
    for t in turns:
        o = min(end, t.end) - max(start, t.start)
        if o > 0:
            overlap[t.speaker] = overlap.get(t.speaker, 0.0) + o
    if overlap:
        return max(overlap, key=overlap.get)
    mid = (start + end) / 2
    return min(turns, key=lambda t: min(abs(mid - t.start), abs(mid - t.end))).speaker


def _smooth(labels: list[int]) -> list[int]:
    """Runs shorter than MIN_RUN_WORDS are turn-edge jitter: one between two runs of a speaker
    becomes theirs, then one at either end joins its neighbour."""
    spans = runs(labels)
    for i in range(1, len(spans) - 1):
        if spans[i][1] < MIN_RUN_WORDS and spans[i - 1][0] == spans[i + 1][0]:
            spans[i] = (spans[i - 1][0], spans[i][1])
    spans = runs([k for k, n in spans for _ in range(n)])
    if len(spans) > 1 and spans[0][1] < MIN_RUN_WORDS:
        spans[0] = (spans[1][0], spans[0][1])
    if len(spans) > 1 and spans[-1][1] < MIN_RUN_WORDS:
        spans[-1] = (spans[-2][0], spans[-1][1])
    return [k for k, n in spans for _ in range(n)]


def runs(labels: list) -> list[tuple]:
    """(label, length) of each run of equal labels (speaker numbers, or None where unlabelled)."""
    out: list[tuple] = []
    for k in labels:
        if out and out[-1][0] == k:
            out[-1] = (k, out[-1][1] + 1)
        else:
            out.append((k, 1))
    return out


def assign(segments: list[Segment], turns: list[Turn]) -> list[Segment]:
    """The segments labelled with speakers, split at speaker changes, renumbered."""
    out: list[Segment] = []
    for seg in segments:
        words = seg.words or []
        if not words or not turns:
            out.append(dataclasses.replace(seg, speaker=speaker_at(seg.start, seg.end, turns)))
            continue
        labels = _smooth([speaker_at(w["start"], w["end"], turns) for w in words])
        run = 0
        for i in range(1, len(words) + 1):
            if i < len(words) and labels[i] == labels[run]:
                continue
            part = words[run:i]
            whole = run == 0 and i == len(words)
            out.append(dataclasses.replace(
                seg, speaker=labels[run], words=part,
                start=seg.start if run == 0 else part[0]["start"], end=seg.end if i == len(words) else part[-1]["end"],
                text=seg.text if whole else "".join(w["word"] for w in part).strip(),
            ))
            run = i
    for n, seg in enumerate(out):
        seg.id = str(n)
    return out
