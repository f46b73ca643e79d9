"""The coded result document: compact (stored) <-> expanded (read) forms, exact inverses.

This is the only module that knows the codes. Everyone else speaks readable states
(`linguaflow.states`) and ISO language codes, and asks this module for the fields to write.

Stored shape, following the seed: `{<language code>: {<id>: {"A": text, "T": text}}}` where
A is text transcribed from the audio (keyed by segment id) and T a supplied text item (keyed
by item id). Metadata keys start with "_" so they never collide with language codes:

    _id task id       _v code-map version   _s task state code   _src source language code
    _t segment timings {id: [start, end]}, or [start, end, speaker] when speakers were labelled (1, 2...
        in order of first speech)   _m media {u: uri, d: declared duration; only with warnings: w their
        letters (t truncated, e decode errors, s speakers uncertain: the speaker count found may be wrong);
        with t or e: x seconds that decoded, n damaged packets; with s: sd why, in words}
    _e engines {"asr": ..., <code>: translation model}   _ls per-language state {code: code | "f:<reason>"}
    _c / _u created / updated (ISO 8601)      _err why the task failed (only when it did)
    _ref languages stored in object storage by reference {code: uri} (documents over 16 MiB)
    _f  flagged segments {code: {id: flag letters}} (only when there are any): u untranslated,
        w wrong language, r repetition, l low confidence, g a glossary term not rendered as asked,
        n no speech heard under the words, d a number, time or day lost or changed, p a name, code,
        e-mail or URL lost or altered, s words in another script, o far too short or too long, k words
        kept in the source language, x a negation added or lost, t a redaction tag lost or altered, q the
        quality estimate below the line (the model doubts the translation says what the source says)
    _fr why segments were flagged, in words {code: {id: reason}} (only where a check said)
    _q quality estimates of translated segments, in percent {code: {id: 0-100}} (only where estimated)
    _by who created the task (Airflow user name)   _tl requested target language codes
    _fl true when any segment was flagged (indexed for listing)   _run the Airflow run id (when it differs)
    _rq digest of what the request asked apart from its languages (a re-run asking the same is answered from the store)
    _lang segments spoken in another language than _src {id: language code} (only with mixed_languages,
        only the segments that differ); their text under _src is as spoken, translations are from their language
    _rv reviewers' edits [{l: language code, k: A|T|S|N, i: id, b: before, a: after, by: who, at: when}]; S: the
        speaker of the segments i ("first-last" ids), N: the name of speaker i
    _sn speaker names {speaker number: name} (only when the request or a reviewer named any)
    _rd what was redacted (only when the request asked): {k: types asked, y: n numbered | t type tags,
        r: [[type, segment id | "T:"item id, start s, end s (null in a text item)], ...], po: language codes searched by patterns only (no name model),
        a: URI of the audio with the spans bleeped (redact_audio), o: URI of the transcript as heard (keep_original;
        operators only)}; never the values
    _ra true from registration when the request asked redact_audio (until the package step writes the document
        whole): the media route plays nothing but the redacted copy, before it exists too
Optional fields (absent in older documents; no code changes meaning, so no new map version).

A deleted task leaves a tombstone `{_id, _del: when, _pend: true while its purge is unfinished}`:
nothing derived from the task, only what stops a late write from recreating it.

Code-map versions (every past version stays readable):
    v1  states r/d/f/c for the task, p/d/f:<reason> per language
    v2  adds q (queued), h (awaiting review), w (done with flags) for both; "p" becomes "q";
        adds `_f`, the flags of segments
    v3  adds the flag letters d (number), p (names), s (script), o (length), k (source words),
        x (negation) and `_fr`, their reasons
    v4  adds the media warning letter s (speakers uncertain) and `_m.sd`, its reason
    v5  adds the flag letter q (low quality: the estimate below its line) and `_q`, the estimates
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..languages import CODE_MAP_VERSION, language_code, language_of
from ..states import ENDED, STATES, SUCCEEDED, State  # noqa: F401 - the names this module codes

_STATE_CODES = {
    "queued": "q", "running": "r", "awaiting_review": "h", "done": "d", "done_with_flags": "w",
    "failed": "f", "cancelled": "c",
}
_STATE_BACK = {v: k for k, v in _STATE_CODES.items()} | {"p": "queued"}  # v1's "pending"
MEDIA_WARNING_CODES = {"truncated": "t", "decode_errors": "e", "speakers_uncertain": "s"}
_MEDIA_WARNING_BACK = {v: k for k, v in MEDIA_WARNING_CODES.items()}
MediaWarning = Literal["truncated", "decode_errors", "speakers_uncertain"]
_DAMAGE = ("truncated", "decode_errors")  # the warnings that come with decoded seconds and damaged packets
FLAG_CODES = {"untranslated": "u", "wrong_language": "w", "repetition": "r", "low_confidence": "l", "glossary": "g",
              "no_speech": "n", "number": "d", "names": "p", "script": "s", "length": "o",
              "source_words": "k", "negation": "x", "redaction": "t", "low_quality": "q"}
_FLAG_BACK = {v: k for k, v in FLAG_CODES.items()}
Flag = Literal["untranslated", "wrong_language", "repetition", "low_confidence", "glossary", "no_speech", "number", "names",
               "script", "length", "source_words", "negation", "redaction", "low_quality"]
_FAILED = "f:"

# field paths the store indexes, projects and updates
ID, STATE, MEDIA_URI, UPDATED, CREATED, REFS = "_id", "_s", "_m.u", "_u", "_c", "_ref"
SOURCE, TARGETS, CREATOR, FLAGGED, DELETED, PURGE_PENDING, RUN = "_src", "_tl", "_by", "_fl", "_del", "_pend", "_run"
AUDIO_ASKED = "_ra"
SUMMARY_FIELDS = ("_s", "_ls", "_m", "_u", "_c", "_err", "_v", "_src", "_tl", "_by", "_fl")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class SegmentTiming(_Strict):
    id: str
    start: float
    end: float
    speaker: int | None = None  # diarized tasks: 1, 2... in order of first speech
    language: str | None = None  # spoken in another language than the task's source language


class LanguageResult(_Strict):
    status: State
    model: str | None
    audio: dict[str, str]  # segment id -> text (kind A)
    text: dict[str, str]  # text item id -> text (kind T)
    error: str | None = None
    flags: dict[str, list[Flag]] = {}  # segment or item id -> what is wrong with it (absent: nothing)
    reasons: dict[str, str] = {}  # flagged segment or item id -> why, in words (where a check said)
    quality: dict[str, float] = {}  # segment or item id -> quality estimate 0-1, two decimals (where estimated)


class ReviewEdit(_Strict):
    """One item a reviewer changed before the result was published."""

    lang: str
    kind: Literal["A", "T", "S", "N"]  # a segment's or text item's text; a run of segments' speaker; a speaker's name
    id: str
    before: str
    after: str
    by: str | None
    at: str


class RedactedSpan(_Strict):
    """One piece of personal data replaced by a tag: what it was and where, never its value."""

    type: str
    segment: str  # a segment id, or "T:<item id>" for a supplied text item
    start: float | None  # when it was said (None in a text item)
    end: float | None


class Redaction(_Strict):
    types: list[str]  # what the request asked to redact
    style: Literal["numbered", "type"]
    found: list[RedactedSpan]
    patterns_only: list[str] = []  # spoken languages the name model does not cover: names and places not searched
    audio: str | None = None  # the copy of the audio with the spans bleeped (redact_audio), played instead of the media
    original: str | None = None  # the transcript as heard, kept for operators (keep_original)


class Media(_Strict):
    uri: str
    duration: float  # as the container declares it
    warnings: list[MediaWarning] = []  # what is wrong with the media or what was heard in it (absent: nothing)
    decoded_duration: float | None = None  # with truncated/decode_errors: the seconds that really decoded
    decode_errors: int = 0  # with truncated/decode_errors: damaged packets skipped
    speakers_doubt: str | None = None  # with speakers_uncertain: why the speaker count found may be wrong


class ResultDocument(_Strict):
    """The expanded (readable) result; `compact()` validates against it before coding."""

    task_id: str
    code_map_version: int
    status: State
    source_language: str | None
    media: Media
    segments: list[SegmentTiming]
    models: dict[str, str | None]
    languages: dict[str, LanguageResult]
    created: str
    updated: str
    error: str | None = None
    created_by: str | None = None
    target_languages: list[str] | None = None
    request_digest: str | None = None
    reviews: list[ReviewEdit] | None = None
    redaction: Redaction | None = None
    speaker_names: dict[str, str] | None = None  # speaker number ("1", "2"...) -> the name the request or a reviewer gave


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def is_language_key(key: str) -> bool:
    return key[:1].isdigit()


def compact_language(entry: dict) -> dict:
    """Expanded language entry {"audio": {id: text}, "text": {id: text}} -> {id: {"A":..,"T":..}}."""
    out: dict[str, dict[str, str]] = {}
    for sid, text in entry.get("audio", {}).items():
        out.setdefault(sid, {})["A"] = text
    for tid, text in entry.get("text", {}).items():
        out.setdefault(tid, {})["T"] = text
    return out


def _language_state_code(state: str, error: str | None = None) -> str:
    return _FAILED + (error or "") if state == "failed" else _STATE_CODES[state]


def _language_state(code: str) -> tuple[str, str | None]:
    return ("failed", code[len(_FAILED):]) if code.startswith(_FAILED) else (_STATE_BACK[code], None)


def compact(doc: dict) -> dict:
    """Expanded document -> stored coded document."""
    ResultDocument.model_validate(doc)
    v = doc["code_map_version"]
    out = {
        "_id": doc["task_id"],
        "_v": v,
        "_s": _STATE_CODES[doc["status"]],
        "_src": language_code(doc["source_language"], v) if doc.get("source_language") else None,
        "_m": _compact_media(doc["media"]),
        "_t": {s["id"]: [s["start"], s["end"]] + ([s["speaker"]] if s.get("speaker") else []) for s in doc["segments"]},
        "_e": {"asr": doc["models"].get("asr")},
        "_ls": {},
        "_c": doc["created"],
        "_u": doc["updated"],
    }
    if doc.get("error") is not None:
        out["_err"] = doc["error"]
    if doc.get("created_by") is not None:
        out["_by"] = doc["created_by"]
    if doc.get("request_digest") is not None:
        out["_rq"] = doc["request_digest"]
    if doc.get("target_languages") is not None:
        out["_tl"] = [language_code(lang, v) for lang in doc["target_languages"]]
    spoken = {s["id"]: language_code(s["language"], v) for s in doc["segments"] if s.get("language")}
    if spoken:
        out["_lang"] = spoken
    if doc.get("reviews"):
        out["_rv"] = [{"l": language_code(e["lang"], v), "k": e["kind"], "i": e["id"], "b": e["before"], "a": e["after"],
                       "by": e["by"], "at": e["at"]} for e in doc["reviews"]]
    if doc.get("speaker_names"):
        out["_sn"] = dict(doc["speaker_names"])
    if doc.get("redaction"):
        rd = doc["redaction"]
        out["_rd"] = {"k": list(rd["types"]), "y": rd["style"][0],
                      "r": [[f["type"], f["segment"], f["start"], f["end"]] for f in rd["found"]]}
        if rd.get("patterns_only"):
            out["_rd"]["po"] = [language_code(lang, v) for lang in rd["patterns_only"]]
        if rd.get("audio"):
            out["_rd"]["a"] = rd["audio"]
        if rd.get("original"):
            out["_rd"]["o"] = rd["original"]
    for lang, entry in doc["languages"].items():
        code = language_code(lang, v)
        out[code] = compact_language(entry)
        out["_ls"][code] = _language_state_code(entry["status"], entry.get("error"))
        if entry.get("model") is not None:
            out["_e"][code] = entry["model"]
        if entry.get("flags"):
            out.setdefault("_f", {})[code] = _flag_codes(entry["flags"])
        if entry.get("reasons"):
            out.setdefault("_fr", {})[code] = dict(entry["reasons"])
        if entry.get("quality"):
            out.setdefault("_q", {})[code] = _percent(entry["quality"])
    if any(out.get("_f", {}).values()) or out["_m"].get("w"):
        out["_fl"] = True
    return out


def _compact_media(media: dict) -> dict:
    out = {"u": media["uri"], "d": media["duration"]}
    warnings = media.get("warnings") or []
    if warnings:
        out["w"] = "".join(MEDIA_WARNING_CODES[w] for w in warnings)
    if any(w in _DAMAGE for w in warnings):
        out["x"] = media.get("decoded_duration")
        out["n"] = media.get("decode_errors", 0)
    if "speakers_uncertain" in warnings:
        out["sd"] = media.get("speakers_doubt")
    return out


def _expand_media(m: dict) -> dict:
    out = {"uri": m["u"], "duration": m.get("d", 0.0)}
    warnings = [_MEDIA_WARNING_BACK[c] for c in m.get("w", "")]
    if warnings:
        out["warnings"] = warnings
    if any(w in _DAMAGE for w in warnings):
        out.update(decoded_duration=m.get("x"), decode_errors=m.get("n", 0))
    if "speakers_uncertain" in warnings:
        out["speakers_doubt"] = m.get("sd")
    return out


def _percent(quality: dict[str, float]) -> dict[str, int]:
    return {i: round(100 * q) for i, q in quality.items()}


def _flag_codes(flags: dict[str, list[str]]) -> dict[str, str]:
    return {i: "".join(FLAG_CODES[f] for f in names) for i, names in flags.items() if names}


def _flag_names(codes: dict[str, str]) -> dict[str, list[str]]:
    return {i: [_FLAG_BACK[c] for c in letters] for i, letters in codes.items()}


def skeleton() -> dict:
    """The fields every stored document has, for a partial write that creates one (a failure
    recorded before anything else was stored)."""
    return {"_v": CODE_MAP_VERSION, "_s": _STATE_CODES["running"], "_src": None, "_m": {"u": "", "d": 0.0},
            "_t": {}, "_e": {"asr": None}, "_ls": {}}


def expand(coded: dict) -> dict:
    """Stored coded document (any code-map version) -> readable document.

    Partial documents written by v1 code (a failure recorded before anything else) lack the
    skeleton's fields; they read as the skeleton of v1."""
    coded = {**skeleton(), "_v": 1, **coded}
    v = coded["_v"]
    languages = {}
    for code, state_code in coded.get("_ls", {}).items():
        items = coded.get(code, {})
        state, error = _language_state(state_code)
        entry = {
            "status": state,
            "model": coded["_e"].get(code),
            "audio": {i: t["A"] for i, t in items.items() if "A" in t},
            "text": {i: t["T"] for i, t in items.items() if "T" in t},
        }
        if error is not None:
            entry["error"] = error
        if coded.get("_f", {}).get(code):
            entry["flags"] = _flag_names(coded["_f"][code])
        if coded.get("_fr", {}).get(code):
            entry["reasons"] = dict(coded["_fr"][code])
        if coded.get("_q", {}).get(code):
            entry["quality"] = {i: p / 100 for i, p in coded["_q"][code].items()}
        languages[language_of(code, v)] = entry
    out = {
        "task_id": coded["_id"],
        "code_map_version": v,
        "status": _STATE_BACK[coded["_s"]],
        "source_language": language_of(coded["_src"], v) if coded.get("_src") else None,
        "media": _expand_media(coded["_m"]),
        "segments": [{"id": i, "start": t[0], "end": t[1], **({"speaker": t[2]} if len(t) > 2 else {}),
                      **({"language": language_of(coded["_lang"][i], v)} if i in coded.get("_lang", {}) else {})}
                     for i, t in coded["_t"].items()],
        "models": {"asr": coded["_e"].get("asr")},
        "languages": languages,
        "created": coded["_c"],
        "updated": coded["_u"],
    }
    if "_err" in coded:
        out["error"] = coded["_err"]
    if "_by" in coded:
        out["created_by"] = coded["_by"]
    if "_tl" in coded:
        out["target_languages"] = [language_of(c, v) for c in coded["_tl"]]
    if "_rq" in coded:
        out["request_digest"] = coded["_rq"]
    if coded.get("_rd"):
        rd = coded["_rd"]
        out["redaction"] = {"types": list(rd["k"]), "style": {"n": "numbered", "t": "type"}[rd["y"]],
                            "found": [{"type": t, "segment": i, "start": a, "end": b} for t, i, a, b in rd["r"]],
                            "patterns_only": [language_of(c, v) for c in rd.get("po", [])], **({"audio": rd["a"]} if "a" in rd else {}),
                            **({"original": rd["o"]} if "o" in rd else {})}
    if coded.get("_rv"):
        out["reviews"] = [{"lang": language_of(e["l"], v), "kind": e["k"], "id": e["i"], "before": e["b"], "after": e["a"],
                           "by": e["by"], "at": e["at"]} for e in coded["_rv"]]
    if coded.get("_sn"):
        out["speaker_names"] = dict(coded["_sn"])
    return out


# -- readable views and the fields a writer sets (so no other module spells a code) ---------------


def state_of(coded: dict | None) -> str | None:
    """The task's readable state as stored, or None when there is no (state in the) document."""
    code = (coded or {}).get("_s")
    return _STATE_BACK.get(code) if code else None


def error_of(coded: dict | None) -> str | None:
    """Why the task failed, if it did."""
    return (coded or {}).get("_err")


def _stored_languages(coded: dict | None):
    """(ISO language, readable state, failure reason or None) per language of a stored document."""
    v = (coded or {}).get("_v", CODE_MAP_VERSION)
    for code, state_code in ((coded or {}).get("_ls") or {}).items():
        yield (language_of(code, v), *_language_state(state_code))


def redacted_audio(coded: dict | None) -> str | None:
    """The URI of the task's audio with the redacted spans bleeped, when it has one."""
    return ((coded or {}).get("_rd") or {}).get("a")


def bleeped_audio_pending(coded: dict | None) -> bool:
    """The request asked for the audio redacted and the copy is not made yet (the media must not
    play meanwhile)."""
    return bool((coded or {}).get(AUDIO_ASKED)) and not redacted_audio(coded)


def original_transcript(coded: dict | None) -> str | None:
    """The URI of the task's transcript as heard, when the request kept it (keep_original)."""
    return ((coded or {}).get("_rd") or {}).get("o")


def language_states(coded: dict | None) -> dict[str, str]:
    """{ISO language: readable state} of a stored document."""
    return {lang: state for lang, state, _ in _stored_languages(coded)}


def language_models(coded: dict | None) -> dict[str, str]:
    """{ISO language: the route or model that made it} of a stored document (the spoken one: the ASR's)."""
    v = (coded or {}).get("_v", CODE_MAP_VERSION)
    return {language_of(code, v): model for code, model in ((coded or {}).get("_e") or {}).items()
            if code != "asr" and model}


def language_errors(coded: dict | None) -> dict[str, str]:
    """{ISO language: why it failed} for the failed languages of a stored document."""
    return {lang: error or "" for lang, state, error in _stored_languages(coded) if state == "failed"}


def summary(coded: dict) -> dict:
    """A stored document's readable summary: state, media, languages, who created it, times."""
    v = coded.get("_v", CODE_MAP_VERSION)
    return {
        "task_id": coded["_id"],
        "status": state_of(coded) or "running",
        "media": (coded.get("_m") or {}).get("u"),
        "source_language": language_of(coded["_src"], v) if coded.get("_src") else None,
        "target_languages": [language_of(c, v) for c in coded.get("_tl") or []],
        "languages": language_states(coded),
        "flagged": bool(coded.get("_fl")),
        "error": error_of(coded),
        "created_by": coded.get("_by"),
        "created": coded.get("_c"),
        "updated": coded.get("_u"),
    }


def registration_fields(media_uri: str, targets: list[str], run_id: str | None = None, bleeped: bool = False) -> dict:
    """$set fields that record a task when it is created (before any step ran)."""
    fields = {"_m.u": media_uri, "_tl": [language_code(lang) for lang in targets]}
    if run_id:
        fields["_run"] = run_id
    if bleeped:
        fields[AUDIO_ASKED] = True
    return fields


def queued_state() -> dict:
    """The state a document created by registration starts in."""
    return {"_s": _STATE_CODES["queued"]}


def tombstone(when: str) -> dict:
    """What is left of a deleted task (the purge still to finish)."""
    return {DELETED: when, PURGE_PENDING: True}


def is_tombstone(coded: dict | None) -> bool:
    return bool(coded) and DELETED in coded


def state_code(state: str) -> str:
    """The stored code of a readable task state (for queries)."""
    return _STATE_CODES[state]


def language_key(lang: str) -> str:
    """The stored key of a language's texts."""
    return language_code(lang)


def language_fields(lang: str, items: dict, state: str, model: str | None, flags: dict | None = None,
                    reasons: dict | None = None, quality: dict | None = None) -> dict:
    """$set fields that store one language's coded items, state, model, flagged segments and why,
    and its quality estimates."""
    code = language_code(lang)
    fields = {code: items, f"_ls.{code}": _language_state_code(state), f"_e.{code}": model, f"_f.{code}": _flag_codes(flags or {}),
              f"_fr.{code}": dict(reasons or {}), f"_q.{code}": _percent(quality or {})}
    if any(flags.values() if flags else ()):
        fields["_fl"] = True
    return fields


def language_flags(coded: dict | None) -> dict[str, dict[str, list[str]]]:
    """{ISO language: {segment or item id: flags}} of a stored document."""
    if not coded:
        return {}
    v = coded.get("_v", CODE_MAP_VERSION)
    return {language_of(c, v): _flag_names(f) for c, f in (coded.get("_f") or {}).items() if f}


def flagged_shares(coded: dict | None) -> dict[str, dict[str, int]]:
    """{ISO language: {"flagged": n, "items": of how many}} for the languages with flagged items."""
    if not coded:
        return {}
    v = coded.get("_v", CODE_MAP_VERSION)
    return {language_of(c, v): {"flagged": len(f), "items": len(coded.get(c) or {}) or len(f)}
            for c, f in (coded.get("_f") or {}).items() if f}


def quality_summaries(coded: dict | None) -> dict[str, dict]:
    """{ISO language: {"estimated": n, "low_quality": how many flagged below the line, "mean": 0-1}}
    for the languages with quality estimates."""
    if not coded:
        return {}
    v = coded.get("_v", CODE_MAP_VERSION)
    flags = coded.get("_f") or {}
    return {language_of(c, v): {"estimated": len(q), "low_quality": sum(FLAG_CODES["low_quality"] in f for f in flags.get(c, {}).values()),
                                "mean": round(sum(q.values()) / len(q) / 100, 2)}
            for c, q in (coded.get("_q") or {}).items() if q}


def language_reasons(coded: dict | None) -> dict[str, dict[str, str]]:
    """{ISO language: {segment or item id: why it was flagged}} of a stored document."""
    if not coded:
        return {}
    v = coded.get("_v", CODE_MAP_VERSION)
    return {language_of(c, v): dict(r) for c, r in (coded.get("_fr") or {}).items() if r}


def language_failed_fields(lang: str, reason: str) -> dict:
    code = language_code(lang)
    return {f"_ls.{code}": _language_state_code("failed", reason)}


def task_state_fields(state: str, error: str | None = None) -> dict:
    fields = {"_s": _STATE_CODES[state]}
    if error is not None:
        fields["_err"] = error
    return fields


def merge_fields(coded: dict) -> dict:
    """$set fields of a partial coded document: per-language maps merged key by key."""
    update = {k: v for k, v in coded.items() if k not in ("_id", "_c", "_u", "_ls", "_e", "_f", "_fr", "_by", "_tl", "_run", "_rq")}
    for nested in ("_ls", "_e", "_f", "_fr"):
        update.update({f"{nested}.{k}": v for k, v in coded.get(nested, {}).items()})
    return update
