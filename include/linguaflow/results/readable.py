"""The plain-text form of a result, for a person at a terminal or in a text file.

Languages and states by name (`German (de)`, `done with flags`), never by code; one block per
language, one line per segment with its time; flagged segments marked with what is wrong.
"""

from __future__ import annotations

import functools
from .subtitles import speaker_name


@functools.cache
def language_name(lang: str) -> str:
    """`de` -> `German`; a code babel does not know stays as it is."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse({"jw": "jv"}.get(lang, lang)).get_display_name("en") or lang
    except (UnknownLocaleError, ValueError):
        return lang


def state_name(state: str) -> str:
    return state.replace("_", " ")


def _clock(seconds: float) -> str:
    m, s = divmod(max(0.0, seconds), 60)
    h, m = divmod(int(m), 60)
    return f"{h}:{m:02d}:{s:04.1f}" if h else f"{m:02d}:{s:04.1f}"


def media_warning(media: dict) -> str:
    """What is wrong with the media, in words (the expanded document's `media`)."""
    said = []
    if "truncated" in media.get("warnings", []):
        said.append(f"the media is truncated: {media.get('decoded_duration') or 0:.1f} s of its {media['duration']:.1f} s decoded")
    if "decode_errors" in media.get("warnings", []):
        said.append(f"{media.get('decode_errors', 0)} damaged part(s) of the media could not be decoded and were skipped")
    if "speakers_uncertain" in media.get("warnings", []):
        said.append(f"the speaker labels may be wrong: {media.get('speakers_doubt') or 'the count was uncertain'} "
                    "(give the number of speakers to be sure)")
    return "; ".join(said)


def to_text(doc: dict, langs: list[str] | None = None) -> str:
    """An expanded document (`document.expand`) as text: a header, then each language asked for
    (default: all, the spoken one first)."""
    source = doc.get("source_language")
    order = sorted(doc["languages"], key=lambda lang: (lang != source, lang))
    chosen = [lang for lang in order if langs is None or lang in langs]
    media = doc.get("media") or {}
    lines = [f"task {doc['task_id']}: {state_name(doc['status'])}"
             + (f", spoken {language_name(source)}" if source else "")
             + (f", {media.get('duration', 0.0):.1f} s of media" if media.get("duration") else "")]
    if doc.get("error"):
        lines.append(f"error: {doc['error']}")
    if media.get("warnings"):
        lines.append(f"warning: {media_warning(media)}")
    if doc.get("redaction"):
        lines.append(redaction_summary(doc["redaction"]))
    for lang in chosen:
        entry = doc["languages"][lang]
        role = "transcript" if lang == source else "translation"
        head = f"{language_name(lang)} ({lang}) {role}: {state_name(entry['status'])}"
        if entry.get("error"):
            head += f" ({entry['error']})"
        lines += ["", head]
        flags, reasons, quality = entry.get("flags") or {}, entry.get("reasons") or {}, entry.get("quality") or {}
        if quality:
            lines[-1] += f" — quality estimate {mean_quality(entry):.2f} on average"
        for seg in doc["segments"]:
            text = entry["audio"].get(seg["id"])
            if text is None:
                continue
            mark = f"  (estimate {quality[seg['id']]:.2f})" if seg["id"] in quality else ""
            if seg["id"] in flags:
                why = f": {reasons[seg['id']]}" if seg["id"] in reasons else ""
                mark = f"  [{', '.join(f.replace('_', ' ') for f in flags[seg['id']])}{why}]"
            who = f"{speaker_name(seg['speaker'], doc.get('speaker_names'))}: " if seg.get("speaker") else ""
            if lang == source and seg.get("language"):
                who += f"({language_name(seg['language'])}) "
            lines.append(f"[{_clock(seg['start'])} → {_clock(seg['end'])}] {who}{text}{mark}")
        for item_id, text in sorted(entry.get("text", {}).items()):
            lines.append(f"{item_id}: {text}")
    return "\n".join(lines) + "\n"


def mean_quality(entry: dict) -> float | None:
    """A language's mean quality estimate over its estimated segments (None: not estimated)."""
    quality = entry.get("quality") or {}
    return sum(quality.values()) / len(quality) if quality else None


def redaction_summary(redaction: dict) -> str:
    """"redacted: 2 person, 1 phone (the audio too); names not searched in German (patterns only)"."""
    counts: dict[str, int] = {}
    for found in redaction.get("found", []):
        counts[found["type"]] = counts.get(found["type"], 0) + 1
    text = "redacted: " + (", ".join(f"{n} {kind}" for kind, n in counts.items()) or "nothing found")
    if redaction.get("audio"):
        text += " (the audio too)"
    if redaction.get("patterns_only"):
        text += "; names not searched in " + ", ".join(language_name(lang) for lang in redaction["patterns_only"]) + " (patterns only)"
    return text
