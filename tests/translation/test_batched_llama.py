"""The batched in-process engine: chats asked from several threads are decoded side by side by one
model (the bundled 0.5B GGUF), each caller gets its own validated reply."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from linguaflow.translation import llamacpp, llm_prompt
from linguaflow.translation.batched_llama import BatchedLlama

CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ITEMS = [("1", "The weather is nice today."), ("2", "I like green tea.")]


@pytest.fixture(scope="module")
def engine():
    e = BatchedLlama("qwen2.5-0.5b-instruct-q4", slots=4, ctx_per_slot=1024)
    yield e
    e.close()


def test_languages_asked_at_once_are_decoded_together_and_each_gets_its_reply(engine):
    def ask(messages):
        return engine.ask(messages, llamacpp.max_tokens_for(messages))

    with ThreadPoolExecutor(3) as pool:
        futures = {lang: pool.submit(llm_prompt.translate_batches, ask, ITEMS, "en", lang) for lang in ("de", "zh", "fr")}
        out = {lang: f.result() for lang, f in futures.items()}
    for lang, pairs in out.items():
        assert [i for i, _ in pairs] == ["1", "2"] and all(t and t != s for (_, t), (_, s) in zip(pairs, ITEMS)), (lang, pairs)
    assert all(CJK.search(t) for _, t in out["zh"]), out["zh"]
    # three replies of many tokens each took far fewer decoding steps than tokens: side by side
    assert engine.tokens > 30 and engine.steps < 0.6 * engine.tokens, (engine.steps, engine.tokens)


def test_a_reply_stops_at_its_token_budget_and_the_slot_is_reused(engine):
    chat = llm_prompt.messages(ITEMS, "en", "de")
    short = engine.ask(chat, max_tokens=3)
    assert 0 < len(short) < 40
    for _ in range(6):  # more chats than slots, one after another: every slot comes back
        assert engine.ask(chat, max_tokens=2)


def test_a_closed_engine_refuses_new_chats():
    e = BatchedLlama("qwen2.5-0.5b-instruct-q4", slots=1, ctx_per_slot=512)
    e.close()
    with pytest.raises(RuntimeError, match="closed"):
        e.ask([{"role": "user", "content": "hi"}], max_tokens=2)


def test_a_route_naming_the_batched_backend_translates_every_batch_of_a_task(monkeypatch):
    from linguaflow.translation import router

    monkeypatch.setenv("LINGUAFLOW_ROUTES", '{"zh": {"backend": "llamacpp-batched", "model": "qwen2.5-0.5b-instruct-q4", "batch_size": 1}}')
    out, route, flags = router.translate_checked(ITEMS + [("3", "")], "en", "zh")
    assert route == "llamacpp-batched/qwen2.5-0.5b-instruct-q4"
    assert [i for i, _ in out] == ["1", "2", "3"] and out[2] == ("3", "") and all(CJK.search(t) for _, t in out[:2]), out
