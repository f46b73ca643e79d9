"""The input policy: no request makes a worker read a local path or call an internal address."""

import pytest

from linguaflow import pipeline, policy
from linguaflow.orchestration import webhook
from linguaflow.errors import BadInput

from loopback import Loopback


@pytest.mark.parametrize("uri", [
    "file:///etc/passwd", "file:///nonexistent/x.wav", "ftp://example.org/a.wav", "http://169.254.169.254/latest/meta-data",
    "https://example.org/a.wav", "gs://b/a.wav", "/etc/passwd", "s3://", "s3://bucket", "s3://bucket/../other/a.wav",
])
def test_api_callers_name_only_s3_objects(uri):
    with pytest.raises(BadInput):
        policy.check_media(uri, from_api=True)


def test_s3_prefix_allow_list(monkeypatch):
    assert policy.check_media("s3://media/talks/a.wav", from_api=True)
    monkeypatch.setenv("LINGUAFLOW_MEDIA_PREFIXES", "s3://media/talks/, s3://archive/")
    assert policy.check_media("s3://archive/2026/a.wav", from_api=True)
    with pytest.raises(BadInput, match="outside the allowed"):
        policy.check_media("s3://media/private/a.wav", from_api=True)


def test_a_run_reads_local_files_only_under_configured_roots(tmp_path, monkeypatch):
    inside = tmp_path / "media" / "a.wav"
    inside.parent.mkdir()
    inside.write_bytes(b"x")
    (tmp_path / "media" / "escape.wav").symlink_to("/etc/passwd")
    with pytest.raises(BadInput, match="outside the local directories"):
        policy.check_media(f"file://{inside}", from_api=False)
    monkeypatch.setenv("LINGUAFLOW_LOCAL_MEDIA_ROOTS", str(tmp_path / "media"))
    assert policy.check_media(f"file://{inside}", from_api=False)
    for bad in (tmp_path / "media" / "escape.wav", tmp_path / "media" / ".." / "other.wav", "/etc/passwd"):
        with pytest.raises(BadInput, match="outside the local directories"):
            policy.check_media(f"file://{bad}", from_api=False)
    with pytest.raises(BadInput, match="cannot be named through the API"):
        policy.check_media(f"file://{inside}", from_api=True)


def test_probe_refuses_a_local_path_without_touching_it():
    """A run triggered straight through Airflow's REST API: same refusal whether the file exists or not."""
    reasons = []
    for path in ("/etc/passwd", "/no/such/file.wav"):
        with pytest.raises(BadInput) as err:
            pipeline.probe_step({"media_uri": f"file://{path}", "target_languages": ["de"]}, "manual__x")
        reasons.append(str(err.value))
    assert reasons[0] == reasons[1] and "outside the local directories" in reasons[0]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:5432/", "https://127.0.0.1/", "https://10.0.0.8/hook", "https://192.168.1.1/", "https://172.16.0.1/",
    "https://169.254.169.254/latest/meta-data/", "https://[::1]/", "https://[fd00:ec2::254]/", "https://0.0.0.0/",
    "https://2130706433/", "https://[::ffff:127.0.0.1]/", "https://100.64.0.1/", "https://224.0.0.1/",
    "ftp://93.184.216.34/", "file:///etc/passwd", "https://user:pw@93.184.216.34/", "https:///nohost",
])
def test_callbacks_to_internal_addresses_are_refused(url, monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_CALLBACK_ALLOW_HOSTS", "")
    with pytest.raises(BadInput):
        policy.check_callback(url)


def test_callback_scheme_and_allow_listed_hosts(monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_CALLBACK_ALLOW_HOSTS", "")
    monkeypatch.setenv("LINGUAFLOW_ALLOW_HTTP_CALLBACKS", "false")
    assert policy.callback_target("https://93.184.216.34/hook?x=1") == ("https://93.184.216.34:443/hook?x=1", "93.184.216.34")
    with pytest.raises(BadInput, match="must be https"):
        policy.check_callback("http://93.184.216.34/hook")
    monkeypatch.setenv("LINGUAFLOW_CALLBACK_ALLOW_HOSTS", "localhost")
    monkeypatch.setenv("LINGUAFLOW_ALLOW_HTTP_CALLBACKS", "true")
    target, host = policy.callback_target("http://localhost:8123/done")
    assert host == "localhost" and target in ("http://127.0.0.1:8123/done", "http://[::1]:8123/done")
    with pytest.raises(BadInput):
        policy.check_callback("http://127.0.0.1:8123/done")  # the exemption names a host, not every loopback name


def test_callback_goes_to_the_checked_address_with_the_name_as_host(monkeypatch):
    seen = {}

    def answer(path, headers, body):
        seen["host"] = headers["Host"]
        return 204, None

    server = Loopback(answer)
    try:
        monkeypatch.setenv("LINGUAFLOW_CALLBACK_ALLOW_HOSTS", "localhost")
        port = server.port
        assert webhook.post(f"http://localhost:{port}/done", {"task_id": "t"}, "k") == 204
        assert seen["host"] == f"localhost:{port}"
        monkeypatch.setenv("LINGUAFLOW_CALLBACK_ALLOW_HOSTS", "")
        with pytest.raises(BadInput):
            webhook.post(f"http://localhost:{port}/done", {"task_id": "t"}, "k")
    finally:
        server.close()


@pytest.mark.parametrize("name", ["/etc", "/root/.ssh", "~/models", "../../models/base", "/models/../etc"])
def test_an_asr_model_path_outside_the_model_roots_is_refused(name, monkeypatch):
    from linguaflow.policy import check_asr_model

    monkeypatch.setenv("LINGUAFLOW_ASR_MODEL_ROOTS", "/models")
    with pytest.raises(BadInput, match="outside the allowed model roots"):
        check_asr_model(name, "faster-whisper")


def test_asr_model_names_and_directories_under_the_roots_pass(tmp_path, monkeypatch):
    from linguaflow.policy import check_asr_model

    monkeypatch.setenv("LINGUAFLOW_ASR_MODEL_ROOTS", str(tmp_path))
    for name, engine in [("base", "faster-whisper"), ("tiny.en", "openai-whisper"), ("large-v3", "faster-whisper"),
                         (str(tmp_path / "whisper-small-ct2"), "faster-whisper"), ("/anything", "remote")]:
        assert check_asr_model(name, engine) == name


def test_redact_local_only_refuses_a_remote_asr_route_before_any_work(monkeypatch, tmp_path):
    """The audio would reach the transcription service before anything is redacted."""
    from conftest import SAMPLE

    monkeypatch.setenv("LINGUAFLOW_LOCAL_MEDIA_ROOTS", str(SAMPLE.parent))
    conf = {"media_uri": f"file://{SAMPLE}", "target_languages": [], "asr_engine": "remote", "asr_model": "whisper-1",
            "redact": ["default"], "redact_local_only": True}
    with pytest.raises(BadInput, match="remote ASR service"):
        pipeline.probe_step(conf, "manual__redact")
    with pytest.raises(BadInput, match="only with redact"):
        pipeline.probe_step({**conf, "redact": []}, "manual__redact")
    assert pipeline.probe_step({**conf, "asr_engine": "faster-whisper", "asr_model": "base"}, "manual__redact")["task_id"]
