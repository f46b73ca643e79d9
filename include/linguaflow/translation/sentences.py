"""Whole sentences for translation: Whisper cuts sentences across segments, and a half sentence
translates badly (word order, verbs at the end in German, particles in Japanese). Consecutive
segments are joined into sentences, translated whole, and the translation is split back onto the
original segments in proportion to their share of the source, at word (or, for scripts without
spaces, character) boundaries — so segment ids and times, and the subtitles, stay as they were.
"""

from __future__ import annotations

import re

from ..privacy import redact

END = re.compile(r"[.!?。！？…]['\"”’)\]]*\s*$")
MAX_SEGMENTS = 4  # a run of segments without a sentence end is translated in pieces this long
MAX_CHARS = 400
_NO_SPACES = ("zh", "ja", "th", "lo", "km", "my", "yue")
_SOFT_BREAK = re.compile(r"[，、,;；：:]")


def join(segments: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Consecutive (id, text) segments grouped into sentences (a group ends at a sentence end)."""
    groups: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for seg in segments:
        if not seg[1].strip():  # an empty segment stays alone (and translates to nothing)
            groups += [current, [seg]] if current else [[seg]]
            current = []
            continue
        current.append(seg)
        if END.search(seg[1]) or len(current) >= MAX_SEGMENTS or len(joined_text(current)) >= MAX_CHARS:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def joined_text(group: list[tuple[str, str]]) -> str:
    return " ".join(t.strip() for _, t in group if t.strip())


def split_back(group: list[tuple[str, str]], translation: str, target: str) -> list[tuple[str, str]]:
    """A group's translation cut into one piece per segment, in proportion to the source lengths."""
    if len(group) == 1:
        return [(group[0][0], translation)]
    weights = [len(t.strip()) for _, t in group]
    total = sum(weights) or 1
    spaced = target not in _NO_SPACES
    units = translation.split() if spaced else _characters(translation.strip())
    out, start, acc = [], 0, 0
    for n, (seg_id, _) in enumerate(group):
        acc += weights[n]
        if n == len(group) - 1:
            end = len(units)
        else:
            end = _cut(units, round(len(units) * acc / total), start, spaced)
        piece = (" " if spaced else "").join(units[start:end]).strip()
        out.append((seg_id, piece))
        start = end
    return out


def _characters(text: str) -> list[str]:
    """A text without spaces in units to cut between: characters, but a redaction tag stays whole."""
    return re.findall(redact.TAG.pattern + r"|.", text, re.S)


def _cut(units: list[str], at: int, start: int, spaced: bool) -> int:
    """Where to end a piece near `at`: just after a comma-like mark within two units, else `at`."""
    at = max(start, min(at, len(units)))
    for delta in (0, 1, -1, 2, -2):
        k = at + delta
        if start < k <= len(units) and _SOFT_BREAK.search(units[k - 1][-1:] if units[k - 1] else ""):
            return k
    return at


def translate(translate_checked, audio: list[tuple[str, str]], others: list[tuple[str, str]], source: str, target: str,
              quality: dict | None = None, **kwargs):
    """`translate_checked` over whole sentences of `audio` (plus `others`, translated as they are);
    returns (audio items, other items, route name, {id: findings}) with the audio back on its
    segments. What the checks found in a sentence applies to each of its segments, and so does
    its quality estimate (filled into `quality`, when given)."""
    if source == target:  # the transcript itself: never re-cut
        return list(audio), list(others), "source", {}
    groups = join(audio)
    whole = [(g[0][0], joined_text(g)) for g in groups]
    estimated: dict = {}
    done, route, flags = translate_checked(whole + others, source, target, **kwargs,
                                           **({"quality": estimated} if quality is not None else {}))
    by_first = dict(done[: len(whole)])
    out_audio, out_flags = [], {}
    for g in groups:
        out_audio += split_back(g, by_first[g[0][0]], target)
        if g[0][0] in flags:
            out_flags.update({seg_id: flags[g[0][0]] for seg_id, _ in g})
        if g[0][0] in estimated:
            quality.update({seg_id: estimated[g[0][0]] for seg_id, _ in g})
    out_flags.update({i: f for i, f in flags.items() if i not in by_first})
    if quality is not None:
        quality.update({i: q for i, q in estimated.items() if i not in by_first})
    return out_audio, done[len(whole):], route, out_flags
