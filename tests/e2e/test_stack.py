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
        assert st["state"] in ("done", "done_with_flags"), st  # the small test model's German may be flagged,
        assert st["languages"]["en"] == "done" and st["languages"]["de"] in ("done", "done_with_flags")
        assert set(st["flag_reasons"].get("de", {})) == set(st["flags"].get("de", {}))  # and then says why
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


def test_trigger_form_and_result_page_in_chromium(stack, s3, bucket, screenshots):
    """Debian's Chromium driven by playwright-core: fill the media DAG's trigger form (Params with
    titles, a language multi-select), trigger, then open the run's result viewer page."""
    import json
    import subprocess
    import uuid

    from conftest import REPO

    browser = REPO / "tests" / "browser"
    shots = screenshots
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
            newest = c.get("/api/v2/dags/linguaflow_media/dagRuns", params={"order_by": "-id", "limit": 20}).json()["dag_runs"]
            runs = [x for x in newest if x["conf"].get("task_id") == task_id]  # the session's runs pass the first page's 50
            if runs and runs[0]["state"] in ("success", "failed"):
                break
            time.sleep(2)
    assert runs[0]["state"] == "success" and runs[0]["conf"]["target_languages"] == ["zh", "ja", "de"]
    r = subprocess.run(["node", "view.mjs", stack.url, stack.token, runs[0]["dag_run_id"], str(shots / "result-page.png")],
                       cwd=browser, capture_output=True, text=True, timeout=120)
    page = json.loads(r.stdout.strip().splitlines()[-1])
    assert page["status"] == 200, page
    assert f"Task {task_id}" in page["text"] and "superlative degree" in page["text"]
    assert "English (spoken)" in page["text"] and all(name in page["text"] for name in ("German", "Japanese", "Chinese"))


def test_viewer_plays_highlights_and_seeks_in_chromium(stack, s3, bucket, tmp_path, monkeypatch, screenshots):
    """A 12 s recording with three segments: playing moves the highlight from the first segment to
    the next, a click on the last one seeks there; subtitles are offered per language; a flagged
    segment is marked, its reason in its title."""
    import json
    import subprocess
    import uuid

    from conftest import REPO
    from linguaflow.languages import CODE_MAP_VERSION
    from linguaflow.results.document import compact, now_iso
    from linguaflow.results.store import ResultStore
    from mediagen import repeated_speech

    key = f"inbox/{uuid.uuid4().hex}.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=repeated_speech(SAMPLE, tmp_path / "three.wav", 3).read_bytes())
    tid, said = f"player-{uuid.uuid4().hex[:8]}", "and you always want to see it in the superlative degree"
    segments = [{"id": str(i), "start": 4.0 * i, "end": 4.0 * (i + 1)} for i in range(3)]
    doc = {"task_id": tid, "code_map_version": CODE_MAP_VERSION, "status": "done_with_flags", "source_language": "en",
           "media": {"uri": f"s3://{bucket}/{key}", "duration": 12.0}, "segments": segments, "models": {"asr": "w"},
           "languages": {"en": {"status": "done", "model": "w", "audio": {s["id"]: f"{said} ({s['id']})" for s in segments}, "text": {}},
                         "de": {"status": "done_with_flags", "model": "m", "text": {},
                                "audio": {"0": "und man will es immer im Superlativ sehen (0)",
                                          "1": "und man will es immer im superlative degree sehen (1)",
                                          "2": "und man will es immer im Superlativ sehen (2)"},
                                "flags": {"1": ["source_words"]},
                                "reasons": {"1": "left in English: superlative, degree"}}},
           "created": now_iso(), "updated": now_iso()}
    monkeypatch.setenv("LINGUAFLOW_MONGO_URI", stack.env["LINGUAFLOW_MONGO_URI"])  # the stack's own store
    store = ResultStore()
    store.put(compact(doc))
    store.client.close()
    r = subprocess.run(["node", "player.mjs", stack.url, stack.token, tid, str(screenshots / "viewer-playing.png")],
                       cwd=REPO / "tests" / "browser", capture_output=True, text=True, timeout=120)
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert r.returncode == 0 and "error" not in out, (out, r.stderr[-2000:])
    assert out["status"] == 200 and abs(out["duration"] - 12.0) < 0.1
    assert (out["first"], out["next"]) == ("s0", "s1")  # the highlight follows playback
    assert out["clicked"] == "s2" and out["afterClick"]["now"] == "s2" and abs(out["afterClick"]["time"] - 8.0) < 0.75
    assert sorted(out["downloads"]) == sorted(f"{tid}.{lang}.{fmt}" for lang in ("en", "de") for fmt in ("srt", "vtt"))
    assert out["flagged"] == ["source_words: left in English: superlative, degree"]  # marked, the reason its title
    assert out["ranged"] == {"status": 206, "bytes": 100, "range": f"bytes 0-99/{12 * 16000 * 2 + 44}"}


def test_new_task_page_creates_a_task_and_follows_it_in_chromium(stack, screenshots):
    """A person opens "New transcription", chooses a file, picks German, and lands on the viewer,
    which follows the run (live progress) and shows the result when it ends."""
    import json
    import subprocess

    from conftest import REPO

    r = subprocess.run(["node", "upload.mjs", stack.url, stack.token, str(SAMPLE), str(screenshots / "new-task.png")],
                       cwd=REPO / "tests" / "browser", capture_output=True, text=True, timeout=480)
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert r.returncode == 0 and "error" not in out, (out, r.stderr[-2000:])
    assert out["status"] == 200 and out["chosen"].startswith("arctic_a0007.wav")
    assert "/linguaflow/view/task-" in out["url"]
    assert any("steps" in p for p in out["progress"]), out["progress"]  # the page followed the run
    assert "superlative degree" in out["text"] and "German" in out["text"]
    with stack.client() as c:  # the same task through the API: created by the UI's user, done
        tid = out["url"].rsplit("/", 1)[1]
        st = c.get(f"/linguaflow/tasks/{tid}").json()
        assert st["state"] in ("done", "done_with_flags") and st["languages"]["en"] == "done"  # German may be flagged


def test_a_cookie_session_change_needs_the_ui_header(stack):
    """No cross-site form can use the UI's session: a cookie-authenticated POST without the
    viewer's header is refused, with it the same request is served."""
    files = {"file": ("a.wav", SAMPLE.read_bytes())}
    cookies = {"_token": stack.token}
    bare = httpx.post(f"{stack.url}/linguaflow/tasks/upload", files=files, data={"target_languages": "de"}, cookies=cookies)
    assert bare.status_code == 403 and "X-Linguaflow-UI" in bare.text
    ok = httpx.post(f"{stack.url}/linguaflow/tasks/upload", files=files, data={"target_languages": ""}, cookies=cookies,
                    headers={"X-Linguaflow-UI": "1"})
    assert ok.status_code == 201, ok.text


def test_an_object_landing_in_the_inbox_starts_its_run_within_seconds(stack, s3, bucket):
    """Event-driven ingest end to end: the S3 server notifies its SQS queue, the triggerer's asset
    watcher turns the messages into an asset event, `linguaflow_ingest` starts the media run."""
    import json as _json

    from linguaflow.orchestration import inbox

    from stack import ended, stored_count, wait_for

    key = f"events/{time.time_ns()}.wav"
    s3.put_object(Bucket=bucket, Key=key + ".json", Body=_json.dumps({"target_languages": [], "asr_model": "tiny.en"}))
    landed = datetime.now(timezone.utc)
    etag = s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())["ETag"].strip('"')
    run_id = inbox.run_id_for(f"s3://{bucket}/{key}", etag)
    with stack.client() as c:
        run = wait_for("the media run to start", lambda: (r := c.get(f"/api/v2/dags/linguaflow_media/dagRuns/{run_id}")).status_code == 200
                       and r.json().get("start_date") and r.json(), timeout_s=120)
        latency = (datetime.fromisoformat(run["start_date"].replace("Z", "+00:00")) - landed).total_seconds()
        print(f"\nupload -> media run start: {latency:.1f} s")
        assert latency <= 30, latency  # the goal is 10 s (bench/RESULTS.md); a loaded CI machine gets slack
        assert ended(c, run_id, timeout_s=300)["state"] == "done"
        first_end = c.get(f"/api/v2/dags/linguaflow_media/dagRuns/{run_id}").json()["end_date"]
        # the same object announced again (same content, same ETag): no second run
        s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())

        def second_ingest():
            runs = c.get("/api/v2/dags/linguaflow_ingest/dagRuns", params={"order_by": "-start_date"}).json()["dag_runs"]
            latest = runs[0]["dag_run_id"] if len(runs) >= 2 else None
            t = latest and c.get(f"/api/v2/dags/linguaflow_ingest/dagRuns/{latest}/taskInstances/trigger_media/0").json()
            return t and t.get("state") in ("skipped", "success", "failed") and t
        assert wait_for("the second announcement's ingest run", second_ingest, timeout_s=120)["state"] in ("skipped", "success")
        assert c.get(f"/api/v2/dags/linguaflow_media/dagRuns/{run_id}").json()["end_date"] == first_end  # not run again
        assert c.get(f"/api/v2/dags/linguaflow_media/dagRuns/{run_id}/taskInstances/transcribe").json()["try_number"] == 1
        assert stored_count(stack, run_id) == 1
