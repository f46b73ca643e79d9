"""Human review before publishing, on the real pipeline (dag.test(): PostgreSQL, S3 server,
MongoDB-compatible store): flagged segments wait for a person; edits are published and recorded."""

import json
import threading
import time
import uuid

import pytest

from linguaflow import review, storage
from linguaflow.orchestration.review.answer import answer_while_running
from linguaflow.orchestration.embedded import run_dag
from linguaflow.results.document import expand

from conftest import SAMPLE
from llm_echo import echo_llm

pytestmark = pytest.mark.e2e


def _answer_when_asked(task_id: str, edit, seen: dict, stop: threading.Event, answered: threading.Event | None = None,
                       poll_s: float = 0.5) -> threading.Thread:
    """Answer the task's review from another thread, as a reviewer would once it opens, and go on
    watching until `stop` is set (as `linguaflow run --review` does): `seen["asked"]` counts the
    times the reviewer was asked."""

    def ask(body, fields):
        seen.update(body=body, fields=fields, asked=seen.get("asked", 0) + 1)
        return edit(fields)

    return answer_while_running(task_id, ask, "reviewer-1", stop, answered, poll_s)


@pytest.fixture
def echo_route(monkeypatch):
    """German goes to a backend that copies the English: every German item comes back flagged."""
    server = echo_llm()
    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({
        "de": {"backend": "openai", "model": "echo", "options": {"base_url": server.url("/v1")}}}))
    yield
    server.close()


def test_flagged_segments_wait_for_a_reviewer_whose_edits_are_published(airflow_db, s3, bucket, store, echo_route):
    key = f"inbox/{uuid.uuid4().hex}/arctic.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    tid = f"review-{uuid.uuid4().hex[:12]}"
    seen: dict = {}
    states = []

    def edit(fields):
        states.append(store.state(tid))  # while the review is open
        return {**fields, "de/A/0": "Und man will es immer im Superlativ sehen.", "xx/A/9": "no such item"}

    stop = threading.Event()
    answering = _answer_when_asked(tid, edit, seen, stop)
    dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": ["de"], "task_id": tid, "review": True,
                  "text_items": {"title": "A sentence about the superlative degree"}})
    stop.set()
    answering.join(5)
    assert str(dr.state) == "success"
    # the reviewer was shown what was flagged, beside its source, with the texts to edit
    assert set(seen["fields"]) == {"de/A/0", "de/T/title"} and seen["asked"] == 1
    assert "superlative degree" in seen["fields"]["de/A/0"].lower()  # the copy of the English, as stored
    assert "untranslated" in seen["body"] and "`de/A/0`" in seen["body"]
    assert states == ["awaiting_review"]

    doc = expand(store.get(tid))
    de = doc["languages"]["de"]
    assert de["audio"]["0"] == "Und man will es immer im Superlativ sehen."
    assert de["flags"] == {"title": ["untranslated"]}  # approved as it was: still flagged
    assert de["status"] == "done_with_flags" and doc["status"] == "done_with_flags"
    [edit_record] = doc["reviews"]
    assert edit_record["lang"] == "de" and edit_record["kind"] == "A" and edit_record["id"] == "0"
    assert edit_record["by"] == "reviewer-1" and edit_record["after"].startswith("Und man")
    assert "superlative degree" in edit_record["before"].lower() and edit_record["at"]

    # a later run of the task keeps the edit (recorded in object storage) and, review asked again,
    # does not ask about what was reviewed (edited or approved) as long as its text is unchanged:
    # what a retried review task relies on when Airflow fails the try that had the answer
    asked_again, stop = {}, threading.Event()
    answering = _answer_when_asked(tid, lambda fields: fields, asked_again, stop)
    dr2 = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": ["de"], "task_id": tid, "review": True,
                   "text_items": {"title": "A sentence about the superlative degree"}})
    stop.set()
    answering.join(5)
    assert str(dr2.state) == "success"
    assert asked_again == {}
    assert expand(store.get(tid))["languages"]["de"]["audio"]["0"].startswith("Und man")
    reviewed = storage.read_json(storage.work_uri(tid, "review.json"))["reviewed"]
    assert set(reviewed) == {"de/A/0", "de/T/title"} and reviewed["de/A/0"]["by"] == "reviewer-1"


def _fail_answered_reviews_still_parked() -> None:
    from airflow.models.hitl import HITLDetail
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from airflow.utils.state import TaskInstanceState
    from sqlalchemy import select

    with create_session() as session:
        for ti in session.scalars(select(TaskInstance).join(HITLDetail, HITLDetail.ti_id == TaskInstance.id).where(
                TaskInstance.state == TaskInstanceState.AWAITING_INPUT, HITLDetail.responded_at.is_not(None))):
            ti.state = TaskInstanceState.FAILED


def test_an_answer_given_while_the_review_is_being_parked_is_not_lost(airflow_db, s3, bucket, store, echo_route,
                                                                      monkeypatch, caplog):
    """dag.test() writes the review task's 'awaiting input' once more after the task's process has
    returned; an answer recorded in between was overwritten and the run waited for ever (CI at stop
    23, `linguaflow run --review` with its answer ready on stdin). Here the review's process returns
    only once the reviewer has answered, which puts the answer in that gap every time: the run
    ends, published with the edit, the reviewer asked once."""
    from airflow.sdk.execution_time import supervisor

    key = f"inbox/{uuid.uuid4().hex}/arctic.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    tid = f"review-{uuid.uuid4().hex[:12]}"
    answered, stop, seen = threading.Event(), threading.Event(), {}
    in_process = supervisor.run_task_in_process

    def returns_after_the_answer(ti, task):
        result = in_process(ti=ti, task=task)
        if ti.task_id == "review" and not answered.is_set():
            assert answered.wait(60), "the reviewer was never asked"
        return result

    monkeypatch.setattr(supervisor, "run_task_in_process", returns_after_the_answer)
    answering = _answer_when_asked(tid, lambda fields: {**fields, "de/A/0": "Und man will es immer im Superlativ sehen."},
                                   seen, stop, answered=answered, poll_s=0.05)
    watchdog = threading.Timer(180, _fail_answered_reviews_still_parked)  # the hang, ended as a failed run
    watchdog.start()
    try:
        dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": ["de"], "task_id": tid, "review": True})
    finally:
        watchdog.cancel()
        stop.set()
    answering.join(5)
    assert str(dr.state) == "success", "the run waited for a review that was answered"
    assert seen["asked"] == 1 and "parked again; resuming it with that answer" in caplog.text  # the gap was hit
    assert expand(store.get(tid))["languages"]["de"]["audio"]["0"] == "Und man will es immer im Superlativ sehen."


def test_nothing_flagged_or_no_review_asked_publishes_at_once(airflow_db, s3, bucket, store):
    key = f"inbox/{uuid.uuid4().hex}/arctic.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    tid = f"review-{uuid.uuid4().hex[:12]}"
    started = time.monotonic()
    dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": [], "task_id": tid, "review": True})
    assert str(dr.state) == "success" and time.monotonic() - started < 120
    assert expand(store.get(tid))["status"] == "done" and "reviews" not in expand(store.get(tid))


def test_a_review_records_only_what_it_asked_about(s3, bucket):
    """An answer is recorded against the items that review asked about: an item reviewed earlier
    with the same text keeps its first reviewer and is not edited by a later answer naming it; a
    text that changed since is asked about again."""
    tid = f"review-{uuid.uuid4().hex[:12]}"

    def item(i, text):
        return {"lang": "de", "kind": "A", "id": str(i), "text": text, "source": "en", "flags": ["untranslated"],
                "start": 0.0, "end": 1.0}

    first = {"de/A/0": item(0, "Guten Tag.")}
    assert review.save(tid, {}, first, "reviewer-1", "t1") == []  # approved as it was
    flagged = {**first, "de/A/1": item(1, "Good evening.")}
    assert review.unreviewed(tid, flagged) == {"de/A/1": flagged["de/A/1"]}
    made = review.save(tid, {"de/A/0": "Hallo.", "de/A/1": "Guten Abend."}, flagged, "reviewer-2", "t2")
    assert [(e["id"], e["after"], e["by"]) for e in made] == [("1", "Guten Abend.", "reviewer-2")]
    recorded = storage.read_json(storage.work_uri(tid, "review.json"))
    assert {k: v["by"] for k, v in recorded["reviewed"].items()} == {"de/A/0": "reviewer-1", "de/A/1": "reviewer-2"}
    assert [e["id"] for e in recorded["edits"]] == ["1"]
    assert review.unreviewed(tid, flagged) == {}
    changed = {**flagged, "de/A/0": item(0, "Guten Morgen.")}  # a new transcript, a new text
    assert set(review.unreviewed(tid, changed)) == {"de/A/0"}


def test_uncertain_speakers_are_offered_for_correction_and_naming(s3, bucket):
    """When the speaker count is uncertain, review offers each run of one speaker's segments (its
    number: write another to move the run) and each speaker's name; what a reviewer writes is
    checked, applied at packaging, and a person having checked the speakers clears the warning."""
    from linguaflow.artefacts import StoredTranscript, transcript_uri
    from linguaflow.pipeline import build_document
    from linguaflow.request import MediaRequest
    from linguaflow.speech.types import Segment, Transcript

    tid = f"review-{uuid.uuid4().hex[:12]}"
    said = [(1, "Good evening, front desk."), (1, "How can I help?"), (2, "One more night, please."), (1, "Of course.")]
    transcript = Transcript("en", 1.0, 8.0, "faster-whisper", "base", "int8",
                            [Segment(id=str(i), start=2.0 * i, end=2.0 * i + 1.5, text=t, speaker=k) for i, (k, t) in enumerate(said)],
                            speakers_doubt="3 or 2 speakers: the count was a close call")
    StoredTranscript(transcript).write(transcript_uri(tid))
    request = MediaRequest.parse({"media_uri": "s3://b/x.wav", "target_languages": [], "review": True, "diarize": True,
                                  "speaker_names": ["Front desk"]})
    items = review.flagged_items(tid, request)
    assert {k: v["text"] for k, v in items.items()} == {
        "en/S/0-1": "1", "en/S/2-2": "2", "en/S/3-3": "1", "en/N/1": "Front desk", "en/N/2": "Speaker 2"}
    assert items["en/S/0-1"]["source"] == "Good evening, front desk. How can I help?"
    assert "close call" in items["en/S/2-2"]["reason"] and "front desk" in review.body(items)
    assert "| `en/N/2` | speaker name |" in review.body(items)
    made = review.save(tid, {"en/S/3-3": "2", "en/S/2-2": "someone", "en/N/2": "  Guest ", "en/N/1": "<b>"},
                       items, "reviewer-1", "t1")
    assert sorted((e["id"], e["after"]) for e in made) == [("2", "Guest"), ("3-3", "2")]  # a number, a name: the rest left out

    media = {"uri": "s3://b/x.wav", "duration": 8.0}
    doc = build_document(tid, media, transcript, [], {}, speaker_names=request.speaker_names)
    assert doc["status"] == "done_with_flags" and doc["media"]["warnings"] == ["speakers_uncertain"]
    review.apply(doc, tid)
    assert [s["speaker"] for s in doc["segments"]] == [1, 1, 2, 2]
    assert doc["speaker_names"] == {"1": "Front desk", "2": "Guest"}
    assert doc["status"] == "done" and "warnings" not in doc["media"] and "speakers_doubt" not in doc["media"]
    assert {e["kind"] for e in doc["reviews"]} == {"S", "N"}
    from linguaflow.results import document, formats
    coded = document.compact(doc)
    assert coded["_sn"] == {"1": "Front desk", "2": "Guest"}
    vtt = formats.render(coded, "vtt", ["en"])
    assert "<v Front desk>Good evening, front desk." in vtt and "<v Guest>Of course." in vtt
    assert "Guest: One more night, please." in formats.render(coded, "srt", ["en"])
    assert "Front desk: How can I help?" in formats.render(coded, "text")


def test_an_edited_segment_loses_the_estimate_of_the_machine_text_it_replaced(s3, bucket):
    """A reviewer's text is not what the model estimated: the estimate goes with the flag; the
    other segments keep theirs."""
    tid = f"review-{uuid.uuid4().hex[:12]}"
    item = {"lang": "de", "kind": "A", "id": "0", "text": "Kannst du die Musik lauter machen?", "source": "Turn the music down.",
            "flags": ["low_quality"], "start": 0.0, "end": 1.0}
    review.save(tid, {"de/A/0": "Kannst du die Musik leiser machen?"}, {"de/A/0": item}, "reviewer", "t")
    doc = {"languages": {"de": {"status": "done_with_flags", "model": "m", "text": {},
                                "audio": {"0": "Kannst du die Musik lauter machen?", "1": "Danke."},
                                "flags": {"0": ["low_quality"]}, "reasons": {"0": "estimate 0.11, below 0.24"},
                                "quality": {"0": 0.11, "1": 0.8}}},
           "media": {"uri": "u", "duration": 1.0}, "status": "done_with_flags"}
    de = review.apply(doc, tid)["languages"]["de"]
    assert de["audio"]["0"] == "Kannst du die Musik leiser machen?" and de["quality"] == {"1": 0.8}
    assert de["status"] == "done" and "flags" not in de and "reasons" not in de and doc["status"] == "done"
