"""Integration against a running Airflow (processes on loopback, PostgreSQL metadata DB)."""

import os
import time
from datetime import datetime, timezone

import httpx
import pytest

from conftest import SAMPLE

pytestmark = pytest.mark.e2e


def wait_state(c: httpx.Client, task_id: str, states, timeout_s=400, predicate=None) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        st = c.get(f"/linguaflow/tasks/{task_id}").json()
        if st.get("state") in states or (predicate and predicate(st)):
            return st
        time.sleep(1)
    raise AssertionError(f"task {task_id} still {st} after {timeout_s} s")


def test_upload_run_and_fetch_the_result(stack):
    with stack.client() as c:
        assert httpx.post(f"{stack.url}/linguaflow/tasks", json={"media_uri": "s3://x/y.wav"}).status_code == 401
        r = c.post("/linguaflow/tasks/upload", files={"file": ("arctic.wav", SAMPLE.read_bytes())}, data={"target_languages": "de"})
        assert r.status_code == 201, r.text
        tid = r.json()["task_id"]
        st = wait_state(c, tid, {"done", "done_with_flags", "failed"})
        assert st["state"] == "done", st
        assert st["languages"] == {"en": "done", "de": "done"}
        doc = c.get(f"/linguaflow/tasks/{tid}/result", params={"format": "expanded"}).json()
        assert "superlative degree" in doc["languages"]["en"]["audio"]["0"].lower() and doc["languages"]["de"]["audio"]["0"]
        assert "-->" in c.get(f"/linguaflow/tasks/{tid}/result", params={"format": "vtt", "lang": "de"}).text
        bad = c.post("/linguaflow/tasks/upload", files={"file": ("../../x.wav", b"x")}, data={"target_languages": "de"})
        assert bad.status_code == 400


def test_cancel_mid_transcription(stack, tmp_path):
    import psutil

    from mediagen import five_minutes_of_speech

    long = five_minutes_of_speech(SAMPLE, tmp_path / "long.wav")
    with stack.client() as c:
        tid = c.post("/linguaflow/tasks/upload", files={"file": ("long.wav", long.read_bytes())}, data={"target_languages": "de"}).json()["task_id"]
        running = lambda st: any(s["step"] == "transcribe" and s["state"] == "running" for s in st["steps"])  # noqa: E731
        wait_state(c, tid, set(), predicate=running, timeout_s=300)
        ti = c.get(f"/api/v2/dags/linguaflow_media/dagRuns/{tid}/taskInstances/transcribe").json()
        pid = ti.get("pid")
        t0 = time.monotonic()
        assert c.post(f"/linguaflow/tasks/{tid}/cancel").json()["state"] == "cancelled"
        st = wait_state(c, tid, {"cancelled"}, timeout_s=30)
        steps = {s["step"]: s["state"] for s in st["steps"]}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and pid and psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
            time.sleep(0.5)
        assert not pid or not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, "transcription still running"
        assert steps.get("package") in ("skipped", "upstream_failed", None) and time.monotonic() - t0 < 90
        assert st["languages"].get("de") is None  # nothing was translated: no queued translation started
        # Airflow agrees: the run ends failed (not success after its teardown), with a note
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            run = c.get(f"/api/v2/dags/linguaflow_media/dagRuns/{tid}").json()
            notify = c.get(f"/api/v2/dags/linguaflow_media/dagRuns/{tid}/taskInstances/notify").json()
            if run["state"] in ("success", "failed") and notify.get("state") in ("success", "failed"):
                break
            time.sleep(1)
        assert run["state"] == "failed" and "cancelled through the task API by admin" in (run.get("note") or ""), run
        assert c.get(f"/linguaflow/tasks/{tid}").json()["state"] == "cancelled"


def test_backfill_over_two_days_processes_exactly_their_objects(stack):
    days = [datetime(2026, 11, d, 12, tzinfo=timezone.utc) for d in (10, 11, 12)]
    for n, when in enumerate(days):
        path = stack.inbox_dir / f"day{n}.wav"
        path.write_bytes(SAMPLE.read_bytes())
        os.utime(path, (when.timestamp(), when.timestamp()))
    with stack.client() as c:
        r = c.post("/api/v2/backfills", json={"dag_id": "linguaflow_inbox", "from_date": "2026-11-10T00:00:00Z",
                                              "to_date": "2026-11-11T00:00:00Z", "max_active_runs": 1})
        assert r.status_code == 200, r.text
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            runs = [x for x in c.get("/api/v2/dags/linguaflow_inbox/dagRuns").json()["dag_runs"] if x["run_type"] == "backfill"]
            if len(runs) >= 2 and all(x["state"] in ("success", "failed") for x in runs):
                break
            time.sleep(2)
        assert sorted(x["state"] for x in runs) == ["success", "success"], runs
        media = c.get("/api/v2/dags/linguaflow_media/dagRuns", params={"run_id_pattern": "inbox__%"}).json()["dag_runs"]
        uris = sorted(x["conf"]["media_uri"].rsplit("/", 1)[1] for x in media)
        assert uris == ["day0.wav", "day1.wav"]


def test_trigger_form_and_result_page_in_chromium(stack, s3, bucket):
    """Debian's Chromium driven by playwright-core: fill the media DAG's trigger form (Params with
    titles, a language multi-select), trigger, then open the run's result viewer page."""
    import json
    import subprocess
    import uuid

    from conftest import REPO

    browser = REPO / "tests" / "browser"
    shots = REPO / ".linguaflow" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    key = f"inbox/{uuid.uuid4().hex}.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    task_id = f"ui-{uuid.uuid4().hex[:10]}"
    r = subprocess.run(["node", "ui.mjs", stack.url, stack.token, f"s3://{bucket}/{key}", task_id, str(shots)],
                       cwd=browser, capture_output=True, text=True, timeout=180)
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert r.returncode == 0 and out.get("triggered"), out
    assert out["form"] == {"media": 1, "languages": 1, "engine": 1} and out["chips"].split() == ["zh", "ja", "de"]
    with stack.client() as c:
        deadline = time.monotonic() + 400
        while time.monotonic() < deadline:
            runs = [x for x in c.get("/api/v2/dags/linguaflow_media/dagRuns").json()["dag_runs"] if x["conf"].get("task_id") == task_id]
            if runs and runs[0]["state"] in ("success", "failed"):
                break
            time.sleep(2)
    assert runs[0]["state"] == "success" and runs[0]["conf"]["target_languages"] == ["zh", "ja", "de"]
    r = subprocess.run(["node", "view.mjs", stack.url, stack.token, runs[0]["dag_run_id"], str(shots / "result-page.png")],
                       cwd=browser, capture_output=True, text=True, timeout=120)
    page = json.loads(r.stdout.strip().splitlines()[-1])
    assert page["status"] == 200, page
    assert f"Task {task_id}" in page["text"] and "superlative degree" in page["text"]
    header = page["text"].split("time", 1)[1].split("\n")[0]
    assert header.split("\t")[1:] == ["en (source)"] and all(f"{lang}\n" in page["text"] for lang in ("de", "ja", "zh"))
