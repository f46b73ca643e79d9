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
    runs = _runs(labels)
    for i in range(1, len(runs) - 1):
        if runs[i][1] < MIN_RUN_WORDS and runs[i - 1][0] == runs[i + 1][0]:
            runs[i] = (runs[i - 1][0], runs[i][1])
    runs = _runs([k for k, n in runs for _ in range(n)])
    if len(runs) > 1 and runs[0][1] < MIN_RUN_WORDS:
        runs[0] = (runs[1][0], runs[0][1])
    if len(runs) > 1 and runs[-1][1] < MIN_RUN_WORDS:
        runs[-1] = (runs[-2][0], runs[-1][1])
    return [k for k, n in runs for _ in range(n)]


def _runs(labels: list[int]) -> list[tuple[int, int]]:
    """(label, length) of each run of equal labels."""
    runs: list[tuple[int, int]] = []
    for k in labels:
        if runs and runs[-1][0] == k:
            runs[-1] = (k, runs[-1][1] + 1)
        else:
            runs.append((k, 1))
    return runs


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
