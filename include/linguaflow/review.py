"""Human review before publishing: what ASR or translation flagged goes to a person before
`package` writes the result (request field `review`).

The review is an Airflow human-in-the-loop task (`SegmentReviewOperator`): answered in the
Airflow UI (Required actions), over the REST API (`PATCH …/hitlDetails`), or in the terminal by
`linguaflow run --review`. A HITL form's fields are fixed when the DAG is parsed, so
the review has one JSON field, `edits` ({"<language>/<A|T>/<id>": text}), opened with the flagged
items' current texts; the body lists them beside their source. Edits are kept in object storage
(`work/<task>/review.json`), so a later run of the task keeps them, and each one is recorded in
the result (who, when, before, after); an edited item loses its flags. What was reviewed (edited or
approved as it stood) is kept there too: an item is asked about once, and again only when its text
has changed since (a new transcript or translation). So a retried review task that finds its
answer applied publishes instead of asking again (Airflow 3.3.2 can fail a review resumed within a
second of parking into a retry, and clears the answer when the retry opens its request).

The Airflow task, its in-process answering and the API server's settling live in
`linguaflow.orchestration.review`; this module is what they, `package` and the CLI share, and it
knows nothing of Airflow.
"""

from __future__ import annotations

import logging

from . import storage
from .request import MediaRequest, speaker_name_ok
from .results.subtitles import numbered_names, speaker_name
from .speech.diarize import MAX_SPEAKERS
from .speech.speakers import runs
from .artefacts import StoredTranscript, Translation, transcript_uri, translation_uri

log = logging.getLogger(__name__)

EDITS = "edits"
PUBLISH = "Publish"
KINDS = {"A": "audio", "T": "text"}  # the seed's item kinds: transcribed audio, supplied text
SPEAKER, NAME = "S", "N"  # when the speaker count is uncertain: a run of segments' speaker number, a speaker's name
MAX_EDIT_CHARS = 4000


def item_key(lang: str, kind: str, item_id: str) -> str:
    return f"{lang}/{kind}/{item_id}"


REVIEW_FILE = "review.json"


def _review_uri(task_id: str) -> str:
    return storage.work_uri(task_id, REVIEW_FILE)


def flagged_items(task_id: str, request: MediaRequest) -> dict[str, dict]:
    """The items to review: {key: {lang, kind, id, text, source, flags, reason, start, end}}, the
    transcript's flagged segments first, then each language's, in segment order."""
    stored = StoredTranscript.read(transcript_uri(task_id))
    transcript, text_items = stored.transcript, stored.text_items_or(request.text_items)
    source_lang = transcript.language
    segments = {s.id: s for s in transcript.segments}
    out: dict[str, dict] = {}

    def add(lang, kind, item_id, text, source, flags, reason=""):
        seg = segments.get(item_id) if kind == "A" else None
        out[item_key(lang, kind, item_id)] = {"lang": lang, "kind": kind, "id": item_id, "text": text, "source": source,
                                              "flags": list(flags), "reason": reason, "start": seg.start if seg else None,
                                              "end": seg.end if seg else None}

    for seg in transcript.segments:
        if seg.flags:
            add(source_lang, "A", seg.id, seg.text, seg.text, seg.flags)
    if transcript.speakers_doubt:
        out.update(_speaker_items(transcript, source_lang, request.speaker_names))
    for lang in request.target_languages:
        tr = None if lang == source_lang else Translation.read_if_there(translation_uri(task_id, lang))
        if tr is None:
            continue
        for item_id, flags in tr.flags.items():
            reason = tr.reasons.get(item_id, "")
            if item_id in tr.audio:
                add(lang, "A", item_id, tr.audio[item_id], segments[item_id].text if item_id in segments else "", flags, reason)
            elif item_id in tr.text:
                add(lang, "T", item_id, tr.text[item_id], text_items.get(item_id, ""), flags, reason)
    return out


def _speaker_items(transcript, lang: str, names: list[str]) -> dict[str, dict]:
    """The speaker labels to correct: each run of segments of one speaker (its number; write
    another speaker's number to move the run), then each speaker's name (write a name)."""
    out, at = {}, 0
    reason = f"speakers uncertain: {transcript.speakers_doubt}"
    for speaker, length in runs([s.speaker for s in transcript.segments]):
        run, at = transcript.segments[at:at + length], at + length
        if not speaker:
            continue
        said = " ".join(s.text for s in run)
        run_id = f"{run[0].id}-{run[-1].id}"
        out[item_key(lang, SPEAKER, run_id)] = {
            "lang": lang, "kind": SPEAKER, "id": run_id, "text": str(run[0].speaker),
            "source": said if len(said) <= 200 else said[:199] + "…", "flags": ["speakers_uncertain"],
            "reason": reason + " (write another speaker's number to move these segments)", "start": run[0].start,
            "end": run[-1].end}
    named = numbered_names(names, transcript.speakers)
    for n in transcript.speakers:
        out[item_key(lang, NAME, str(n))] = {
            "lang": lang, "kind": NAME, "id": str(n), "text": speaker_name(n, named),
            "source": "", "flags": ["speakers_uncertain"], "reason": f"the name of speaker {n}", "start": None, "end": None}
    return out


def _valid(it: dict, after: str) -> bool:
    """A speaker run takes a speaker number, a name a name; text items any text."""
    if it["kind"] == SPEAKER:
        return after.isdigit() and 1 <= int(after) <= MAX_SPEAKERS
    if it["kind"] == NAME:
        return speaker_name_ok(after)
    return True


def body(items: dict[str, dict]) -> str:
    """The review's Markdown body: one row per flagged item."""
    rows = ["| item | time | flags | why | source | now |", "|---|---|---|---|---|---|"]
    for key, it in items.items():
        when = (f"{it['start']:.1f}–{it['end']:.1f} s" if it["start"] is not None
                else "speaker name" if it["kind"] == NAME else "text item")
        cells = [f"`{key}`", when, ", ".join(it["flags"]), it.get("reason", ""), it["source"], it["text"]]
        rows.append("| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return (f"{len(items)} item(s) were flagged. Edit their text in **{EDITS}** (keys as in the table; "
            "leave a text as it is to approve it), then choose Publish.\n\n" + "\n".join(rows))


def save(task_id: str, edits: dict, flagged: dict[str, dict], by: str | None, at: str) -> list[dict]:
    """Record a reviewer's edits (those that change a text) of the flagged items under review (those
    not reviewed before as they read now) in object storage, merged with earlier reviews of the
    task; the edits recorded now. Keys that name no item under review are logged and left out (the
    reviewer's typo never fails the run)."""
    uri = _review_uri(task_id)
    earlier = storage.read_json(uri) if storage.exists(uri) else {}
    items = _not_reviewed(flagged, earlier.get("reviewed", {}))
    made = []
    for key, after in (edits or {}).items():
        it = items.get(key)
        if it is None or not isinstance(after, str):
            log.warning("review of %s: %r names no item under review (or is not text); left out", task_id, key)
            continue
        after = after.strip()[:MAX_EDIT_CHARS]
        if after and it["kind"] in (SPEAKER, NAME):
            after = " ".join(after.split())
        if after and not _valid(it, after):
            log.warning("review of %s: %r is not a speaker %s; left out", task_id, after,
                        "number" if it["kind"] == SPEAKER else "name")
            continue
        if after and after != it["text"]:
            made.append({"lang": it["lang"], "kind": it["kind"], "id": it["id"], "before": it["text"], "after": after,
                         "by": by, "at": at})
    now_keys = {(e["lang"], e["kind"], e["id"]) for e in made}
    merged = [e for e in earlier.get("edits", []) if (e["lang"], e["kind"], e["id"]) not in now_keys] + made
    reviewed = {**earlier.get("reviewed", {}), **{key: {"text": it["text"], "by": by, "at": at} for key, it in items.items()}}
    storage.write_json(uri, {"edits": merged, "reviewed": reviewed})
    log.info("review of %s by %s: %d edit(s) of %d item(s)", task_id, by, len(made), len(items))
    return made


def unreviewed(task_id: str, items: dict[str, dict]) -> dict[str, dict]:
    """The items no one has reviewed yet as they now read."""
    uri = _review_uri(task_id)
    return _not_reviewed(items, storage.read_json(uri).get("reviewed", {}) if storage.exists(uri) else {})


def _not_reviewed(items: dict[str, dict], reviewed: dict[str, dict]) -> dict[str, dict]:
    """An earlier review of the same text, edited or approved, counts; a text that has changed
    since is asked about again."""
    return {key: it for key, it in items.items() if reviewed.get(key, {}).get("text") != it["text"]}


def apply(doc: dict, task_id: str) -> dict:
    """Put a task's recorded edits into its expanded result document (in place): an edit whose
    `before` is still the text there replaces it and clears its flags; the edits applied go to
    `reviews`, and the states follow the flags that remain."""
    uri = _review_uri(task_id)
    if not storage.exists(uri):
        return doc
    applied = []
    for edit in storage.read_json(uri)["edits"]:
        if edit["kind"] in (SPEAKER, NAME):
            if _apply_speaker_edit(doc, edit):
                applied.append(edit)
            continue
        entry = doc["languages"].get(edit["lang"])
        texts = (entry or {}).get(KINDS[edit["kind"]], {})
        if texts.get(edit["id"]) != edit["before"]:
            continue  # made on a text that has changed since (a new transcript): stale
        texts[edit["id"]] = edit["after"]
        entry.get("flags", {}).pop(edit["id"], None)
        entry.get("reasons", {}).pop(edit["id"], None)
        entry.get("quality", {}).pop(edit["id"], None)  # an estimate of the machine's text, not the reviewer's
        applied.append(edit)
    for entry in doc["languages"].values():
        for key in ("flags", "reasons", "quality"):
            if entry.get(key) == {}:
                del entry[key]
        if entry["status"] == "done_with_flags" and not entry.get("flags"):
            entry["status"] = "done"
    if any(e["kind"] in (SPEAKER, NAME) for e in applied):  # a person has checked the speakers
        media = doc["media"]
        media["warnings"] = [w for w in media.get("warnings", []) if w != "speakers_uncertain"]
        media.pop("speakers_doubt", None)
        if not media["warnings"]:
            del media["warnings"]
    if (doc["status"] == "done_with_flags" and not any(e.get("flags") for e in doc["languages"].values())
            and not doc["media"].get("warnings")):
        doc["status"] = "done"
    if applied:
        doc["reviews"] = applied
    return doc


def _apply_speaker_edit(doc: dict, edit: dict) -> bool:
    """A run of segments moved to another speaker, or a speaker named; False when the document no
    longer reads as the edit saw it (a new transcript)."""
    if edit["kind"] == NAME:
        names = doc.get("speaker_names") or {}
        if speaker_name(int(edit["id"]), names) != edit["before"]:
            return False
        doc["speaker_names"] = {**names, edit["id"]: edit["after"]}
        return True
    first, last = (int(i) for i in edit["id"].split("-"))
    run = [s for s in doc["segments"] if s["id"].isdigit() and first <= int(s["id"]) <= last]
    if not run or any(s.get("speaker") != int(edit["before"]) for s in run):
        return False
    for s in run:
        s["speaker"] = int(edit["after"])
    return True
