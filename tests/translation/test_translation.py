import json
import re
import time

import pytest

from linguaflow.translation import router
from linguaflow.translation.openai_compat import OpenAICompatTranslator
from linguaflow.translation.seq2seq import CTranslate2Translator, TransformersTranslator, split_long
from linguaflow.errors import BackendError, BadInput, MalformedReply, NetworkTimeout, ServiceUnavailable
from linguaflow.translation.llm_prompt import parse_reply

from loopback import Loopback, chat_reply

CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ITEMS = [("7", "The weather is nice today."), ("3", ""), ("9", "I like green tea.")]


# -- reply validation ---------------------------------------------------------------------------

def test_parse_reply_accepts_exact_ids_only():
    assert parse_reply('Sure: {"0": " Hallo ", "1": "Welt"}', ["0", "1"]) == {"0": "Hallo", "1": "Welt"}
    for bad in ['{"0": "Hallo"}', '{"0": "a", "1": "b", "2": "c"}', "no json here", '{"0": "a", "1": ""}', '{"0": 1, "1": "b"}']:
        with pytest.raises(MalformedReply):
            parse_reply(bad, ["0", "1"])


def test_parse_reply_checks_the_target_script():
    assert parse_reply('{"0": "今天天气很好"}', ["0"], "zh") == {"0": "今天天气很好"}
    with pytest.raises(MalformedReply, match="script"):
        parse_reply('{"0": "The weather is nice"}', ["0"], "zh")
    assert parse_reply('{"0": "Das Wetter"}', ["0"], "de")  # Latin targets are not script-checked


# -- a scripted OpenAI-compatible server on loopback, for the error paths --------------------------

class Scripted:
    """Answers /chat/completions from a queue of (status, content or body, delay)."""

    def __init__(self):
        self.replies, self.calls, self.bodies = [], 0, []
        self.server = Loopback(self._answer)
        self.url = self.server.url("/v1")

    def _answer(self, path, headers, body):
        self.calls += 1
        self.bodies.append(json.loads(body))
        status, content, delay = self.replies.pop(0) if self.replies else (200, "{}", 0)
        time.sleep(delay)
        return status, chat_reply(content) if status == 200 else content


@pytest.fixture
def scripted():
    s = Scripted()
    yield s
    s.server.close()


def test_a_malformed_batch_is_split_at_once_and_a_single_item_asked_again_strictly(scripted):
    scripted.replies = [(200, "I cannot do that", 0), (200, '{"7": "x"}', 0), (200, '{"7": "天气很好"}', 0),
                        (200, '{"9": "我喜欢绿茶"}', 0)]
    out = OpenAICompatTranslator("m", base_url=scripted.url).translate(ITEMS, "en", "zh")
    assert out == [("7", "天气很好"), ("3", ""), ("9", "我喜欢绿茶")]
    assert scripted.calls == 4  # the batch once (never the same request again), item 7 twice, item 9 once


def test_one_hard_item_is_kept_as_it_was_and_the_rest_translated(scripted):
    scripted.replies = [(200, "nope", 0), (200, "nope", 0), (200, "still no", 0), (200, '{"9": "我喜欢绿茶"}', 0)]
    out = OpenAICompatTranslator("m", base_url=scripted.url).translate(ITEMS, "en", "zh")
    assert out == [("7", dict(ITEMS)["7"]), ("3", ""), ("9", "我喜欢绿茶")]  # 7 stays as it was: the check flags it


def test_a_route_that_never_answers_is_classified_bad_input(scripted):
    scripted.replies = [(200, "nope", 0)] * 20
    with pytest.raises(MalformedReply) as err:
        OpenAICompatTranslator("m", base_url=scripted.url).translate(ITEMS, "en", "zh")
    assert isinstance(err.value, BadInput)
    assert scripted.calls == 1 + 2 + 2  # the batch once, then each item twice


@pytest.mark.parametrize("status,cls", [(429, ServiceUnavailable), (503, ServiceUnavailable), (500, ServiceUnavailable), (401, BackendError)])
def test_http_errors_map_to_retry_classes(scripted, status, cls):
    scripted.replies = [(status, '{"error": "x"}', 0)]
    with pytest.raises(cls):
        OpenAICompatTranslator("m", base_url=scripted.url).translate(ITEMS, "en", "zh")


def test_timeout_and_refused_connection(scripted):
    scripted.replies = [(200, "{}", 2.0)]
    with pytest.raises(NetworkTimeout):
        OpenAICompatTranslator("m", base_url=scripted.url, timeout_s=0.5).translate(ITEMS, "en", "zh")
    with pytest.raises(ServiceUnavailable):
        OpenAICompatTranslator("m", base_url="http://127.0.0.1:1/v1").translate(ITEMS, "en", "zh")


def test_api_key_comes_from_an_airflow_connection(monkeypatch, scripted):
    monkeypatch.setenv("AIRFLOW_CONN_LLM_TEST", json.dumps({"conn_type": "http", "host": scripted.url, "password": "s3cret"}))
    t = OpenAICompatTranslator("m", conn_id="llm_test")
    assert t.url == scripted.url and t.http.headers["Authorization"] == "Bearer s3cret"


# -- real backends ------------------------------------------------------------------------------

def test_llamacpp_in_process_keeps_ids_order_and_empty_segments():
    out, model = router.translate(ITEMS, "en", "zh")
    assert [i for i, _ in out] == ["7", "3", "9"] and out[1] == ("3", "")
    assert all(CJK.search(t) for i, t in out if i != "3"), out
    assert model == "llamacpp/qwen2.5-0.5b-instruct-q4"


def test_the_default_route_is_the_bundled_1_5b_model_and_its_output_passes_the_language_checks(monkeypatch):
    monkeypatch.delenv("LINGUAFLOW_ROUTES_FILE")  # the tests' small-model route off: what users get
    assert router.route_for("ja").model == "qwen2.5-coder-1.5b-instruct-q4"
    items = [("1", "Please send the quarterly report to the finance team before Friday."),
             ("2", "The meeting has moved to room four.")]
    for target in ("ja", "de"):
        out, route, found = router.translate_checked(items, "en", target)
        flags = {f.flag for v in found.values() for f in v}
        assert route == "llamacpp/qwen2.5-coder-1.5b-instruct-q4" and not flags & {"untranslated", "wrong_language"}, (target, out, found)
        assert all(f.reason for v in found.values() for f in v)  # a meaning flag (the 1.5B errs) says why
        assert [i for i, _ in out] == ["1", "2"] and all(t and t != s for (_, t), (_, s) in zip(out, items))
        if target == "ja":
            assert all(CJK.search(t) for _, t in out), out


def test_openai_compatible_llama_cpp_server(llama_server):
    out = OpenAICompatTranslator("qwen2.5-0.5b", base_url=llama_server).translate(ITEMS, "en", "ja", batch_size=2)
    assert [i for i, _ in out] == ["7", "3", "9"] and out[1] == ("3", "")
    assert all(CJK.search(t) for i, t in out if i != "3"), out


def test_transformers_and_ctranslate2_backends_keep_ids(marian):
    hf = TransformersTranslator(str(marian["transformers"]), max_new_tokens=12)
    ct = CTranslate2Translator(str(marian["ctranslate2"]), compute_type="float32", max_decoding_length=12)
    for backend in (hf, ct):
        out = backend.translate(ITEMS, "en", "de", batch_size=2)
        assert [i for i, _ in out] == ["7", "3", "9"] and out[1] == ("3", "") and out[0][1] and out[2][1]


def test_long_segments_are_split_on_sentence_boundaries(marian):
    hf = TransformersTranslator(str(marian["transformers"]), max_new_tokens=4)
    count = hf._count
    text = "The weather is nice today. I like green tea. This is a test!"
    assert split_long(text, count, 12) == ["The weather is nice today.", "I like green tea.", "This is a test!"]
    assert split_long(text, count, 1000) == [text]
    hf.max_input_tokens = 12
    whole = dict(hf.translate([("0", text)], "en", "de"))["0"]
    parts = [dict(hf.translate([("0", p)], "en", "de"))["0"] for p in split_long(text, count, 12)]
    assert whole == " ".join(parts)


def test_seq2seq_without_a_model_directory_is_bad_input(tmp_path):
    with pytest.raises(BadInput, match="no seq2seq model"):
        TransformersTranslator(str(tmp_path))


# -- routing ------------------------------------------------------------------------------------

def test_unknown_language_and_bad_route_are_refused(monkeypatch):
    with pytest.raises(BadInput, match="unsupported language"):
        router.route_for("klingon")
    monkeypatch.setenv("LINGUAFLOW_ROUTES", '{"de": {"backend": "babelfish", "model": "x"}}')
    with pytest.raises(BadInput, match="bad route"):
        router.route_for("de")


def test_same_language_is_passed_through_not_translated():
    assert router.translate(ITEMS, "en", "en") == (ITEMS, "source")


def test_routing_file_then_env_override(tmp_path, monkeypatch):
    f = tmp_path / "routes.json"
    f.write_text(json.dumps({"de": {"backend": "transformers", "model": "/models/opus-mt-en-de", "pool": "mt_local"},
                             "ja": {"backend": "openai", "model": "qwen", "pool": "llm", "options": {"conn_id": "llm"}}}))
    monkeypatch.setenv("LINGUAFLOW_ROUTES_FILE", str(f))
    monkeypatch.setenv("LINGUAFLOW_ROUTES", '{"de": {"backend": "ctranslate2", "model": "/models/opus-mt-en-de-ct2"}}')
    assert router.route_for("de").backend == "ctranslate2" and router.route_for("de").pool == "default_pool"
    assert router.route_for("ja").options == {"conn_id": "llm"} and router.route_for("zh").backend == "llamacpp"
    assert router.pools() == {"default_pool": 1, "llm": None}  # the in-process LLM runs one at a time


def test_non_transient_failure_falls_back(monkeypatch, tmp_path):
    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({"zh": {
        "backend": "transformers", "model": str(tmp_path / "missing"),
        "fallback": {"backend": "llamacpp", "model": "qwen2.5-0.5b-instruct-q4"}}}))
    out, model = router.translate(ITEMS, "en", "zh")
    assert model == "llamacpp/qwen2.5-0.5b-instruct-q4" and CJK.search(out[0][1])


def test_transient_failure_is_not_fallen_back_but_retried_by_airflow(monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({"zh": {
        "backend": "openai", "model": "m", "options": {"base_url": "http://127.0.0.1:1/v1"},
        "fallback": {"backend": "llamacpp", "model": "qwen2.5-0.5b-instruct-q4"}}}))
    with pytest.raises(ServiceUnavailable):
        router.translate(ITEMS, "en", "zh")
