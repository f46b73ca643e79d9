"""Human review before publishing: what ASR or translation flagged goes to a person before
`package` writes the result (request field `review`).

The review is an Airflow human-in-the-loop task (`SegmentReviewOperator`): answered in the
Airflow UI (Required actions), over the REST API (`PATCH …/hitlDetails`), or in the terminal by
`linguaflow run --review` (`answer_while_running`). A HITL form's fields are fixed when the DAG is parsed, so
the review has one JSON field, `edits` ({"<language>/<A|T>/<id>": text}), opened with the flagged
items' current texts; the body lists them beside their source. Edits are kept in object storage
(`work/<task>/review.json`), so a later run of the task keeps them, and each one is recorded in
the result (who, when, before, after); an edited item loses its flags. What was reviewed (edited or
approved as it stood) is kept there too: an item is asked about once, and again only when its text
has changed since (a new transcript or translation). So a retried review task that finds its
answer applied publishes instead of asking again (Airflow 3.3.2 can fail a review resumed within a
second of parking into a retry, and clears the answer when the retry opens its request).

The Airflow task is `review.operator`; this module is what it, `package` and the CLI share.
"""

from __future__ import annotations

import logging
import threading

from .. import storage

log = logging.getLogger(__name__)

EDITS = "edits"
PUBLISH = "Publish"
KINDS = {"A": "audio", "T": "text"}  # the seed's item kinds: transcribed audio, supplied text
MAX_EDIT_CHARS = 4000


def item_key(lang: str, kind: str, item_id: str) -> str:
    return f"{lang}/{kind}/{item_id}"


def _review_uri(task_id: str) -> str:
    return storage.work_uri(task_id, "review.json")


def flagged_items(task_id: str, request: dict) -> dict[str, dict]:
    """The items to review: {key: {lang, kind, id, text, source, flags, start, end}}, the
    transcript's flagged segments first, then each language's, in segment order."""
    transcript = storage.read_json(storage.work_uri(task_id, "transcript.json"))
    source_lang = transcript["language"]
    segments = {s["id"]: s for s in transcript["segments"]}
    out: dict[str, dict] = {}

    def add(lang, kind, item_id, text, source, flags):
        seg = segments.get(item_id, {}) if kind == "A" else {}
        out[item_key(lang, kind, item_id)] = {"lang": lang, "kind": kind, "id": item_id, "text": text, "source": source,
                                              "flags": list(flags), "start": seg.get("start"), "end": seg.get("end")}

    for seg in transcript["segments"]:
        if seg.get("flags"):
            add(source_lang, "A", seg["id"], seg["text"], seg["text"], seg["flags"])
    for lang in request["target_languages"]:
        uri = storage.work_uri(task_id, "translations", f"{lang}.json")
        if lang == source_lang or not storage.exists(uri):
            continue
        tr = storage.read_json(uri)
        for item_id, flags in (tr.get("flags") or {}).items():
            if item_id in tr["audio"]:
                add(lang, "A", item_id, tr["audio"][item_id], segments.get(item_id, {}).get("text", ""), flags)
            elif item_id in tr["text"]:
                add(lang, "T", item_id, tr["text"][item_id], request["text_items"].get(item_id, ""), flags)
    return out


def body(items: dict[str, dict]) -> str:
    """The review's Markdown body: one row per flagged item."""
    rows = ["| item | time | flags | source | now |", "|---|---|---|---|---|"]
    for key, it in items.items():
        when = f"{it['start']:.1f}–{it['end']:.1f} s" if it["start"] is not None else "text item"
        cells = [f"`{key}`", when, ", ".join(it["flags"]), it["source"], it["text"]]
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
        entry = doc["languages"].get(edit["lang"])
        texts = (entry or {}).get(KINDS[edit["kind"]], {})
        if texts.get(edit["id"]) != edit["before"]:
            continue  # made on a text that has changed since (a new transcript): stale
        texts[edit["id"]] = edit["after"]
        entry.get("flags", {}).pop(edit["id"], None)
        applied.append(edit)
    for entry in doc["languages"].values():
        if entry.get("flags") == {}:
            del entry["flags"]
        if entry["status"] == "done_with_flags" and not entry.get("flags"):
            entry["status"] = "done"
    if doc["status"] == "done_with_flags" and not any(e.get("flags") for e in doc["languages"].values()):
        doc["status"] = "done"
    if applied:
        doc["reviews"] = applied
    return doc


def answer_while_running(task_id: str, answer_edits, by: str, stop: threading.Event,
                         answered: threading.Event | None = None, poll_s: float = 0.5,
                         name: str = "review-answer") -> threading.Thread:
    """A thread that answers the task's review (`respond`) once it opens and goes on watching
    until `stop` is set, for a run in this process (`dag.test()`); `answered` is set once an
    answer is recorded. A failed look (a busy metadata DB) is tried again on the next turn.

    It watches past the answer because dag.test() writes the review task's 'awaiting input' once
    more after the task's process returns: an answer recorded in that gap (a reviewer at the
    ready, a slow machine) leaves the task parked with its answer given, which `respond` resumes.
    And it loads Airflow's models here, before the thread starts: SQLAlchemy configures mappers
    under one global lock, and Airflow's hook on it imports every model module, so a thread whose
    first query configures them while this one imports a model (dag.test() importing the DagBag)
    waits on that module's import lock, holding the mapper lock the import waits on, and both hang
    for good (`linguaflow run --review`: 11 of 15 runs on a ready home)."""
    from airflow.models import import_all_models
    from sqlalchemy.orm import configure_mappers

    import_all_models()
    configure_mappers()

    def watch() -> None:
        while not stop.wait(poll_s):
            try:
                if respond(task_id, answer_edits, by) and answered is not None:
                    answered.set()
            except Exception:  # noqa: BLE001 - a busy metadata DB: look again on the next turn
                log.warning("looking for the open review of %s failed; trying again", task_id, exc_info=True)

    thread = threading.Thread(target=watch, name=name, daemon=True)
    thread.start()
    return thread


def respond(task_id: str, answer_edits, by: str, dag_id: str = "linguaflow_media") -> bool:
    """Answer a task's open review from this process, as the Airflow API does for the UI: record
    the response and put the review task back to be scheduled. `answer_edits(body, edits)` gets
    the review's body and fields and returns the edits. False when no review is open (yet). A
    review answered but parked again (see `answer_while_running`, which calls this) is resumed
    with its recorded answer, without asking again (True)."""
    from airflow.models.dagrun import DagRun
    from airflow.models.hitl import HITLDetail, HITLUser
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.trigger import handle_event_submit
    from airflow.sdk import timezone
    from airflow.triggers.base import TriggerEvent
    from airflow.utils.session import create_session
    from airflow.utils.state import TaskInstanceState
    from sqlalchemy import select

    from ..request import task_id_of

    with create_session() as session:
        rows = session.execute(
            select(TaskInstance, HITLDetail, DagRun.conf)
            .join(HITLDetail, HITLDetail.ti_id == TaskInstance.id)
            .join(DagRun, (DagRun.dag_id == TaskInstance.dag_id) & (DagRun.run_id == TaskInstance.run_id))
            .where(TaskInstance.dag_id == dag_id, TaskInstance.state == TaskInstanceState.AWAITING_INPUT)
        ).all()
        found = [(ti, detail) for ti, detail, conf in rows if task_id_of(conf or {}, ti.run_id) == task_id]
        if not found:
            return False
        ti, detail = found[0]
        if detail.responded_at is None:
            fields = (detail.params or {}).get(EDITS, {})
            edits = answer_edits(detail.body or "", dict(fields.get("value") or {}))
            detail.responded_by = HITLUser(id=by, name=by)
            detail.responded_at = timezone.utcnow()
            detail.chosen_options = [PUBLISH]
            detail.params_input = {EDITS: edits}
            session.add(detail)
        else:
            log.warning("the review of %s was answered at %s yet its task is parked again; resuming it with that answer",
                        task_id, detail.responded_at)
        handle_event_submit(TriggerEvent(detail.as_resume_event_payload()), task_instance=ti, session=session)
    return True
