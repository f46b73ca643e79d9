"""Drills against the running stack (api-server, scheduler, dag-processor, LocalExecutor on
PostgreSQL; the stack's own MongoDB-compatible store): many tasks at once, killed task processes
and workers, the store and the cache going away, and a corpus of bad input. Each prints its
figures; they are collected in `.linguaflow/drills.json` (and committed in bench/RESULTS.md).

The retry table's delays are scaled down in the stack (LINGUAFLOW_RETRY_DELAY_SCALE=0.02: 5 min
-> 6 s); the delay of a killed task (the unclassified 30 s) and the heartbeat timeout (40 s) are
the real, documented ones.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import time

import psutil
import pytest

from linguaflow.languages import supported_languages

from conftest import REPO, SAMPLE
from stack import ENDED, ended, speech_wav, stored_count, task, ti, upload, wait_for

pytestmark = pytest.mark.e2e
FIGURES: dict = {}


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield FIGURES
    out = REPO / ".linguaflow" / "drills.json"
    out.write_text(json.dumps(FIGURES, indent=1))
    print("\ndrill figures:", json.dumps(FIGURES))


# -- many at once ---------------------------------------------------------------------------------

def test_twenty_tasks_at_once_give_twenty_results(stack):
    data = SAMPLE.read_bytes()
    with stack.client() as c:
        t0 = time.monotonic()
        ids = [upload(c, data, f"t{i}.wav", asr_model="tiny.en") for i in range(20)]
        states = {tid: ended(c, tid, timeout_s=900)["state"] for tid in ids}
        took = time.monotonic() - t0
    assert len(set(ids)) == 20 and set(states.values()) == {"done"}, states
    assert all(stored_count(stack, tid) == 1 for tid in ids)
    FIGURES["twenty_tasks"] = {"results": len(ids), "duplicates": 0, "wall_s": round(took, 1)}


# -- crashes --------------------------------------------------------------------------------------

def _running_transcription(c, tid) -> int:
    def started():
        t = ti(c, tid, "transcribe")
        return t.get("state") == "running" and t.get("pid") and psutil.pid_exists(t["pid"]) and t
    return wait_for("transcription to run", started, timeout_s=300)["pid"]


def _retried_after(c, tid, t0) -> float:
    def second_try():
        t = ti(c, tid, "transcribe")
        return t.get("try_number", 1) >= 2 and t.get("state") in ("running", "success") and t
    wait_for("the second try", second_try, timeout_s=240, every=0.5)
    return time.monotonic() - t0


def test_a_killed_task_process_and_a_killed_worker_are_each_retried_within_90_s_with_one_result(stack):
    """Both crashes at once, on two tasks: each waits out the real heartbeat timeout and retry
    delay, side by side rather than one after the other (the suite's time)."""
    with stack.client() as c:
        tids = {what: upload(c, speech_wav(12), f"long-{n}.wav")  # 60 s of speech: transcription runs a while
                for n, what in enumerate(("task process", "worker"))}
        victims = {}
        for what, tid in tids.items():
            task_process = psutil.Process(_running_transcription(c, tid))
            # a worker: the supervisor that runs the task, and the task with it
            victims[what] = [task_process.parent(), task_process] if what == "worker" else [task_process]
        t0 = time.monotonic()
        for p in (p for procs in victims.values() for p in procs):
            os.kill(p.pid, signal.SIGKILL)
        retried = {what: _retried_after(c, tid, t0) for what, tid in tids.items()}
        ended_as = {what: ended(c, tid) for what, tid in tids.items()}
    for what, tid in tids.items():
        assert retried[what] <= 90, f"{what} killed: retried after {retried[what]:.0f} s"
        # (the repeated sentence trips Whisper's repetition signal: done, with those segments flagged)
        st = ended_as[what]
        assert st["state"] in ("done", "done_with_flags") and stored_count(stack, tid) == 1, (what, st)
        FIGURES[f"killed_{what.replace(' ', '_')}"] = {"retried_after_s": round(retried[what], 1), "results": 1}


# -- the store and the cache go away --------------------------------------------------------------

def test_store_down_at_package_is_retried_per_the_table_and_nothing_is_lost(stack):
    with stack.client() as c:
        tid = upload(c, SAMPLE.read_bytes(), "store.wav", asr_model="tiny.en")
        wait_for("transcript", lambda: ti(c, tid, "transcribe").get("state") == "success", timeout_s=300, every=0.1)
        stack.mongo.stop()
        t0 = time.monotonic()
        try:
            degraded = task(c, tid)
            assert degraded.get("degraded") is True and degraded["state"] == "running", degraded
            failed_once = wait_for("package to fail once", lambda: (t := ti(c, tid, "package")).get("state") == "up_for_retry" and t,
                                   timeout_s=120)
        finally:
            stack.mongo.start()
        st = ended(c, tid)
        package = ti(c, tid, "package")
        doc = c.get(f"/linguaflow/tasks/{tid}/result", params={"format": "expanded"}).json()
    assert failed_once and st["state"] == "done" and package["try_number"] == 2, (st, package)
    assert "superlative degree" in doc["languages"]["en"]["audio"]["0"].lower() and stored_count(stack, tid) == 1
    FIGURES["store_down_at_package"] = {"package_tries": package["try_number"], "outage_s": round(time.monotonic() - t0, 1),
                                        "status_while_down": "degraded, from Airflow"}


def test_the_translation_service_down_is_retried_per_the_table_and_gives_the_in_process_result(stack):
    """French is routed to the warm translation service (`linguaflow serve-mt`, the
    `openai` backend). Down when the language's turn comes: the translate task fails
    ServiceUnavailable, is retried per the table (5 min scaled to 6 s), and once the service is
    back the task ends with one result, the French as the same model gives it in-process."""
    from linguaflow.translation import backends

    with stack.client() as c:
        stack.mt.stop()
        t0 = time.monotonic()
        try:
            tid = upload(c, SAMPLE.read_bytes(), "mt-down.wav", asr_model="tiny.en", target_languages="fr")
            failed_once = wait_for("translate to fail once", lambda: (t := c.get(
                f"/api/v2/dags/linguaflow_media/dagRuns/{tid}/taskInstances/translate/0").json()).get("state") == "up_for_retry" and t,
                timeout_s=300)
        finally:
            stack.mt.start()
        st = ended(c, tid)
        tries = c.get(f"/api/v2/dags/linguaflow_media/dagRuns/{tid}/taskInstances/translate/0").json()["try_number"]
        doc = c.get(f"/linguaflow/tasks/{tid}/result", params={"format": "expanded"}).json()
    assert failed_once and tries == 2 and st["state"] in ("done", "done_with_flags") and stored_count(stack, tid) == 1, (st, tries)
    fr, en = doc["languages"]["fr"], doc["languages"]["en"]
    assert fr["status"] in ("done", "done_with_flags") and fr["model"] == "openai/qwen2.5-0.5b-instruct-q4"
    assert set(fr["audio"]) == set(en["audio"]) == {s["id"] for s in doc["segments"]}
    here = dict(backends.translator("llamacpp", "qwen2.5-0.5b-instruct-q4").translate(list(en["audio"].items()), "en", "fr"))
    assert fr["audio"] == here, (fr["audio"], here)  # one chat decoded alone: the same greedy reply as in-process
    FIGURES["translation_service_down"] = {"translate_tries": tries, "outage_s": round(time.monotonic() - t0, 1)}


def test_cache_down_results_come_from_mongodb(tmp_path):
    from stack import Server

    from conftest import free_port
    from linguaflow.results.document import compact
    from linguaflow.results.store import ResultStore

    port = free_port()
    redis = Server(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                   port, tmp_path / "redis.log")
    redis.start()
    store = ResultStore(redis_url=f"redis://127.0.0.1:{port}/0")
    tid = f"cache-{os.getpid()}-{time.time_ns()}"
    store.put(compact({"task_id": tid, "code_map_version": 2, "status": "done", "source_language": "en",
                       "media": {"uri": "s3://b/a.wav", "duration": 1.0}, "segments": [], "models": {"asr": None},
                       "languages": {}, "created": "c", "updated": "u"}))
    try:
        assert store.get(tid)["_id"] == tid and store.cache.get(tid) is not None  # cached
        redis.stop()
        t0 = time.monotonic()
        assert store.get(tid)["_id"] == tid  # from MongoDB
        took = time.monotonic() - t0
    finally:
        redis.stop()
        store.client.close()
    assert took < 2.0
    FIGURES["cache_down"] = {"served_from": "mongodb", "read_s": round(took, 3)}


# -- a corpus of bad input ------------------------------------------------------------------------

def _wav_header(seconds: float, rate: int = 16000, data_bytes: int | None = None) -> bytes:
    size = int(seconds * rate * 2) if data_bytes is None else data_bytes
    return (b"RIFF" + struct.pack("<I", 36 + size) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
            + b"data" + struct.pack("<I", size))


def _flac_claiming(tmp_path, seconds: float) -> bytes:
    """The sample as FLAC whose STREAMINFO says it lasts `seconds` (a header PyAV believes)."""
    from mediagen import encode

    data = bytearray(encode(SAMPLE, tmp_path / "long.flac", "flac", "flac").read_bytes())
    assert data[:4] == b"fLaC"
    packed = int.from_bytes(data[18:26], "big")  # sample rate 20 bits, channels 3, bits 5, total samples 36
    rate = packed >> 44
    packed = (packed & ~((1 << 36) - 1)) | int(seconds * rate)
    data[18:26] = packed.to_bytes(8, "big")
    return bytes(data)


def _media_corpus(tmp_path) -> dict[str, tuple[str, bytes]]:
    from mediagen import encode

    sample = SAMPLE.read_bytes()
    video_only = encode(SAMPLE, tmp_path / "v.mp4", "mp4", "aac", video=True, audio=False).read_bytes()
    mp3 = encode(SAMPLE, tmp_path / "a.mp3", "mp3", "libmp3lame", rate=22050).read_bytes()
    return {
        "empty file": ("empty.wav", b""),
        "garbage bytes": ("noise.wav", os.urandom(4096)),
        "text renamed .wav": ("notes.wav", b"meeting notes, not audio\n" * 100),
        "text renamed .mp4": ("notes.mp4", b"meeting notes, not audio\n" * 100),
        "json renamed .mp3": ("data.mp3", json.dumps({"a": list(range(500))}).encode()),
        "png renamed .m4a": ("image.m4a", b"\x89PNG\r\n\x1a\n" + os.urandom(2048)),
        "wav header only": ("header.wav", _wav_header(4.0)[:44]),
        "truncated wav header": ("cut.wav", sample[:30]),
        "truncated mp3": ("cut.mp3", mp3[:200]),
        "video without audio": ("silent-film.mp4", video_only),
        "too short to hold speech": ("blip.wav", _wav_header(0.02) + b"\x00" * 640),
        "longer than 6 h": ("huge.flac", _flac_claiming(tmp_path, 7 * 3600.0)),
        "zip archive": ("archive.wav", b"PK\x03\x04" + os.urandom(1024)),
        "html page": ("page.webm", b"<!doctype html><html><body>not media</body></html>" * 20),
        "elf binary": ("tool.ogg", b"\x7fELF" + os.urandom(2048)),
    }


_API_CASES = [  # (what, method, path, json body or None, expected status)
    ("file:// media", "POST", "/tasks", {"media_uri": "file:///etc/passwd"}, 400),
    ("file:// media that exists nowhere", "POST", "/tasks", {"media_uri": "file:///nonexistent.wav"}, 400),
    ("ftp:// media", "POST", "/tasks", {"media_uri": "ftp://example.org/a.wav"}, 400),
    ("http:// metadata media", "POST", "/tasks", {"media_uri": "http://169.254.169.254/latest/meta-data/"}, 400),
    ("s3 path traversal", "POST", "/tasks", {"media_uri": "s3://b/../../etc/passwd"}, 400),
    ("s3 without a key", "POST", "/tasks", {"media_uri": "s3://bucket"}, 400),
    ("no media at all", "POST", "/tasks", {"target_languages": ["de"]}, 422),
    ("callback to a private address", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "callback_url": "https://10.0.0.8/hook"}, 400),
    ("callback to cloud metadata", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "callback_url": "http://169.254.169.254/"}, 400),
    ("callback to IPv6 loopback", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "callback_url": "https://[::1]:5432/"}, 400),
    ("callback to a decimal loopback", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "callback_url": "https://2130706433/"}, 400),
    ("callback over ftp", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "callback_url": "ftp://93.184.216.34/"}, 400),
    ("unknown language", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "target_languages": ["klingon"]}, 400),
    ("21 languages", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "target_languages": [
        "zh", "ja", "de", "fr", "es", "ko", "ru", "pt", "it", "ar", "hi", "nl", "tr", "pl", "sv", "id", "vi", "th", "uk", "cs", "ro"]}, 400),
    ("every supported language", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "target_languages": supported_languages()}, 400),
    ("unknown engine", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "asr_engine": "whisper.cpp"}, 400),
    ("unknown field", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "target_language": ["de"]}, 400),
    ("text items not strings", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "text_items": {"t": 5}}, 422),
    ("8 MB of text items", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "text_items": {"t": "x" * (8 << 20)}}, 413),
    ("300 kB of text items", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "text_items": {"t": "x" * 300_000}}, 400),
    ("sql-shaped task id", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "task_id": "x'; DROP TABLE dag_run; --"}, 400),
    ("traversal task id", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "task_id": "../../etc"}, 400),
    ("mongo-operator task id", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "task_id": "$where"}, 400),
    ("script task id", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "task_id": "<script>alert(1)</script>"}, 400),
    ("overlong task id", "POST", "/tasks", {"media_uri": "s3://b/a.wav", "task_id": "a" * 200}, 400),
    ("not a JSON object", "POST", "/tasks", ["s3://b/a.wav"], 422),
    ("query: sql-shaped id", "GET", "/tasks/x'%20OR%20'1'='1", None, 404),
    ("query: mongo-operator id", "GET", "/tasks/%7B%22$ne%22:null%7D/result", None, 404),
    ("result: unknown format", "GET", "/tasks/x/result?format=pdf", None, 422),
    ("cancel an unknown task", "POST", "/tasks/no-such-task/cancel", None, 404),
]


def test_a_corpus_of_bad_input_gets_clear_refusals(stack, tmp_path):
    handled = {}
    with stack.client() as c:
        for what, method, path, body, expected in _API_CASES:
            r = c.request(method, "/linguaflow" + path, json=body) if body is not None else c.request(method, "/linguaflow" + path)
            assert r.status_code == expected and r.json().get("detail"), (what, r.status_code, r.text[:300])
            handled[what] = r.status_code
        for what, name in [("upload named ../../etc/passwd", "../../etc/passwd"), ("upload named /abs.wav", "/abs.wav")]:
            r = c.post("/linguaflow/tasks/upload", files={"file": (name, b"x")}, data={"target_languages": "de"})
            assert r.status_code == 400, (what, r.text)
            handled[what] = 400
        # media: each upload becomes a run whose probe fails at once, with a readable reason, no retry
        runs = {what: upload(c, data, name) for what, (name, data) in _media_corpus(tmp_path).items()}
        for what, tid in runs.items():
            def probe_ended():  # the stored failure can be read before Airflow has closed the step
                st = task(c, tid)
                step = next((s for s in st["steps"] if s["step"] == "probe"), {})
                return st["state"] in ENDED and step.get("state") in ("failed", "success") and (st, step)

            st, probe = wait_for(f"probe of {what}", probe_ended, timeout_s=300)
            assert st["state"] == "failed" and probe["state"] == "failed" and probe["tries"] == 1, (what, st)
            assert st["error"].startswith("probe: BadInput:") and len(st["error"]) < 400 and "/tmp/" not in st["error"], (what, st["error"])
            handled[what] = st["error"][len("probe: BadInput: "):][:80]
        # nothing else disturbed: a good task still goes through
        good = upload(c, SAMPLE.read_bytes(), "good.wav", asr_model="tiny.en")
        assert ended(c, good)["state"] == "done"
    assert len(handled) >= 40
    FIGURES["bad_input"] = {"cases": len(handled), "api_refusals": sum(1 for v in handled.values() if isinstance(v, int)),
                            "probe_refusals": sum(1 for v in handled.values() if isinstance(v, str)), "5xx": 0}
    FIGURES["bad_input_reasons"] = handled
