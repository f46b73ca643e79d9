"""`linguaflow serve-mt` on loopback with OpenAI's own Python client (the bundled 0.5B
GGUF): a chat completion in OpenAI's shape, the `openai` route translating through it with its
batches asked at once, a full queue answered 429, the API key and errors in OpenAI's shape."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time

import httpx
import pytest

from conftest import free_port
from linguaflow.translation import backends, llm_prompt

openai = pytest.importorskip("openai")
CLI = os.path.join(os.path.dirname(sys.executable), "linguaflow")
KEY = "test-key-" + "y" * 24
MODEL = "qwen2.5-0.5b-instruct-q4"
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ITEMS = [("1", "The weather is nice today."), ("2", "I like green tea."), ("3", "The train leaves at seven.")]


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("mt") / "serve.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([CLI, "serve-mt", "--port", str(port), "--model", MODEL, "--slots", "2",
                                 "--queue", "0"], stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "LINGUAFLOW_SERVE_API_KEY": KEY}, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while not _ready(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(log_path.read_text()[-3000:])
        time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def _ready(url) -> bool:
    try:
        r = httpx.get(f"{url}/health", timeout=2)
        return r.status_code == 200 and r.json()["status"] == "ok"
    except httpx.HTTPError:
        return False


def test_the_openai_client_gets_a_chat_completion_in_openai_shape(service):
    client = openai.OpenAI(base_url=f"{service}/v1", api_key=KEY)
    assert [m.id for m in client.models.list()] == [MODEL]
    reply = client.chat.completions.create(model=MODEL, messages=llm_prompt.messages(ITEMS[:1], "en", "de"), temperature=0)
    choice = reply.choices[0]
    assert choice.message.role == "assistant" and choice.finish_reason == "stop"
    assert llm_prompt.parse_reply(choice.message.content, ["1"])["1"] != ITEMS[0][1]
    assert reply.usage.prompt_tokens > 50 and 0 < reply.usage.completion_tokens < 200
    cut = client.chat.completions.create(model=MODEL, messages=llm_prompt.messages(ITEMS, "en", "de"), max_tokens=4)
    assert cut.choices[0].finish_reason == "length" and cut.usage.completion_tokens == 4


def test_an_openai_route_translates_through_the_service_with_its_batches_at_once(service, monkeypatch):
    monkeypatch.setenv("MT_SERVICE_KEY", KEY)
    route = backends.translator("openai", MODEL, {"base_url": f"{service}/v1", "api_key_env": "MT_SERVICE_KEY", "parallel": 2})
    out = route.translate(ITEMS, "en", "zh", batch_size=1)  # three batches, two decoded side by side
    assert [i for i, _ in out] == ["1", "2", "3"] and all(CJK.search(t) for _, t in out), out
    metrics = httpx.get(f"{service}/metrics").text
    assert re.search(r'linguaflow_mt_requests_total\{status="200"\} [3-9]', metrics), metrics
    assert re.search(r"linguaflow_mt_completion_tokens_total [1-9]", metrics)


def test_a_full_service_answers_429_and_the_key_and_mistakes_in_openai_shape(service):
    bare = openai.OpenAI(base_url=f"{service}/v1", api_key=KEY, max_retries=0)
    long = llm_prompt.messages(ITEMS, "en", "ja")
    busy = [threading.Thread(target=lambda: bare.chat.completions.create(model=MODEL, messages=long, max_tokens=80))
            for _ in range(2)]
    for t in busy:
        t.start()
    deadline = time.monotonic() + 30
    while httpx.get(f"{service}/health").json()["running"] < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(openai.RateLimitError):  # two slots busy, no queue
        bare.chat.completions.create(model=MODEL, messages=long, max_tokens=5)
    for t in busy:
        t.join()
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{service}/v1", api_key="wrong", max_retries=0).models.list()
    with pytest.raises(openai.NotFoundError, match="not served here"):
        bare.chat.completions.create(model="gpt-4o", messages=long)
    with pytest.raises(openai.BadRequestError, match="stream"):
        bare.chat.completions.create(model=MODEL, messages=long, stream=True)
    with pytest.raises(openai.BadRequestError, match="messages"):
        bare.chat.completions.create(model=MODEL, messages=[])
