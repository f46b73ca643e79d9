"""The task API inside Airflow's own API server app (in-process), with Airflow's JWT auth."""

import uuid

import pytest
import httpx

from linguaflow.errors import BadInput
from linguaflow.results.document import compact, expand
from linguaflow.api.app import sanitize_key

from conftest import SAMPLE


def test_anonymous_and_bad_tokens_are_refused(api):
    client = httpx.Client(base_url=api[0].base_url)  # no session cookie from earlier calls
    assert client.get("/linguaflow/tasks/x").status_code == 401
    assert client.post("/linguaflow/tasks", json={"media_uri": "s3://b/a.wav"}).status_code == 401
    # a forged token gets what the v2 REST API answers to it
    assert client.get("/linguaflow/tasks/x", headers={"Authorization": "Bearer not-a-jwt"}).status_code in (401, 403)


def test_viewer_may_read_but_not_create(api):
    client, _, viewer = api
    r = client.post("/linguaflow/tasks", json={"media_uri": "s3://b/a.wav", "target_languages": ["zh"]}, headers=viewer)
    assert r.status_code == 403
    assert client.get(f"/linguaflow/tasks/none-{uuid.uuid4().hex}", headers=viewer).status_code == 404


def test_create_query_cancel(api, store, s3, bucket):
    client, admin, _ = api
    key = f"inbox/{uuid.uuid4().hex}.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    r = client.post("/linguaflow/tasks", headers=admin,
                    json={"media_uri": f"s3://{bucket}/{key}", "target_languages": ["zh", "de"], "text_items": {"title": "T"}})
    assert r.status_code == 201, r.text
    tid = r.json()["task_id"]
    assert client.post("/linguaflow/tasks", headers=admin, json={"media_uri": f"s3://{bucket}/{key}", "task_id": tid}).status_code == 409
    got = client.get(f"/linguaflow/tasks/{tid}", headers=admin).json()
    assert got["state"] == "queued" and got["task_id"] == tid
    # a language finished before the cancel stays
    store.put_language(tid, "zh", {"0": {"A": "你好"}}, "done", "llamacpp/q")
    r = client.post(f"/linguaflow/tasks/{tid}/cancel", headers=admin)
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    got = client.get(f"/linguaflow/tasks/{tid}", headers=admin).json()
    assert got["state"] == "cancelled" and got["languages"] == {"zh": "done"}
    store.mark_failed(tid, "transcribe: killed")  # a killed step's failure callback
    assert client.get(f"/linguaflow/tasks/{tid}", headers=admin).json()["state"] == "cancelled"
    again = client.post(f"/linguaflow/tasks/{tid}/cancel", headers=admin)
    assert again.status_code == 200 and again.json()["state"] == "cancelled"  # idempotent


def test_request_validation(api):
    client, admin, _ = api
    r = client.post("/linguaflow/tasks", headers=admin, json={"media_uri": "s3://b/a.wav", "target_languages": ["xx"]})
    assert r.status_code == 400 and "unsupported language 'xx'" in r.json()["detail"]
    assert client.post("/linguaflow/tasks", headers=admin, json={"target_languages": ["zh"]}).status_code == 422
    r = client.post("/linguaflow/tasks", headers=admin, json={"media_uri": "s3://b/a.wav", "task_id": "../etc"})
    assert r.status_code == 400
    r = client.post("/linguaflow/tasks", headers=admin, json={"media_uri": "s3://b/a.wav", "asr_model": "/root/.cache"})
    assert r.status_code == 400 and "outside the allowed model roots" in r.json()["detail"]  # no local path by request


def test_upload_creates_a_task_and_refuses_traversal(api, s3, bucket):
    client, admin, _ = api
    files = {"file": ("talk one.wav", SAMPLE.read_bytes(), "audio/wav")}
    r = client.post("/linguaflow/tasks/upload", headers=admin, files=files, data={"target_languages": "ja"})
    assert r.status_code == 201, r.text
    tid = r.json()["task_id"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=f"uploads/{tid}/")["Contents"]]
    assert keys == [f"uploads/{tid}/talk_one.wav"]
    bad = {"file": ("../../etc/passwd", b"x", "audio/wav")}
    assert client.post("/linguaflow/tasks/upload", headers=admin, files=bad, data={"target_languages": "ja"}).status_code == 400


def test_result_formats(api, store):
    client, admin, _ = api
    tid = f"res-{uuid.uuid4().hex}"
    store.put(compact({
        "task_id": tid, "code_map_version": 1, "status": "done", "source_language": "en",
        "media": {"uri": "s3://b/a.wav", "duration": 4.0}, "segments": [{"id": "0", "start": 0.0, "end": 4.0}],
        "models": {"asr": "m"}, "languages": {"en": {"status": "done", "model": "m", "audio": {"0": "hello"}, "text": {}},
                                              "zh": {"status": "done", "model": "m", "audio": {"0": "你好"}, "text": {}}},
        "created": "c", "updated": "u"}))
    assert client.get(f"/linguaflow/tasks/{tid}/result", headers=admin).json()["1"] == {"0": {"A": "你好"}}
    assert client.get(f"/linguaflow/tasks/{tid}/result?format=expanded", headers=admin).json()["languages"]["zh"]["audio"] == {"0": "你好"}
    srt = client.get(f"/linguaflow/tasks/{tid}/result?format=srt&lang=zh", headers=admin)
    assert srt.headers["content-type"].startswith("application/x-subrip") and "00:00:00,000 --> 00:00:04,000\n你好" in srt.text
    assert client.get(f"/linguaflow/tasks/{tid}/result?format=vtt&lang=ja", headers=admin).status_code == 404
    assert client.get(f"/linguaflow/tasks/{tid}/result?format=pdf", headers=admin).status_code == 422


def test_openapi_schema_is_published(api):
    client, _, _ = api
    spec = client.get("/linguaflow/openapi.json").json()
    assert {"/tasks", "/tasks/upload", "/tasks/{task_id}", "/tasks/{task_id}/result"} <= set(spec["paths"])


@pytest.mark.parametrize("name", ["../x.wav", "/etc/passwd", "a/../../b.wav", "..", ""])
def test_unsafe_names(name):
    with pytest.raises(BadInput):
        sanitize_key(name)


def test_cli_client_submit_status_result_cancel(api, store, monkeypatch, capsys):
    """The `linguaflow submit|status|result|cancel` commands, talking to the same app."""
    from linguaflow import cli
    from linguaflow.client import ApiError, TaskClient

    client, admin, _ = api
    monkeypatch.setenv("LINGUAFLOW_API", str(client.base_url))  # a server is configured: the commands ask it
    monkeypatch.setattr(cli.tasks, "_client", lambda: TaskClient(http=client, token=admin["Authorization"][7:]))
    assert cli.main(["submit", str(SAMPLE), "--to", "zh,de"]) == 0
    tid = capsys.readouterr().out.strip().splitlines()[-1]  # the task id is the last line printed
    assert tid.startswith("task-")
    assert cli.main(["status", tid]) == 0 and '"state": "queued"' in capsys.readouterr().out
    store.put_language(tid, "zh", {"0": {"A": "你好"}}, "done", "m")
    assert cli.main(["cancel", tid]) == 0 and "cancelled" in capsys.readouterr().out
    assert cli.main(["cancel", "task-does-not-exist"]) == 2  # a clear error, not a traceback
    assert "404" in capsys.readouterr().err
    with pytest.raises(ApiError, match="401"):
        TaskClient(http=httpx.Client(base_url=client.base_url), token=None).status(tid)


def test_result_viewer_page_shows_languages_side_by_side(api, store):
    client, admin, _ = api
    tid = f"view-{uuid.uuid4().hex}"
    store.put(compact({
        "task_id": tid, "code_map_version": 1, "status": "done", "source_language": "en",
        "media": {"uri": "s3://b/a.wav", "duration": 8.0},
        "segments": [{"id": "0", "start": 0.0, "end": 4.0}, {"id": "1", "start": 4.0, "end": 8.0}],
        "models": {"asr": "faster-whisper/base/int8"},
        "languages": {"en": {"status": "done", "model": "asr", "audio": {"0": "hello <b>", "1": "bye"}, "text": {"title": "Hi"}},
                      "zh": {"status": "done", "model": "llm", "audio": {"0": "你好", "1": "再见"}, "text": {"title": "嗨"}}},
        "created": "c", "updated": "u"}))
    assert httpx.Client(base_url=client.base_url).get(f"/linguaflow/view/{tid}").status_code == 401  # fresh client: no cookie
    page = client.get(f"/linguaflow/view/{tid}", headers=admin)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "00:00:04.000 → 00:00:08.000" in html and html.index("bye") < html.index("再见")
    assert "hello &lt;b&gt;" in html and "<b>" not in html.split("<body>")[1].replace("<b>done</b>", "")  # escaped
    assert "text: title" in html and "嗨" in html
    listing = client.get("/linguaflow/view", headers=admin).text
    assert f"view/{tid}" in listing


def test_the_viewer_names_speakers_and_says_when_their_count_is_uncertain(api, store):
    client, admin, _ = api
    tid = f"view-{uuid.uuid4().hex}"
    store.put(compact({
        "task_id": tid, "code_map_version": 4, "status": "done_with_flags", "source_language": "en",
        "media": {"uri": "s3://b/a.wav", "duration": 8.0, "warnings": ["speakers_uncertain"],
                  "speakers_doubt": "3 or 2 speakers: the count was a close call"},
        "segments": [{"id": "0", "start": 0.0, "end": 4.0, "speaker": 1}, {"id": "1", "start": 4.0, "end": 8.0, "speaker": 2}],
        "models": {"asr": "faster-whisper/base/int8"},
        "languages": {"en": {"status": "done", "model": "asr", "audio": {"0": "Front desk.", "1": "One more night."}, "text": {}}},
        "created": "c", "updated": "u", "speaker_names": {"1": "Front & desk"}}))
    html = client.get(f"/linguaflow/view/{tid}", headers=admin).text
    assert "Front &amp; desk" in html and "Speaker 2" in html  # the name given, escaped; the other numbered
    assert "the speaker labels may be wrong: 3 or 2 speakers: the count was a close call" in html


def test_quality_estimates_are_shown_per_segment_and_summed_up_per_language(api, store, bucket):
    """A task that asked for the estimate: the task API sums it up per language, the viewer shows
    each segment's estimate and the flag's reason, the language's mean in its header."""
    client, admin, _ = api
    tid = client.post("/linguaflow/tasks", headers=admin, json={"media_uri": f"s3://{bucket}/x.wav", "target_languages": ["de"],
                                                                 "quality_estimate": True}).json()["task_id"]
    store.put_language(tid, "de", {"0": {"A": "Kannst du bitte etwas lauter sagen?"}, "1": {"A": "Das Wetter ist schön."}},
                       "done_with_flags", "m", {"0": ["low_quality"]},
                       {"0": "the model doubts this translation says what the source says (estimate 0.13, below 0.24)"},
                       {"0": 0.13, "1": 0.75})
    got = client.get(f"/linguaflow/tasks/{tid}", headers=admin).json()
    assert got["quality"] == {"de": {"estimated": 2, "low_quality": 1, "mean": 0.44}}
    assert got["flags"] == {"de": {"0": ["low_quality"]}}
    shown = f"view-{uuid.uuid4().hex}"
    store.put(compact({
        "task_id": shown, "code_map_version": 5, "status": "done_with_flags", "source_language": "en",
        "media": {"uri": "s3://b/a.wav", "duration": 8.0}, "models": {"asr": "faster-whisper/base/int8"},
        "segments": [{"id": "0", "start": 0.0, "end": 4.0}, {"id": "1", "start": 4.0, "end": 8.0}],
        "languages": {"en": {"status": "done", "model": "asr", "audio": {"0": "Could you speak more slowly?", "1": "Nice weather."},
                             "text": {}},
                      "de": {**expand(store.get(tid))["languages"]["de"]}},
        "created": "c", "updated": "u"}))
    html = client.get(f"/linguaflow/view/{shown}", headers=admin).text
    assert "estimate 0.13, below 0.24" in html and "quality estimate 0.75" in html and "quality 0.44" in html


def test_plugin_registers_the_api_and_the_viewer(api):
    client, admin, _ = api
    plugins = client.get("/api/v2/plugins", headers=admin).json()["plugins"]
    mine = next(p for p in plugins if p["name"] == "linguaflow")
    assert {v["href"] for v in mine["external_views"]} == {"/linguaflow/view", "/linguaflow/new", "/linguaflow/view/{RUN_ID}"}
    assert mine["fastapi_apps"][0]["url_prefix"] == "/linguaflow"


def test_upload_over_the_size_limit_is_refused(api, monkeypatch, s3, bucket):
    client, admin, _ = api
    monkeypatch.setenv("LINGUAFLOW_MAX_UPLOAD_BYTES", "1000")
    count = lambda: s3.list_objects_v2(Bucket=bucket, Prefix="uploads/").get("KeyCount", 0)  # noqa: E731
    before = count()
    r = client.post("/linguaflow/tasks/upload", headers=admin, files={"file": ("a.wav", SAMPLE.read_bytes())}, data={"target_languages": "de"})
    assert r.status_code == 400 and "larger than 1000 bytes" in r.json()["detail"]
    assert count() == before  # nothing half-written


def test_clients_get_readable_states_never_codes(api, store, s3, bucket):
    """Every state and language a client sees is readable: no stored code leaks out."""
    from linguaflow.results.document import STATES

    client, admin, _ = api
    tid = client.post("/linguaflow/tasks", headers=admin, json={"media_uri": f"s3://{bucket}/x.wav", "target_languages": ["de", "zh", "ja"]}).json()["task_id"]
    store.put_language(tid, "zh", {"0": {"A": "你好"}}, "done", "m")
    store.put_language(tid, "ja", {}, "queued", None)
    r = client.post(f"/linguaflow/tasks/{tid}/cancel", headers=admin)
    assert r.json() == {"task_id": tid, "state": "cancelled"}
    store.mark_language_failed(tid, "de", "translate: killed by the cancel")  # a step the cancel killed
    got = client.get(f"/linguaflow/tasks/{tid}", headers=admin).json()
    assert got["state"] == "cancelled" and got["languages"] == {"zh": "done", "ja": "queued", "de": "failed"}
    assert got["language_errors"] == {"de": "translate: killed by the cancel"}
    listing = client.get("/linguaflow/view", headers=admin).text
    for body in (repr(got), listing):
        assert not any(code in body for code in ("'d'", "'f:", "'p'", "'c'", "'_s'", "'_ls'", ":d<", ":f<"))
    assert all(state in STATES for state in got["languages"].values())


def test_oversize_bodies_and_internal_addresses_are_refused(api):
    client, admin, _ = api
    big = {"media_uri": "s3://b/a.wav", "text_items": {"t": "x" * (2 << 20)}}
    assert client.post("/linguaflow/tasks", headers=admin, json=big).status_code == 413

    def chunks():  # no declared length: counted while it streams
        yield b'{"media_uri": "s3://b/a.wav", "text_items": {"t": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}}'

    r = client.post("/linguaflow/tasks", headers={**admin, "Content-Type": "application/json"}, content=chunks())
    assert r.status_code == 413
    for body, reason in [
        ({"media_uri": "file:///etc/passwd"}, "cannot be named through the API"),
        ({"media_uri": "ftp://example.org/a.wav"}, "scheme 'ftp' is not allowed"),
        ({"media_uri": "s3://b/a.wav", "callback_url": "http://169.254.169.254/latest"}, "not public"),
    ]:
        r = client.post("/linguaflow/tasks", headers=admin, json=body)
        assert r.status_code == 400 and reason in r.json()["detail"], r.text


def test_answers_from_airflow_and_the_snapshot_while_the_store_is_down(api, store, monkeypatch, bucket):
    """MongoDB unreachable: the task state comes from Airflow (marked degraded), a finished result
    from its copy in object storage (marked by a header); never a 500."""
    from linguaflow import storage
    from linguaflow.api import app as app_module

    client, admin, _ = api
    tid = client.post("/linguaflow/tasks", headers=admin, json={"media_uri": f"s3://{bucket}/x.wav", "target_languages": ["de"]}).json()["task_id"]
    coded = compact({
        "task_id": tid, "code_map_version": 2, "status": "done", "source_language": "en",
        "media": {"uri": "s3://b/a.wav", "duration": 4.0}, "segments": [{"id": "0", "start": 0.0, "end": 4.0}],
        "models": {"asr": "m"}, "languages": {"en": {"status": "done", "model": "m", "audio": {"0": "hello"}, "text": {}}},
        "created": "c", "updated": "u"})
    storage.write_json(storage.work_uri(tid, "result.json"), coded)
    monkeypatch.setenv("LINGUAFLOW_MONGO_URI", "mongodb://127.0.0.1:1/?directConnection=true")  # nothing listens
    monkeypatch.setenv("LINGUAFLOW_MONGO_TIMEOUT_MS", "300")
    app_module._store.cache_clear()
    try:
        got = client.get(f"/linguaflow/tasks/{tid}", headers=admin)
        assert got.status_code == 200 and got.json()["degraded"] is True and got.json()["state"] == "queued"
        r = client.get(f"/linguaflow/tasks/{tid}/result?format=srt&lang=en", headers=admin)
        assert r.status_code == 200 and "hello" in r.text and r.headers["X-Linguaflow-Degraded"]
        missing = client.get("/linguaflow/tasks/never-packaged/result", headers=admin)
        assert missing.status_code == 404
    finally:
        app_module._store.cache_clear()


@pytest.mark.parametrize("run_state,stored,expected", [
    ("queued", None, "queued"), ("running", None, "running"), ("running", "awaiting_review", "awaiting_review"),
    ("running", "failed", "failed"),  # a failure is final while the teardown still reports it
    ("running", "done", "done"), ("success", None, "done"), ("success", "done_with_flags", "done_with_flags"),
    ("failed", "running", "failed"), ("failed", "cancelled", "cancelled"), ("running", "cancelled", "cancelled"),
])
def test_task_state_from_airflow_and_the_store(run_state, stored, expected):
    from linguaflow.orchestration.runs import task_state

    assert task_state(run_state, stored) == expected


def test_a_forged_host_header_does_not_choose_where_airflow_is_called(api):
    """The task API calls Airflow's REST API on the socket the request arrived on, never on the
    address a caller writes in Host (that would point the server, with the caller's token, at an
    internal address)."""
    client, admin, _ = api
    r = client.get(f"/linguaflow/tasks/none-{uuid.uuid4().hex}", headers={**admin, "Host": "169.254.169.254:80"})
    assert r.status_code == 404, r.text  # Airflow itself answered: no such run
