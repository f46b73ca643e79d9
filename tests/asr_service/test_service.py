"""`linguaflow serve` with OpenAI's own Python client, on loopback: real speech in, the words out,
every response format valid, 20 requests at once all answered, a full queue answered 429 and
then served on the client's retry, the API key and the errors in OpenAI's shape."""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import os
import subprocess
import sys
import time

import httpx
import pytest

from conftest import SAMPLE, SAMPLE_TEXT, free_port

openai = pytest.importorskip("openai")
CLI = os.path.join(os.path.dirname(sys.executable), "linguaflow")
KEY = "test-key-" + "x" * 24


@dataclasses.dataclass
class Served:
    url: str
    port: int
    proc: subprocess.Popen


@contextlib.contextmanager
def serving(tmp_path, name, *args, port=None):
    """`linguaflow serve --model tiny.en ARGS` (on a free port) until the block ends."""
    port = port or free_port()
    log = open(tmp_path / f"{name}.log", "w")
    env = {**os.environ, "LINGUAFLOW_SERVE_API_KEY": KEY}
    proc = subprocess.Popen([CLI, "serve", "--port", str(port), "--model", "tiny.en", *args], stdout=log,
                            stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((tmp_path / f"{name}.log").read_text()[-3000:])
            time.sleep(0.3)
        yield Served(url, port, proc)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _healthy(url) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("serve"), "roomy", "--queue", "24") as served:
        yield served.url


def _client(url, **kw):
    return openai.OpenAI(base_url=f"{url}/v1", api_key=KEY, **kw)


def test_transcription_with_the_openai_client(service):
    client = _client(service)
    with open(SAMPLE, "rb") as f:
        out = client.audio.transcriptions.create(model="whisper-1", file=f)
    assert SAMPLE_TEXT in out.text.lower().strip(" .")
    assert {m.id for m in client.models.list().data} == {"whisper-1", "tiny.en"}


def test_every_response_format(service):
    import srt
    import webvtt

    client = _client(service)

    def create(**kw):
        with open(SAMPLE, "rb") as f:
            return client.audio.transcriptions.create(model="tiny.en", file=f, **kw)

    text = create(response_format="text")
    assert isinstance(text, str) and "superlative degree" in text.lower()
    subtitles = list(srt.parse(create(response_format="srt")))
    assert subtitles and "superlative" in " ".join(s.content for s in subtitles).lower()
    assert subtitles[-1].end.total_seconds() <= 4.5
    import io

    cues = list(webvtt.from_buffer(io.StringIO(create(response_format="vtt"))))
    assert cues and "superlative" in " ".join(c.text for c in cues).lower()
    verbose = create(response_format="verbose_json", timestamp_granularities=["word", "segment"], language="en")
    assert verbose.language == "english" and abs(verbose.duration - 4.0) < 0.1
    assert verbose.segments and verbose.segments[0].start < verbose.segments[0].end
    words = [w.word.lower().strip(",.") for w in verbose.words]
    assert "superlative" in words and all(w.start <= w.end for w in verbose.words)
    with open(SAMPLE, "rb") as f:
        english = client.audio.translations.create(model="whisper-1", file=f)
    assert "superlative" in english.text.lower()


def test_twenty_requests_at_once_are_all_answered(service):
    client = _client(service, max_retries=0, timeout=300)

    def one(_):
        with open(SAMPLE, "rb") as f:
            return client.audio.transcriptions.create(model="whisper-1", file=f).text

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        texts = list(pool.map(one, range(20)))
    assert len(texts) == 20 and all("superlative" in t.lower() for t in texts)


def test_errors_in_openai_shape(service, tmp_path):
    client = _client(service, max_retries=0)
    bad = tmp_path / "x.mp3"
    bad.write_text("not audio\n" * 50)
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{service}/v1", api_key="wrong", max_retries=0).models.list()
    with pytest.raises(openai.NotFoundError, match="not served"):
        client.audio.transcriptions.create(model="/etc/passwd", file=SAMPLE.open("rb"))  # never a path
    with pytest.raises(openai.BadRequestError):
        client.audio.transcriptions.create(model="whisper-1", file=bad.open("rb"))
    with pytest.raises(openai.BadRequestError, match="response_format"):
        client.audio.transcriptions.create(model="whisper-1", file=SAMPLE.open("rb"), response_format="pdf")
    with pytest.raises(openai.BadRequestError, match="unsupported language"):
        client.audio.transcriptions.create(model="whisper-1", file=SAMPLE.open("rb"), language="Klingon")


def test_a_full_queue_is_429_then_served_on_retry(tmp_path):
    from mediagen import repeated_speech

    with serving(tmp_path, "tight", "--concurrency", "1", "--queue", "0") as tight:
        url = tight.url
        long = repeated_speech(SAMPLE, tmp_path / "minute.wav", 15)  # 60 s: keeps the one slot busy
        patient = _client(url, max_retries=0, timeout=300)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            busy = pool.submit(lambda: patient.audio.transcriptions.create(model="whisper-1", file=long.open("rb")))
            deadline = time.monotonic() + 30
            while httpx.get(f"{url}/health").json()["running"] < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            with pytest.raises(openai.RateLimitError) as refused:
                patient.audio.transcriptions.create(model="whisper-1", file=SAMPLE.open("rb"))
            assert refused.value.response.headers["retry-after"] == "5"
            # OpenAI's client retries a 429 after Retry-After by itself: served once the slot frees
            retrying = _client(url, max_retries=8, timeout=300)
            later = retrying.audio.transcriptions.create(model="whisper-1", file=SAMPLE.open("rb"))
            assert "superlative" in later.text.lower()
            assert "superlative" in busy.result().text.lower()
        metrics = httpx.get(f"{url}/metrics").text
        assert 'linguaflow_asr_requests_total{route="transcriptions",status="429"}' in metrics
        assert 'linguaflow_asr_requests_total{route="transcriptions",status="200"}' in metrics
        audio = float(next(line.split()[1] for line in metrics.splitlines() if line.startswith("linguaflow_asr_audio_seconds_total")))
        assert audio >= 64.0 and "linguaflow_asr_queue_depth 0" in metrics


def test_a_batched_service_answers_with_sentence_segments(tmp_path):
    """`serve --batch-size 4`: each file's speech chunks decoded side by side, same answers."""
    import numpy as np

    from linguaflow.speech import audio
    from mediagen import repeated_speech

    three = repeated_speech(SAMPLE, tmp_path / "three.wav", 3, gap_s=1.0)
    assert len(audio.decode(str(three))) == 15 * 16000
    with serving(tmp_path, "batched", "--batch-size", "4") as served, open(three, "rb") as f:
        out = _client(served.url).audio.transcriptions.create(model="whisper-1", file=f, response_format="verbose_json",
                                                              timestamp_granularities=["segment"])
    assert " ".join(out.text.lower().split()).count("superlative degree") == 3, out.text
    starts = [s.start for s in out.segments]
    assert len(starts) >= 3 and starts == sorted(starts) and np.all(np.diff(starts) > 1)


def test_requests_in_flight_together_share_decoding_batches(tmp_path):
    """`serve --batch-size 4` (concurrency 4): the chunks of the requests running at once are
    decoded in shared batches, each answer its own file's words."""
    from mediagen import repeated_speech

    twice = repeated_speech(SAMPLE, tmp_path / "twice.wav", 2, gap_s=1.0)
    files = [SAMPLE, twice] * 4
    with serving(tmp_path, "shared", "--batch-size", "4") as served:
        client = _client(served.url, max_retries=0, timeout=300)

        def one(path):
            with open(path, "rb") as f:
                return client.audio.transcriptions.create(model="whisper-1", file=f).text.lower()

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            texts = list(pool.map(one, files))
        metrics = dict(line.rsplit(" ", 1) for line in httpx.get(f"{served.url}/metrics").text.splitlines()
                       if not line.startswith("#"))
    assert [t.count("superlative") for t in texts] == [1, 2] * 4, texts
    batches, chunks = float(metrics["linguaflow_asr_batches_total"]), float(metrics["linguaflow_asr_batched_chunks_total"])
    assert chunks == 8 and batches < chunks  # 8 files of one chunk each, not decoded one by one
