import re

import pytest

from linguaflow import translate
from linguaflow.errors import BadInput
from linguaflow.translate import MalformedReply, parse_reply

CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_parse_reply_accepts_exact_ids_only():
    assert parse_reply('Sure: {"0": " Hallo ", "1": "Welt"}', ["0", "1"]) == {"0": "Hallo", "1": "Welt"}
    for bad in ['{"0": "Hallo"}', '{"0": "a", "1": "b", "2": "c"}', "no json here", '{"0": "a", "1": ""}', '{"0": 1, "1": "b"}']:
        with pytest.raises(MalformedReply):
            parse_reply(bad, ["0", "1"])


def test_unknown_language_is_refused():
    with pytest.raises(BadInput, match="unsupported language"):
        translate.route_for("klingon")


def test_same_language_is_passed_through_not_translated():
    items = [("0", "hello"), ("1", "")]
    assert translate.translate(items, "en", "en") == (items, "source")


def test_routing_table_env_override(monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_ROUTES", '{"de": {"backend": "llamacpp", "model": "/models/de.gguf", "batch_size": 2}}')
    assert translate.route_for("de").model == "/models/de.gguf"
    assert translate.route_for("ja").model == translate.DEFAULT_ROUTES["*"]["model"]


def test_llamacpp_keeps_ids_order_and_empty_segments():
    """The bundled GGUF model really translates; ids come back in order, empty stays empty."""
    items = [("7", "The weather is nice today."), ("3", ""), ("9", "I like green tea.")]
    out, model = translate.translate(items, "en", "zh")
    assert [i for i, _ in out] == ["7", "3", "9"]
    assert out[1] == ("3", "")
    assert all(CJK.search(t) for i, t in out if i != "3"), out
    assert model == "llamacpp/qwen2.5-0.5b-instruct-q4"
