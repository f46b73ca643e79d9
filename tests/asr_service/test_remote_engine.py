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
    with serving(tmp_path_factory.mktemp("remote"), "remote", "--queue", "8") as url:
        yield url


def _connect(monkeypatch, url, key=KEY):
    monkeypatch.setenv("AIRFLOW_CONN_LINGUAFLOW_ASR", json.dumps({"conn_type": "http", "host": f"{url}/v1", "password": key}))
    monkeypatch.setenv("LINGUAFLOW_ASR_SERVICE_CONN_ID", "linguaflow_asr")


@pytest.mark.e2e
def test_media_dag_with_the_remote_engine(asr, monkeypatch, airflow_db, s3, bucket, store):
    import httpx

    from linguaflow.embedded import run_dag
    from linguaflow.results.document import expand

    _connect(monkeypatch, asr)
    key = f"inbox/{uuid.uuid4().hex}.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    tid = f"remote-{uuid.uuid4().hex[:10]}"
    dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": ["de"], "asr_engine": "remote",
                  "asr_model": "whisper-1", "task_id": tid})
    assert str(dr.state).endswith("success"), dr.state
    doc = expand(store.get(tid))
    assert doc["status"] == "done" and doc["source_language"] == "en"
    assert "superlative degree" in doc["languages"]["en"]["audio"]["0"].lower()
    assert doc["models"]["asr"] == "remote/whisper-1/remote" and doc["languages"]["de"]["status"] == "done"
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
