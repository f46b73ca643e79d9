"""SRT and WebVTT writers: one cue per segment, text wrapped to two lines of at most 42 chars."""

from __future__ import annotations

import textwrap

MAX_LINE = 42
MAX_LINES = 2


def timestamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def wrap(text: str, width: int = MAX_LINE) -> list[str]:
    """Wrap on spaces; text without spaces (Chinese, Japanese) is cut by characters."""
    text = " ".join(text.split())
    lines = textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False)
    if len(lines) > MAX_LINES:  # re-balance into MAX_LINES longer lines rather than drop text
        per = -(-len(text) // MAX_LINES)
        lines = textwrap.wrap(text, width=max(width, per + 8), break_long_words=True)
    return lines


def _cues(segments: list[dict], texts: dict[str, str]):
    """(start, end, lines) per non-empty segment, in time order, ends never before starts."""
    for seg in sorted(segments, key=lambda s: (s["start"], s["end"])):
        text = texts.get(seg["id"], "").strip()
        if text:
            yield seg["start"], max(seg["end"], seg["start"]), wrap(text)


def to_srt(segments: list[dict], texts: dict[str, str]) -> str:
    blocks = []
    for n, (start, end, lines) in enumerate(_cues(segments, texts), 1):
        blocks.append(f"{n}\n{timestamp(start, ',')} --> {timestamp(end, ',')}\n" + "\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def to_vtt(segments: list[dict], texts: dict[str, str]) -> str:
    blocks = ["WEBVTT"]
    for start, end, lines in _cues(segments, texts):
        blocks.append(f"{timestamp(start, '.')} --> {timestamp(end, '.')}\n" + "\n".join(lines))
    return "\n\n".join(blocks) + "\n"
