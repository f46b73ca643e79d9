"""Several chats decoded together by one GGUF model in-process: llama.cpp with continuous batching.

Generating a token on a CPU reads every weight once per step, however many sequences the step
holds, so chats answered side by side (the languages of a run, the batches of one language, the
tasks of a service) cost little more than one (bench/RESULTS.md, "llama.cpp batch cost").
Callers in any thread call `ask(messages, max_tokens)` and wait; one decoding thread admits
waiting chats into free sequence slots, reads their prompts in the same llama_decode that advances
every running chat by one token, and answers each chat when it ends. Decoding is greedy
(temperature 0, no repeat penalty), as the route's one-chat-at-a-time engine.
"""

from __future__ import annotations

import ctypes
import logging
import os
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np

from ..weights import resolve_gguf
from .llamacpp import max_tokens_for
from .llm_prompt import translate_batches

log = logging.getLogger(__name__)

CTX_PER_SLOT = 2048  # a route's prompt (8 segments, one worked example) and its reply fit in ~1.2 k
UBATCH = 512  # llama.cpp's compute buffer grows with it: 8192 took 4.8 GB for the 1.5B model
# A language's chats share their start (instructions and the worked example: 126 of ~240 tokens;
# 126 of a single item's 144), as the one-chat engine reuses its last prompt. Starts are kept in
# the cache and copied into a new chat's sequence (cells shared, nothing computed again).
KEPT = 12  # starts kept (least recently used dropped): a language, its stricter prompt, its glossary, its estimate
KEPT_TOKENS = 512  # the longest start kept
SAME_START = 32  # chats sharing fewer first tokens are of different kinds (languages share 7)
# A scored chat (the quality estimate's: a short instruction, then the text) shares ~22 tokens with
# the others of its language, 5 with another language's: kept from 16 on.
SCORED_SAME_START = 16


@dataclass(frozen=True)
class Reply:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish: str  # "stop" (end of generation or a stop string) or "length" (the token budget)


@dataclass(eq=False)  # a chat is itself: found in and removed from lists by identity
class _Chat:
    prompt: list[int]
    max_tokens: int
    stop: list[str]
    answer: Future = field(default_factory=Future)
    out: list[int] = field(default_factory=list)
    slot: int = -1
    pos: int = 0  # tokens of this chat in the cache
    logit_row: int = -1  # its row of logits in the last decode
    forced: list[int] | None = None  # a reply to score, not to generate: its tokens' log-probabilities are the answer
    same_start: int = SAME_START  # the fewest first tokens it must share with a kept start to reuse it


@dataclass(eq=False)
class _Start:
    """A prompt start kept in the cache under its own sequence id."""
    seq: int
    tokens: list[int]


def _common(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


class BatchedLlama:
    """One model, `slots` sequences in one context, a decoding thread; `ask` is thread-safe."""

    def __init__(self, model: str, slots: int | None = None, ctx_per_slot: int = CTX_PER_SLOT, threads: int | None = None):
        """`slots`: chats decoded at once (default `LINGUAFLOW_MT_SLOTS`)."""
        import llama_cpp.llama_cpp as L
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        from ..settings import settings

        slots = slots or settings().mt_slots
        path = str(resolve_gguf(model))
        self.model_name, self.L, self.slots, self.ctx_per_slot = model, L, slots, ctx_per_slot
        # the tokenizer and chat template as llama-cpp-python's own chat completion reads them
        self.vocab_llm = Llama(path, vocab_only=True, verbose=False)
        eos, bos = self.vocab_llm.token_eos(), self.vocab_llm.token_bos()
        text = self.vocab_llm._model.token_get_text
        self.formatter = Jinja2ChatFormatter(template=self.vocab_llm.metadata["tokenizer.chat_template"],
                                             eos_token=text(eos) if eos != -1 else "", bos_token=text(bos) if bos != -1 else "",
                                             stop_token_ids=[eos])
        L.llama_backend_init()
        self.model = L.llama_model_load_from_file(path.encode(), L.llama_model_default_params())
        if not self.model:
            raise RuntimeError(f"llama.cpp could not load {path}")
        cp = L.llama_context_default_params()
        cp.n_ctx = slots * ctx_per_slot + KEPT * KEPT_TOKENS
        cp.n_batch = cp.n_ctx  # a step may hold every running chat and every prompt admitted,
        cp.n_ubatch = UBATCH  # computed UBATCH tokens at a time (a small compute buffer)
        cp.n_seq_max = slots + KEPT
        cp.kv_unified = True  # the slots share one cache: a long chat may use what a short one leaves
        cp.n_threads = cp.n_threads_batch = threads or os.cpu_count()
        self.ctx = L.llama_init_from_model(self.model, cp)
        self.vocab = L.llama_model_get_vocab(self.model)
        self.n_vocab = L.llama_vocab_n_tokens(self.vocab)
        self.batch = L.llama_batch_init(cp.n_batch, 0, slots)
        self.memory = L.llama_get_memory(self.ctx)
        self.waiting: queue.SimpleQueue[_Chat | None] = queue.SimpleQueue()
        self.steps = self.tokens = 0  # decode calls, tokens generated: the figures of a benchmark
        self.prompt_tokens = self.reused_tokens = 0  # prompt tokens asked, of which taken from a kept start
        self.kept: list[_Start] = []  # least recently used first
        self._closed = False
        self.thread = threading.Thread(target=self._run, name=f"batched-llama-{model}", daemon=True)
        self.thread.start()

    # -- the callers' side --------------------------------------------------------------------

    def ask(self, messages: list[dict], max_tokens: int) -> str:
        """The model's reply to one chat (greedy), decoded alongside whatever else is asked."""
        return self.chat(messages, max_tokens).text

    def chat(self, messages: list[dict], max_tokens: int) -> Reply:
        """`ask`, with the token counts and why the reply ended (what an OpenAI-style answer reports);
        ValueError when the prompt does not fit a slot."""
        formatted, prompt = self._prompt(messages)
        if len(prompt) + max_tokens > self.ctx_per_slot:
            max_tokens = self.ctx_per_slot - len(prompt)
            if max_tokens <= 0:
                raise ValueError(f"a prompt of {len(prompt)} tokens does not fit a slot of {self.ctx_per_slot}")
        stop = formatted.stop if isinstance(formatted.stop, list) else [formatted.stop] if formatted.stop else []
        chat = _Chat(prompt, max_tokens, stop)
        text = self._answer(chat)
        return Reply(text, len(prompt), len(chat.out), "length" if len(chat.out) >= chat.max_tokens else "stop")

    def score(self, messages: list[dict], reply: str) -> list[float]:
        """The log-probability of each token of `reply` (and of the end of the turn after it) as the
        model's answer to `messages`: forced decoding, one prompt read, nothing generated."""
        formatted, prompt = self._prompt(messages)
        forced = self.vocab_llm.tokenize(reply.encode(), add_bos=False, special=False) + [self._end_of_turn(formatted)]
        if len(prompt) + len(forced) > self.ctx_per_slot:
            raise ValueError(f"a prompt and reply of {len(prompt) + len(forced)} tokens do not fit a slot of {self.ctx_per_slot}")
        return self._answer(_Chat(prompt, 0, [], forced=forced, same_start=SCORED_SAME_START))

    def _prompt(self, messages: list[dict]):
        """The chat formatted by the model's template, and its tokens."""
        formatted = self.formatter(messages=messages)
        return formatted, self.vocab_llm.tokenize(formatted.prompt.encode(), add_bos=not formatted.added_special, special=True)

    def _answer(self, chat: _Chat):
        """Hand a chat to the decoding thread and wait for its answer."""
        if self._closed:
            raise RuntimeError("the batched engine is closed")
        self.waiting.put(chat)
        return chat.answer.result()

    def _end_of_turn(self, formatted) -> int:
        stop = formatted.stop[0] if isinstance(formatted.stop, list) and formatted.stop else formatted.stop
        if stop:
            ids = self.vocab_llm.tokenize(stop.encode(), add_bos=False, special=True)
            if len(ids) == 1:
                return ids[0]
        return self.vocab_llm.token_eos()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.waiting.put(None)  # wakes a decoding thread waiting for chats
        self.thread.join(timeout=60)
        if self.thread.is_alive():  # a step longer than a minute: leak the context rather than free it under the thread
            log.error("the batched decoder did not stop within 60 s; its memory is kept")
            return
        self.L.llama_batch_free(self.batch)
        self.L.llama_free(self.ctx)
        self.L.llama_model_free(self.model)

    # -- the decoding thread ------------------------------------------------------------------

    def _run(self) -> None:
        running: list[_Chat] = []
        free = list(range(self.slots))
        while not self._closed:  # closed: stop between steps, even with every slot busy
            fresh = self._admit(running, free)
            if fresh is None:
                break
            if not running:
                continue
            try:
                self._step(running, fresh)
            except Exception as exc:  # noqa: BLE001 - every waiting caller hears of it
                log.exception("batched decoding failed")
                for chat in running:
                    self._end(chat, free, error=exc)
                running.clear()
                continue
            for chat in [c for c in running if c.forced is not None]:  # scored in the step that read it
                self._end(chat, free, scores=self._logprobs(chat))
                running.remove(chat)
            for chat in list(running):
                token = self._argmax(chat.logit_row)
                if self.L.llama_vocab_is_eog(self.vocab, token):
                    self._end(chat, free)
                    running.remove(chat)
                    continue
                chat.out.append(token)
                self.tokens += 1
                if len(chat.out) >= chat.max_tokens or self._stopped(chat):
                    self._end(chat, free)
                    running.remove(chat)
        closed = RuntimeError("the batched engine was closed")
        for chat in running:
            self._end(chat, free, error=closed)
        while True:  # chats that came in while it closed: answered too, nobody waits forever
            try:
                chat = self.waiting.get_nowait()
            except queue.Empty:
                break
            if chat is not None:
                chat.answer.set_exception(closed)

    def _admit(self, running: list[_Chat], free: list[int]) -> list[_Chat] | None:
        """Chats waiting, as many as there are free slots (blocks while nothing runs); None: closed."""
        fresh = []
        while free:
            try:
                chat = self.waiting.get(block=not running and not fresh)
            except queue.Empty:
                break
            if chat is None:
                return None
            chat.slot = free.pop()
            running.append(chat)
            fresh.append(chat)
        return fresh

    def _step(self, running: list[_Chat], fresh: list[_Chat]) -> None:
        b, row = self.batch, 0
        for chat in running:
            if chat in fresh:
                chat.pos = self._reuse_start(chat)
                tokens = chat.prompt[chat.pos:] + (chat.forced[:-1] if chat.forced else [])
            else:
                tokens = chat.out[-1:]
            # a generated chat needs the last token's logits; a scored one those of each token before a forced one
            wanted = len(chat.forced) if chat.forced is not None and chat in fresh else 1
            for k, token in enumerate(tokens):
                b.token[row], b.pos[row], b.n_seq_id[row] = token, chat.pos + k, 1
                b.seq_id[row][0] = chat.slot
                b.logits[row] = k >= len(tokens) - wanted
                row += 1
            chat.pos += len(tokens)
            chat.logit_row = row - 1
        b.n_tokens = row
        status = self.L.llama_decode(self.ctx, b)
        if status != 0:
            raise RuntimeError(f"llama_decode returned {status}")
        self.steps += 1
        for chat in fresh:
            self._keep_start(chat)

    def _reuse_start(self, chat: _Chat) -> int:
        """Copy the kept start this chat shares most into its sequence; how many tokens that is."""
        self.prompt_tokens += len(chat.prompt)
        best = max(self.kept, key=lambda k: _common(k.tokens, chat.prompt), default=None)
        # the last prompt token is always decoded: its logits give the reply's first token
        shared = min(_common(best.tokens, chat.prompt), len(chat.prompt) - 1) if best else 0
        if shared < chat.same_start:
            return 0
        self.L.llama_memory_seq_cp(self.memory, best.seq, chat.slot, 0, shared)
        self.kept.remove(best)
        self.kept.append(best)
        self.reused_tokens += shared
        return shared

    def _keep_start(self, chat: _Chat) -> None:
        """After a chat's prompt is in the cache: narrow the kept start of its kind to what the two
        share, or keep its prompt as the start of a new kind (dropping the least recently used)."""
        best = max(self.kept, key=lambda k: _common(k.tokens, chat.prompt), default=None)
        shared = _common(best.tokens, chat.prompt) if best else 0
        if shared >= chat.same_start:
            if shared < len(best.tokens):
                self.L.llama_memory_seq_rm(self.memory, best.seq, shared, -1)
                best.tokens = best.tokens[:shared]
            return
        if len(self.kept) < KEPT:
            start = _Start(self.slots + len(self.kept), [])
        else:
            start = self.kept.pop(0)
            self.L.llama_memory_seq_rm(self.memory, start.seq, -1, -1)
        start.tokens = chat.prompt[:KEPT_TOKENS]
        self.L.llama_memory_seq_cp(self.memory, chat.slot, start.seq, 0, len(start.tokens))
        self.kept.append(start)

    def _logits(self, row: int) -> np.ndarray:
        ptr = self.L.llama_get_logits_ith(self.ctx, row)
        return np.ctypeslib.as_array(ctypes.cast(ptr, ctypes.POINTER(ctypes.c_float)), shape=(self.n_vocab,))

    def _argmax(self, row: int) -> int:
        return int(self._logits(row).argmax())

    def _logprobs(self, chat: _Chat) -> list[float]:
        first = chat.logit_row - len(chat.forced) + 1
        out = []
        for k, token in enumerate(chat.forced):
            logits = self._logits(first + k).astype(np.float64)
            top = logits.max()
            out.append(float(logits[token] - top - np.log(np.exp(logits - top).sum())))
        return out

    def _text(self, chat: _Chat) -> str:
        return self.vocab_llm.detokenize(chat.out).decode("utf-8", errors="ignore")

    def _stopped(self, chat: _Chat) -> bool:
        return bool(chat.stop) and any(s in self._text(chat)[-64:] for s in chat.stop)

    def _end(self, chat: _Chat, free: list[int], error: BaseException | None = None, scores: list[float] | None = None) -> None:
        self.L.llama_memory_seq_rm(self.memory, chat.slot, -1, -1)
        free.append(chat.slot)
        if error is not None:
            chat.answer.set_exception(error)
            return
        if scores is not None:
            chat.answer.set_result(scores)
            return
        text = self._text(chat)
        for s in chat.stop:
            text = text.split(s, 1)[0]
        chat.answer.set_result(text)


class BatchedLlamaTranslator:
    """The `llamacpp-batched` backend: a route's batches of one task asked at once, and decoded
    side by side with whatever else the process asks of the same model."""

    def __init__(self, model: str):
        import atexit

        self.model = model
        self.engine = BatchedLlama(model)
        self.parallel = self.engine.slots  # chats one task may ask at once (its batches, its second tries)
        atexit.register(self.engine.close)  # the decoding thread ends before interpreter teardown

    def _ask(self, messages: list[dict]) -> str:
        return self.engine.ask(messages, max_tokens_for(messages))

    def translate(self, items, source, target, batch_size: int = 8, terms: dict | None = None):
        return translate_batches(self._ask, items, source, target, batch_size, terms=terms, parallel=self.parallel)


_loading = threading.Lock()
_engines: dict[str, BatchedLlamaTranslator] = {}


def get(model: str) -> BatchedLlamaTranslator:
    """The process's engine for a model, loaded once even when several threads ask at once."""
    with _loading:
        if model not in _engines:
            _engines[model] = BatchedLlamaTranslator(model)
        return _engines[model]


def close(model: str) -> None:
    """Stop the model's engine now (its callers get an error) and forget it: a run interrupted
    while languages decode in threads must not wait for them to finish."""
    with _loading:
        made = _engines.pop(model, None)
    if made is not None:
        made.engine.close()
