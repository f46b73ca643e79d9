"""What the embedded `run` changes in dag.test() to cut its fixed cost (bench/cli_overhead_bench.py
measures the gain; tests/cli/test_run.py runs the whole command with them): the in-process task
execution API built for the Task SDK's one API version, idle polls of 50 ms, and no-op steps
marked done without starting them."""

from __future__ import annotations

import time
from types import SimpleNamespace

import httpx

from linguaflow.orchestration import embedded


def test_the_in_process_api_serves_the_sdk_version_alone():
    from airflow.api_fastapi.execution_api import versions
    from airflow.api_fastapi.execution_api.app import InProcessExecutionAPI
    from airflow.sdk.api.datamodels._generated import API_VERSION

    assert embedded.serve_only_the_sdk_api_version()
    assert [v.value for v in versions.bundle.versions] == [API_VERSION]
    assert embedded.serve_only_the_sdk_api_version()  # a second call changes nothing
    from airflow.api_fastapi.execution_api.routes import execution_api_router

    assert not [r for r in execution_api_router.routes if embedded.OLDER_VERSIONS_ONLY in getattr(r, "tags", ())]
    client = httpx.Client(transport=InProcessExecutionAPI().transport, base_url="http://in-process.invalid/")
    assert client.get("/health", headers={"airflow-api-version": API_VERSION}).status_code == 200


def test_only_steps_with_nothing_to_do_are_marked_done():
    assert embedded.no_op_steps({"media_uri": "file:///a.wav"}) == "review|notify"
    assert embedded.no_op_steps({"review": True}) == "notify"
    assert embedded.no_op_steps({"callback_url": "https://example.com/hook"}) == "review"
    assert embedded.no_op_steps({"review": True, "callback_url": "https://example.com/hook"}) is None


def test_short_polls_leave_every_other_sleep_alone():
    real = time.sleep
    with embedded.short_idle_polls():
        assert time.sleep is not real
        began = time.perf_counter()
        time.sleep(0.2)  # not dag.test's idle poll: its full length
        assert time.perf_counter() - began >= 0.2
    assert time.sleep is real


def test_polls_are_short_only_while_the_next_pass_has_tasks_to_evaluate():
    fresh = [SimpleNamespace(state=None), SimpleNamespace(state=None)]
    assert embedded._only_unevaluated({"ids_unrunnable": fresh})
    # a retry's delay (or anything else with a state) keeps dag.test()'s 1 s polls
    assert not embedded._only_unevaluated({"ids_unrunnable": [*fresh, SimpleNamespace(state="up_for_retry")]})
    assert not embedded._only_unevaluated({"ids_unrunnable": []})


def _transcribe_step(req, events):
    from linguaflow import pipeline, progress

    with progress.listening(lambda step, what, data: events.append((step, what, data))):
        out = pipeline.transcribe_step(req.task_id, {"uri": req.media_uri, "duration": 4.0}, pipeline.asr_options(req))
    return out, next(data for step, what, data in events if (step, what) == ("transcribe", "done"))


def test_an_early_transcription_is_waited_for_and_reused_by_the_step(tmp_path, monkeypatch):
    from linguaflow import pipeline
    from linguaflow.artefacts import StoredTranscript
    from linguaflow.request import MediaRequest

    from conftest import SAMPLE, SAMPLE_TEXT

    monkeypatch.setenv("LINGUAFLOW_WORK_ROOT", f"file://{tmp_path}")
    monkeypatch.setenv("LINGUAFLOW_LOCAL_MEDIA_ROOTS", str(SAMPLE.parent))
    req = MediaRequest.parse({"media_uri": f"file://{SAMPLE}", "task_id": "early-1", "asr_model": "tiny.en"})
    assert pipeline.transcribe_early(req)
    out, done = _transcribe_step(req, [])
    assert done["early_s"] > 0 and "reused" not in done  # the thread's transcript, not a second one
    assert SAMPLE_TEXT in StoredTranscript.read(out).transcript.segments[0].text.lower().strip(" .")
    assert pipeline.transcribe_early(req)  # the same request again: found stored, said "reused"
    assert "early_s" not in _transcribe_step(req, [])[1]
    # media outside the allowed roots is never read early: probe refuses it in its turn
    monkeypatch.setenv("LINGUAFLOW_LOCAL_MEDIA_ROOTS", str(tmp_path / "elsewhere"))
    assert not pipeline.transcribe_early(req)


def test_an_early_transcription_that_fails_leaves_the_step_to_fail_with_its_reason(tmp_path, monkeypatch):
    import pytest

    from linguaflow import pipeline
    from linguaflow.errors import BadInput
    from linguaflow.request import MediaRequest

    monkeypatch.setenv("LINGUAFLOW_WORK_ROOT", f"file://{tmp_path}")
    monkeypatch.setenv("LINGUAFLOW_LOCAL_MEDIA_ROOTS", str(tmp_path))
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF not really a wave file" * 10)
    req = MediaRequest.parse({"media_uri": f"file://{broken}", "task_id": "early-2", "asr_model": "tiny.en"})
    assert pipeline.transcribe_early(req)
    events = []
    with pytest.raises(BadInput):
        _transcribe_step(req, events)
    assert [what for step, what, _ in events if step == "transcribe"] == ["start", "failed"]
