"""SRT and WebVTT writers that people can read.

A cue holds at most two lines of 42 columns (CJK characters count two columns, by display width)
and is shown at no more than 17 columns per second where the timing allows. A segment too long
for that is re-split into several cues at sentence ends, then clause marks, then words (or
characters, for text without spaces), each given a share of the segment's time in proportion to
its length; a cue still too fast borrows the silence before the next segment. No text is dropped.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LINE = 42  # columns per line
MAX_LINES = 2
MAX_CPS = 17.0  # columns per second
_SENTENCE = re.compile(r"(?<=[.!?。！？…])\s*")
_CLAUSE = re.compile(r"(?<=[,;:，、；：])\s*")


def timestamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def width(text: str) -> int:
    """Display columns: wide and full-width characters (CJK) take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _join(a: str, b: str) -> str:
    """Join two pieces of one text: with a space between words, without between CJK."""
    if not a or not b:
        return a + b
    if width(a[-1]) == 2 or width(b[0]) == 2:
        return a + b
    return f"{a} {b}"


def _atoms(text: str) -> list[str]:
    """The smallest pieces a line or cue may be cut between: words, and in text without spaces
    (CJK) single characters, with punctuation kept on the character before it."""
    atoms: list[str] = []
    for word in text.split():
        if not any(width(c) == 2 for c in word):
            atoms.append(word)
            continue
        start, run = len(atoms), ""
        for c in word:
            if _is_punct(c) and (run or len(atoms) > start):
                if run:
                    run += c
                else:
                    atoms[-1] += c
            elif width(c) == 2:
                if run:
                    atoms.append(run)
                    run = ""
                atoms.append(c)
            else:
                run += c  # a Latin word or a number inside CJK text stays whole
        if run:
            atoms.append(run)
    return atoms


def _is_punct(c: str) -> bool:
    return unicodedata.category(c).startswith("P")


def _pack(atoms: list[str], limit: int) -> list[str]:
    """Greedy: atoms into pieces of at most `limit` columns (an atom longer than that stands alone)."""
    pieces, current = [], ""
    for atom in atoms:
        candidate = _join(current, atom)
        if current and width(candidate) > limit:
            pieces.append(current)
            candidate = atom
        current = candidate
    return pieces + ([current] if current else [])


def wrap(text: str, limit: int = MAX_LINE) -> list[str]:
    """One cue's text on at most two balanced lines of `limit` columns, when it fits in them."""
    text = " ".join(text.split())
    if width(text) <= limit:
        return [text]
    atoms = _atoms(text)
    best = None
    for cut in range(1, len(atoms)):  # the most balanced cut whose lines fit
        first, second = _pack(atoms[:cut], 10**9)[0], _pack(atoms[cut:], 10**9)[0]
        score = (max(width(first), width(second)) > limit, abs(width(first) - width(second)))
        if best is None or score < best[0]:
            best = (score, [first, second])
    if best is None or best[0][0]:  # does not fit two lines: as many full lines as it takes
        return _pack(atoms, limit)
    return best[1]


def _chunks(text: str, limit: int) -> list[str]:
    """Split text into pieces of at most `limit` columns: at sentence ends, clause marks, words."""
    if width(text) <= limit:
        return [text]
    for pattern in (_SENTENCE, _CLAUSE):
        parts = [p for p in pattern.split(text) if p.strip()]
        if len(parts) > 1:
            out = []
            for part in parts:
                out.extend(_chunks(part.strip(), limit))
            return _pack_chunks(out, limit)
    return _pack(_atoms(text), limit)


def _two_lines(chunk: str) -> list[str]:
    """A chunk whose words do not wrap into two lines becomes several cues of two full lines."""
    if len(wrap(chunk)) <= MAX_LINES:
        return [chunk]
    lines = _pack(_atoms(chunk), MAX_LINE)
    return [_join(*lines[i : i + 2]) if len(lines[i : i + 2]) == 2 else lines[i] for i in range(0, len(lines), 2)]


def _pack_chunks(chunks: list[str], limit: int) -> list[str]:
    """Put neighbouring short chunks back together while they fit."""
    out: list[str] = []
    for chunk in chunks:
        if out and width(_join(out[-1], chunk)) <= limit:
            out[-1] = _join(out[-1], chunk)
        else:
            out.append(chunk)
    return out


def numbered_names(names: list[str], heard: list[int]) -> dict[str, str]:
    """{"1": the first name, ...}: names given in order of first speech, for the speakers heard."""
    return {str(n): name for n, name in enumerate(names, 1) if n in heard}


def speaker_name(speaker: int, names: dict[str, str] | None = None) -> str:
    """The name the request or a reviewer gave speaker N (1, 2... in order of first speech), else "Speaker N"."""
    return (names or {}).get(str(speaker)) or f"Speaker {speaker}"


def _cues(segments: list[dict], texts: dict[str, str], name_speakers: bool = False, names: dict[str, str] | None = None):
    """(start, end, lines, speaker or None) per cue, in time order, never overlapping;
    `name_speakers`: a segment's text starts with its speaker's name where the speaker changes."""
    segs = [s for s in sorted(segments, key=lambda s: (s["start"], s["end"])) if texts.get(s["id"], "").strip()]
    for n, seg in enumerate(segs):
        text = " ".join(texts[seg["id"]].split())
        speaker = seg.get("speaker")
        if name_speakers and speaker and (n == 0 or segs[n - 1].get("speaker") != speaker):
            text = f"{speaker_name(speaker, names)}: {text}"
        start, end = seg["start"], max(seg["end"], seg["start"])
        next_start = segs[n + 1]["start"] if n + 1 < len(segs) else end + 3.0
        total = width(text)
        # enough cues that each fits two lines, sharing the time by length
        pieces = [cue for chunk in _chunks(text, MAX_LINE * MAX_LINES) for cue in _two_lines(chunk)]
        span = end - start
        if total / max(span, 1e-3) > MAX_CPS and next_start > end:  # too fast: borrow the silence after
            span = min(next_start - start, total / MAX_CPS)
        widths = [width(p) for p in pieces]
        at = start
        for piece, piece_width in zip(pieces, widths):
            share = span * piece_width / sum(widths)
            yield round(at, 3), round(at + share, 3), wrap(piece), speaker
            at += share


def to_srt(segments: list[dict], texts: dict[str, str], names: dict[str, str] | None = None) -> str:
    """SubRip; with speakers, a segment starts with "Speaker N: " (or the speaker's name) where the speaker changes."""
    blocks = []
    for n, (start, end, lines, _) in enumerate(_cues(segments, texts, name_speakers=True, names=names), 1):
        blocks.append(f"{n}\n{timestamp(start, ',')} --> {timestamp(end, ',')}\n" + "\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def to_vtt(segments: list[dict], texts: dict[str, str], names: dict[str, str] | None = None) -> str:
    """WebVTT; with speakers, each cue in a voice span (`<v Speaker 1>`, or `<v Anna>` when named)."""
    blocks = ["WEBVTT"]
    for start, end, lines, speaker in _cues(segments, texts):
        voice = f"<v {speaker_name(speaker, names)}>" if speaker else ""
        blocks.append(f"{timestamp(start, '.')} --> {timestamp(end, '.')}\n{voice}" + "\n".join(lines))
    return "\n\n".join(blocks) + "\n"
