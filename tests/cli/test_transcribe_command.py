"""`linguaflow transcribe`, the worker pod's entrypoint, run as a process."""

import json
import os
import subprocess
import sys
import uuid

from conftest import SAMPLE

CLI = os.path.join(os.path.dirname(sys.executable), "linguaflow")


def run(*args, env=None):
    return subprocess.run([CLI, "transcribe", *args], capture_output=True, text=True, env=env or os.environ, timeout=300)


def test_file_in_file_out_with_progress(tmp_path):
    out = tmp_path / "t.json"
    r = run("--input", str(SAMPLE), "--output", f"file://{out}", "--model", "tiny.en")
    assert r.returncode == 0, r.stderr[-2000:]
    doc = json.loads(out.read_text())
    assert "superlative degree" in " ".join(s["text"] for s in doc["segments"]).lower()
    assert doc["engine"] == "faster-whisper" and doc["model"] == "tiny.en" and doc["language"] == "en"
    assert "progress 100%" in r.stderr + r.stdout


def test_bad_input_exits_65(tmp_path):
    bad = tmp_path / "x.mp3"
    bad.write_text("not audio at all\n" * 10)
    r = run("--input", str(bad), "--output", f"file://{tmp_path}/o.json", "--model", "tiny.en")
    assert r.returncode == 65 and "BadInput" in r.stderr + r.stdout
    assert not (tmp_path / "o.json").exists()


def test_unreachable_storage_exits_as_unavailable(tmp_path):
    env = {**os.environ, "LINGUAFLOW_STORAGE_CONN_ID": "", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y",
           "AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_DEFAULT_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "1"}
    r = run("--input", "s3://nowhere/a.wav", "--output", f"file://{tmp_path}/o.json", env=env)
    assert r.returncode == 69, (r.returncode, r.stderr[-1500:])


def test_s3_in_and_out_with_sdk_credentials_like_the_pod(services, s3, bucket):
    """In the pod there is no Airflow connection: credentials and endpoint come from the secret's env."""
    key = f"inbox/{uuid.uuid4().hex}.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    env = {**os.environ, "LINGUAFLOW_STORAGE_CONN_ID": "", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_ENDPOINT_URL": services["LF_S3_ENDPOINT"], "AWS_DEFAULT_REGION": "us-east-1"}
    r = run("--input", f"s3://{bucket}/{key}", "--output", f"s3://{bucket}/work/pod/transcript.json", "--model", "tiny.en", env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    doc = json.loads(s3.get_object(Bucket=bucket, Key="work/pod/transcript.json")["Body"].read())
    assert "superlative" in doc["segments"][0]["text"]
