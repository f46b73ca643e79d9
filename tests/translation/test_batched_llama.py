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


def test_languages_on_one_in_process_model_are_decoded_together_only_in_that_context(monkeypatch):
    from linguaflow.translation import backends, batched_llama, router

    monkeypatch.setenv("LINGUAFLOW_ROUTES", '{"ja": {"backend": "openai", "model": "m", "options": {"base_url": "http://127.0.0.1:9/v1"}},'
                                            ' "es": {"backend": "llamacpp", "model": "other-q4"}}')
    # "*" is the small model's llamacpp route: de, zh, fr share it; ja (remote) and es (another model) do not
    assert router.decoded_with("de", ["de", "zh", "ja", "es", "fr", "zh"]) == ["zh", "fr"]
    assert router.decoded_with("ja", ["de", "ja", "zh"]) == []
    route = router.route_for("de")
    assert isinstance(router.backend(route), llamacpp.LlamaCppTranslator)
    with backends.decoded_together():
        together = router.backend(route)
    assert isinstance(together, batched_llama.BatchedLlamaTranslator) and together is batched_llama.get(route.model)
    assert isinstance(router.backend(route), llamacpp.LlamaCppTranslator)  # outside: the one-chat engine again


def test_closing_with_every_slot_busy_stops_between_steps_and_answers_every_caller():
    import time

    e = BatchedLlama("qwen2.5-0.5b-instruct-q4", slots=2, ctx_per_slot=1024)
    chat = llm_prompt.messages(ITEMS, "en", "de")
    with ThreadPoolExecutor(3) as pool:  # two decoding, one waiting for a slot
        futures = [pool.submit(e.ask, chat, 400) for _ in range(3)]
        while e.tokens < 4:
            time.sleep(0.05)
        began = time.monotonic()
        e.close()
        errors = [f.exception(timeout=30) for f in futures]
    assert time.monotonic() - began < 10 and all(isinstance(x, RuntimeError) and "closed" in str(x) for x in errors), errors


def test_a_chat_starting_like_an_earlier_one_reuses_its_start_from_the_cache():
    from linguaflow.translation import batched_llama

    e = BatchedLlama("qwen2.5-0.5b-instruct-q4", slots=2, ctx_per_slot=1024)
    try:
        def ask(items, lang):
            chat = llm_prompt.messages(items, "en", lang)
            return e.ask(chat, llamacpp.max_tokens_for(chat))

        first = ask(ITEMS, "zh")
        assert e.reused_tokens == 0
        second = ask([("1", "The train leaves at seven."), ("2", "I like green tea.")], "zh")
        shared = e.reused_tokens
        assert shared >= batched_llama.SAME_START and CJK.search(second), (shared, second)
        ask(ITEMS, "de")  # another language: its instructions differ from the first tokens on
        assert e.reused_tokens == shared
        # the kept start was narrowed to what the two Chinese chats share: a third reuses exactly that
        again = ask(ITEMS, "zh")
        assert e.reused_tokens == 2 * shared and CJK.search(again) and CJK.search(first), (again, first)
        assert sorted(len(k.tokens) for k in e.kept)[0] == shared and len(e.kept) == 2  # one start per language
    finally:
        e.close()


def test_a_given_reply_is_scored_token_by_token_and_the_models_own_answer_scores_above_a_wrong_one(engine):
    """Forced decoding (the quality estimate's reading): nothing generated, one log-probability per
    token of the reply and one for the end of the turn; a chat scored while others decode gets the
    same estimate as alone."""
    from linguaflow.translation import estimate

    chat = estimate.chat("The meeting has moved to room four.", "en", "de")
    own = engine.ask(chat, max_tokens=24)
    tokens = engine.vocab_llm.tokenize(own.encode(), add_bos=False, special=False)
    alone = engine.score(chat, own)
    assert len(alone) == len(tokens) + 1 and all(x <= 0 for x in alone)
    wrong = engine.score(chat, "Die Sitzung hat am Donnerstag verschobert.")
    assert estimate.geometric_mean(alone) > estimate.geometric_mean(wrong) + 0.2, (own, alone, wrong)
    with ThreadPoolExecutor(3) as pool:
        busy = [pool.submit(engine.ask, llm_prompt.messages(ITEMS, "en", lang), 40) for lang in ("fr", "es")]
        together = pool.submit(engine.score, chat, own).result()
        [b.result() for b in busy]
    # the same up to the arithmetic of other batch shapes (a few hundredths on a token; exact when reproducible)
    assert len(together) == len(alone) and estimate.geometric_mean(together) == pytest.approx(estimate.geometric_mean(alone), abs=0.03)


def test_reproducible_a_chats_reply_and_score_are_the_same_alone_beside_others_and_after_other_prompts():
    """Batch invariance: greedy decoding turns a last-bit difference at a near tie into another
    word, and llama.cpp's sums depend on the batch; the engine keeps a chat's rows on kernels that
    do not, so a reply is a function of its chat alone (reproducible whatever else runs)."""
    items = ITEMS + [("3", "The train to Berlin leaves at half past seven from platform four."),
                     ("4", "Please send the quarterly report to the finance team before Friday.")]
    chats = {lang: llm_prompt.messages(items, "en", lang) for lang in ("de", "zh", "ja", "fr")}

    def replies(e, langs):
        with ThreadPoolExecutor(len(langs)) as pool:
            futures = {lang: pool.submit(e.chat, chats[lang], 96) for lang in langs}
            return {lang: f.result() for lang, f in futures.items()}

    first = BatchedLlama("qwen2.5-0.5b-instruct-q4", slots=4, ctx_per_slot=1024, reproducible=True)
    try:
        alone = {lang: first.chat(chat, 96) for lang, chat in chats.items()}  # one at a time, nothing kept yet
        together = replies(first, list(chats))  # four at once, each reusing its language's kept start
        assert first.reused_tokens > 0
    finally:
        first.close()
    second = BatchedLlama("qwen2.5-0.5b-instruct-q4", slots=3, ctx_per_slot=1024, reproducible=True)
    try:
        second.chat(llm_prompt.messages(ITEMS[:1], "en", "ja"), 8)  # another history: a shorter Japanese chat first
        mixed = replies(second, ["ja", "fr", "zh"]) | replies(second, ["de"])
    finally:
        second.close()
    assert sum(r.completion_tokens for r in alone.values()) > 100
    for lang in chats:
        assert together[lang] == alone[lang] and mixed[lang] == alone[lang], (lang, alone[lang], together[lang], mixed[lang])
    from linguaflow.translation import estimate

    third = BatchedLlama("qwen2.5-0.5b-instruct-q4", slots=3, ctx_per_slot=1024, reproducible=True)
    try:  # a reply scored alone, then while other chats decode, after its own prompt was kept
        chat = estimate.chat("The meeting has moved to room four.", "en", "de")
        alone_score = third.score(chat, alone["de"].text[:60])
        with ThreadPoolExecutor(3) as pool:
            busy = [pool.submit(third.ask, chats[lang], 40) for lang in ("fr", "zh")]
            assert pool.submit(third.score, chat, alone["de"].text[:60]).result() == alone_score
            [b.result() for b in busy]
    finally:
        third.close()
