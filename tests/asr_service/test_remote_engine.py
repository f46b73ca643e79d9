"""The `remote` ASR engine: the media DAG transcribing through `linguaflow serve` (an Airflow
connection names it), and its failures in the retry table's classes."""

from __future__ import annotations

import json
import uuid

import pytest

from conftest import SAMPLE, free_port
from test_service import KEY, serving


@pytest.fixture(scope="module")
def asr(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("remote"), "remote", "--queue", "8") as served:
        yield served.url


def _connect(monkeypatch, url, key=KEY):
    monkeypatch.setenv("AIRFLOW_CONN_LINGUAFLOW_ASR", json.dumps({"conn_type": "http", "host": f"{url}/v1", "password": key}))
    monkeypatch.setenv("LINGUAFLOW_ASR_SERVICE_CONN_ID", "linguaflow_asr")


@pytest.mark.e2e
def test_media_dag_with_the_remote_engine(asr, monkeypatch, airflow_db, s3, bucket, store):
    import httpx

    from linguaflow.orchestration.embedded import run_dag
    from linguaflow.results.document import expand

    _connect(monkeypatch, asr)
    key = f"inbox/{uuid.uuid4().hex}.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    tid = f"remote-{uuid.uuid4().hex[:10]}"
    dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": ["de"], "asr_engine": "remote",
                  "asr_model": "whisper-1", "task_id": tid})
    assert str(dr.state).endswith("success"), dr.state
    doc = expand(store.get(tid))
    assert doc["status"] in ("done", "done_with_flags") and doc["source_language"] == "en"  # the test model may be flagged
    assert "superlative degree" in doc["languages"]["en"]["audio"]["0"].lower()
    assert doc["models"]["asr"] == "remote/whisper-1/remote" and doc["languages"]["de"]["status"] in ("done", "done_with_flags")
    assert doc["segments"][0]["end"] <= 4.1
    metrics = httpx.get(f"{asr}/metrics").text
    assert 'linguaflow_asr_requests_total{route="transcriptions",status="200"}' in metrics


def test_remote_failures_follow_the_retry_table(asr, monkeypatch, tmp_path):
    from linguaflow.errors import BadInput, ServiceUnavailable
    from linguaflow.speech import remote
    from linguaflow.speech.types import AsrOptions

    opts = AsrOptions(engine="remote", model="whisper-1")
    _connect(monkeypatch, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    with pytest.raises(ServiceUnavailable):
        remote.transcribe(str(SAMPLE), opts)
    _connect(monkeypatch, asr)
    bad = tmp_path / "x.wav"
    bad.write_bytes(b"RIFF not really a wave file" * 20)
    with pytest.raises(BadInput, match="400"):
        remote.transcribe(str(bad), opts)
    with pytest.raises(BadInput, match="not served"):
        remote.transcribe(str(SAMPLE), AsrOptions(engine="remote", model="large-v3"))
    _connect(monkeypatch, asr, key="wrong")
    with pytest.raises(BadInput, match="401"):
        remote.transcribe(str(SAMPLE), opts)
    _connect(monkeypatch, asr)
    t = remote.transcribe(str(SAMPLE), AsrOptions(engine="remote", model="tiny.en", word_timestamps=True, language="en"))
    assert t.language == "en" and "superlative" in t.text.lower() and t.segments[0].words



@pytest.mark.e2e
def test_service_killed_mid_request_the_task_is_retried_and_one_result_stored(monkeypatch, airflow_db, s3, bucket, store, tmp_path):
    """kill -9 of the service while it transcribes: the step fails as service_unavailable, is
    retried per the table (delays scaled down) against the service it fails over to, and one result
    is stored."""
    import os
    import signal
    import threading
    import time

    import httpx

    from linguaflow.orchestration.embedded import run_dag
    from linguaflow.results.document import expand
    from mediagen import repeated_speech

    monkeypatch.setenv("LINGUAFLOW_RETRY_DELAY_SCALE", "0.02")  # 5 min -> 6 s
    key = f"inbox/{uuid.uuid4().hex}.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=repeated_speech(SAMPLE, tmp_path / "minute.wav", 15).read_bytes())
    tid = f"remote-kill-{uuid.uuid4().hex[:8]}"
    # the service it fails over to is up and warm before the kill: a restart on the same port took
    # 5-8 s on a loaded 2-core machine, as long as the scaled retry delay, and a second refusal
    # made it three tries where the table means two
    with serving(tmp_path, "second") as second, serving(tmp_path, "first") as first:
        _connect(monkeypatch, first.url)
        killed = threading.Event()

        def kill_mid_request_and_fail_over():
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{first.url}/health", timeout=2).json()["running"] >= 1:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            # the connection names the other service before the kill, so the retry reaches it
            os.environ["AIRFLOW_CONN_LINGUAFLOW_ASR"] = json.dumps({"conn_type": "http", "host": f"{second.url}/v1",
                                                                    "password": KEY})
            os.killpg(first.proc.pid, signal.SIGKILL)
            first.proc.wait(timeout=30)
            killed.set()

        killer = threading.Thread(target=kill_mid_request_and_fail_over)
        killer.start()
        try:
            dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": [], "asr_engine": "remote",
                          "asr_model": "whisper-1", "task_id": tid})
        finally:
            killer.join(timeout=180)
        second_metrics = httpx.get(f"{second.url}/metrics", timeout=5).text
    assert killed.is_set(), "the service was never killed mid-request"
    assert str(dr.state).endswith("success"), dr.state
    from airflow import settings as airflow_settings
    from airflow.models.taskinstance import TaskInstance

    with airflow_settings.Session() as session:
        tries = {ti.task_id: ti.try_number for ti in session.query(TaskInstance).filter_by(dag_id=dr.dag_id, run_id=dr.run_id)}
    assert tries["transcribe"] == 2, tries
    assert 'linguaflow_asr_requests_total{route="transcriptions",status="200"} 1' in second_metrics, second_metrics
    doc = expand(store.get(tid))
    assert doc["status"] in ("done", "done_with_flags") and doc["languages"]["en"]["audio"]  # the repeated clip may flag repetition
    assert sum(1 for s in doc["segments"]) == len(doc["languages"]["en"]["audio"])  # one transcript, not two merged


def test_the_routing_table_picks_the_engine_per_language_then_model(monkeypatch):
    from linguaflow.errors import BadInput
    from linguaflow.speech.routing import route
    from linguaflow.speech.types import AsrOptions

    monkeypatch.setenv("LINGUAFLOW_ASR_ROUTES", json.dumps({
        "lang:ja": {"engine": "remote", "model": "large-v3"}, "base": {"engine": "remote", "fallback": False},
        "*": {"engine": "openai-whisper"}}))
    ja = route(AsrOptions(model="base", language="ja"))
    assert (ja.engine, ja.model, ja.fallback_model) == ("remote", "large-v3", "base")  # falls back to what was asked
    base = route(AsrOptions(model="base"))
    assert (base.engine, base.model, base.fallback_model) == ("remote", "base", None)
    assert route(AsrOptions(model="tiny.en")).engine == "openai-whisper"
    asked = AsrOptions(engine="openai-whisper", model="base", language="ja")  # another engine, named: as asked
    assert route(asked) is asked
    monkeypatch.setenv("LINGUAFLOW_ASR_ROUTES", json.dumps({"*": {"engine": "gpu-please"}}))
    with pytest.raises(BadInput, match="engine"):
        route(AsrOptions())


@pytest.mark.e2e
def test_routed_to_the_service_and_transcribed_here_when_it_is_down(asr, monkeypatch, airflow_db, s3, bucket, store):
    """Requests for the default engine go to the warm service by the routing table; with the
    service unreachable, the local fallback transcribes at once and says so in the result."""
    import httpx

    from linguaflow.orchestration.embedded import run_dag
    from linguaflow.results.document import expand

    def requests_served() -> float:
        line = [x for x in httpx.get(f"{asr}/metrics").text.splitlines()
                if x.startswith('linguaflow_asr_requests_total{route="transcriptions",status="200"}')]
        return float(line[0].rsplit(" ", 1)[1]) if line else 0.0

    monkeypatch.setenv("LINGUAFLOW_ASR_ROUTES", json.dumps({"base": {"engine": "remote", "model": "whisper-1"}}))
    key = f"inbox/{uuid.uuid4().hex}.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    _connect(monkeypatch, asr)
    before = requests_served()
    tid = f"routed-{uuid.uuid4().hex[:10]}"
    dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": [], "task_id": tid})  # asks for faster-whisper base
    assert str(dr.state).endswith("success"), dr.state
    assert expand(store.get(tid))["models"]["asr"] == "remote/whisper-1/remote" and requests_served() == before + 1

    _connect(monkeypatch, f"http://127.0.0.1:{free_port()}")  # the service is down
    tid = f"routed-{uuid.uuid4().hex[:10]}"
    dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": [], "task_id": tid})
    assert str(dr.state).endswith("success"), dr.state
    doc = expand(store.get(tid))
    assert doc["models"]["asr"].startswith("faster-whisper/base/")  # what really made it
    assert "superlative degree" in doc["languages"]["en"]["audio"]["0"].lower()
