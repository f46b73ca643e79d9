"""Several chats decoded together by one GGUF model in-process: llama.cpp with continuous batching.

Generating a token on a CPU reads every weight once per step, however many sequences the step
holds, so chats answered side by side (the languages of a run, the batches of one language, the
tasks of a service) cost little more than one (bench/RESULTS.md, "llama.cpp batch cost").
Callers in any thread call `ask(messages, max_tokens)` and wait; one decoding thread admits
waiting chats into free sequence slots, reads each new prompt, advances every running chat by one
token per step, and answers each chat when it ends. Decoding is greedy (temperature 0, no repeat
penalty), as the route's one-chat-at-a-time engine.

Reproducible decoding (`reproducible=True`, `LINGUAFLOW_MT_REPRODUCIBLE`): a chat's reply is
then a function of the chat alone, the same tokens whether it is decoded alone or beside others,
first or after other prompts (bench/RESULTS.md, "Batch-invariant decoding"). llama.cpp's CPU
kernels sum in an order that depends on the batch, and greedy decoding turns a last-bit
difference at a near tie into another word; so every row of a chat stays on kernels whose result
per row does not depend on the rows around it:
- weights are not repacked (the repacked Q4_K kernels treat groups of 4 rows differently from
  the rest);
- a prompt is read in decodes of at least `MIN_PROMPT_ROWS` rows (below 8 rows llama.cpp
  multiplies K-quants by another kernel);
- a step advances at most `MAX_STEP_ROWS` chats per decode (the same one-row kernel as alone).
It costs the gain of decoding side by side on a 2-core CPU (the repacked kernels are what make 4
rows cheap), so it is off by default. Either way each chat has its own cache stream (cells in
position order, as alone), flash attention is off (its CPU kernel splits the cache by the number of
queries) and a prompt is read in its own decodes, never mixed with other chats' rows.
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
UBATCH = 512  # prompt tokens per decode; llama.cpp's compute buffer grows with it: 8192 took 4.8 GB for the 1.5B model
# The kernels' limits (llama.cpp's CPU backend, vendored in llama-cpp-python 0.3.36): a K-quant
# product of 8 rows or more takes the tiled kernel, fewer the one-row kernel; each gives every
# row the same result whatever the other rows, but not the same as the other kernel.
MIN_PROMPT_ROWS = 8
MAX_STEP_ROWS = 7
# A language's chats share their start (instructions and the worked example: 126 of ~240 tokens;
# 126 of a single item's 144), as the one-chat engine reuses its last prompt. A start is kept as
# its cache cells' bytes (llama.cpp's sequence state, ~28 KB a token for the 1.5B model) and
# written into a new chat's stream: nothing computed again.
KEPT = 12  # starts kept (least recently used dropped): a language, its stricter prompt, its glossary, its estimate
KEPT_TOKENS = 512  # the most tokens of a start reused (its state holds the whole prompt it came from)
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
    scores: list[float] = field(default_factory=list)  # a scored chat's log-probabilities so far
    done: bool = False  # answered: leaves the running list after this step
    forced: list[int] | None = None  # a reply to score, not to generate: its tokens' log-probabilities are the answer
    same_start: int = SAME_START  # the fewest first tokens it must share with a kept start to reuse it


@dataclass(eq=False)
class _Start:
    """A prompt start kept outside the cache: its tokens, and the cells of the prompt it came from
    (llama.cpp's sequence state; `tokens` may be narrower than what the state holds)."""
    tokens: list[int]
    state: ctypes.Array


def _prompt_chunks(n: int, least: int) -> list[int]:
    """Decode sizes for n prompt rows: at most UBATCH each, none under `least` (when n allows)."""
    sizes = []
    while n > UBATCH:
        take = UBATCH if n - UBATCH >= least else n - least
        sizes.append(take)
        n -= take
    return sizes + [n]


def _common(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


class BatchedLlama:
    """One model, `slots` sequences in one context, a decoding thread; `ask` is thread-safe."""

    def __init__(self, model: str, slots: int | None = None, ctx_per_slot: int = CTX_PER_SLOT, threads: int | None = None,
                 reproducible: bool | None = None):
        """`slots`: chats decoded at once (default `LINGUAFLOW_MT_SLOTS`); `reproducible`: replies
        independent of what else is decoded (default `LINGUAFLOW_MT_REPRODUCIBLE`)."""
        import llama_cpp.llama_cpp as L
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        from ..settings import settings

        slots = slots or settings().mt_slots
        self.reproducible = settings().mt_reproducible if reproducible is None else reproducible
        self.min_prompt_rows = MIN_PROMPT_ROWS if self.reproducible else 1
        self.max_step_rows = MAX_STEP_ROWS if self.reproducible else slots
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
        mp = L.llama_model_default_params()
        mp.use_extra_bufts = not self.reproducible  # repacked weights: fast, but not batch-invariant
        self.model = L.llama_model_load_from_file(path.encode(), mp)
        if not self.model:
            raise RuntimeError(f"llama.cpp could not load {path}")
        cp = L.llama_context_default_params()
        cp.n_ctx = slots * ctx_per_slot
        cp.n_batch = cp.n_ubatch = UBATCH
        cp.n_seq_max = slots
        # a cache stream per slot: a chat's cells in position order, as alone. llama.cpp puts
        # sequences of separate streams in one decode only when their ids are consecutive, so
        # steps list chats by slot and new chats take the lowest free slot
        cp.kv_unified = False
        cp.flash_attn_type = L.LLAMA_FLASH_ATTN_TYPE_DISABLED
        cp.n_threads = cp.n_threads_batch = threads or os.cpu_count()
        self.ctx = L.llama_init_from_model(self.model, cp)
        self.vocab = L.llama_model_get_vocab(self.model)
        self.n_vocab = L.llama_vocab_n_tokens(self.vocab)
        self.batch = L.llama_batch_init(UBATCH, 0, 1)
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
                for chat in running:  # a chat already done in this step keeps its answer
                    self._end(chat, free, error=None if chat.done else exc)
                running.clear()
                continue
            for chat in [c for c in running if c.done]:
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
            free.sort()
            chat.slot = free.pop(0)  # the lowest: running slots stay consecutive where they can
            running.append(chat)
            fresh.append(chat)
        return fresh

    def _step(self, running: list[_Chat], fresh: list[_Chat]) -> None:
        """Read each new chat's prompt (its own decodes), then advance the others by one token
        (reproducible: at most MAX_STEP_ROWS chats a decode)."""
        for chat in fresh:
            self._read_prompt(chat)
        going = sorted((c for c in running if c not in fresh and not c.done), key=lambda c: c.slot)
        for first in range(0, len(going), self.max_step_rows):
            group = going[first:first + self.max_step_rows]
            self._decode([(chat.out[-1], chat.pos, chat.slot, True) for chat in group])
            for row, chat in enumerate(group):
                chat.pos += 1
                self._next(chat, row)

    def _decode(self, rows: list[tuple[int, int, int, bool]]) -> None:
        """One llama_decode of (token, position, slot, wants logits) rows."""
        b = self.batch
        for i, (token, pos, slot, logits) in enumerate(rows):
            b.token[i], b.pos[i], b.n_seq_id[i], b.logits[i] = token, pos, 1, logits
            b.seq_id[i][0] = slot
        b.n_tokens = len(rows)
        status = self.L.llama_decode(self.ctx, b)
        if status != 0:
            raise RuntimeError(f"llama_decode returned {status}")
        self.steps += 1

    def _read_prompt(self, chat: _Chat) -> None:
        """Put the chat's prompt (and a scored chat's reply) in its slot's stream; its first
        token chosen, or its reply scored."""
        rows = chat.prompt + (chat.forced[:-1] if chat.forced else [])
        # a generated chat needs the last row's logits; a scored one those of each row before a forced token
        first_wanted = len(rows) - (len(chat.forced) if chat.forced is not None else 1)
        chat.pos = self._reuse_start(chat, limit=min(first_wanted, len(rows) - self.min_prompt_rows))
        for size in _prompt_chunks(len(rows) - chat.pos, self.min_prompt_rows):
            start = chat.pos
            self._decode([(rows[k], k, chat.slot, k >= first_wanted) for k in range(start, start + size)])
            chat.pos += size
            for k in range(max(start, first_wanted), chat.pos):
                row = k - start
                if chat.forced is not None:
                    chat.scores.append(self._logprob(row, chat.forced[k - first_wanted]))
                else:
                    self._next(chat, row)
            if start < len(chat.prompt) <= chat.pos:  # the whole prompt is in: keep its start
                self._keep_start(chat)
        if chat.forced is not None:
            chat.done = True

    def _next(self, chat: _Chat, row: int) -> None:
        """The generated chat's next token from its row of logits: kept, or the chat is done."""
        token = self._argmax(row)
        if self.L.llama_vocab_is_eog(self.vocab, token):
            chat.done = True
            return
        chat.out.append(token)
        self.tokens += 1
        if len(chat.out) >= chat.max_tokens or self._stopped(chat):
            chat.done = True

    def _reuse_start(self, chat: _Chat, limit: int) -> int:
        """Write the kept start this chat shares most into its stream; how many tokens that is (at
        most `limit`: the rows whose logits are wanted are read, and, reproducible, never fewer than MIN_PROMPT_ROWS)."""
        self.prompt_tokens += len(chat.prompt)
        best = max(self.kept, key=lambda k: _common(k.tokens, chat.prompt), default=None)
        shared = min(_common(best.tokens, chat.prompt), limit) if best else 0
        if shared < chat.same_start:
            return 0
        if self.L.llama_state_seq_set_data(self.ctx, best.state, len(best.state), chat.slot) == 0:
            log.warning("a kept prompt start could not be written back; the prompt is read whole")
            self.L.llama_memory_seq_rm(self.memory, chat.slot, -1, -1)
            return 0
        self.L.llama_memory_seq_rm(self.memory, chat.slot, shared, -1)
        self.kept.remove(best)
        self.kept.append(best)
        self.reused_tokens += shared
        return shared

    def _keep_start(self, chat: _Chat) -> None:
        """Once a chat's prompt is in its stream: narrow the kept start of its kind to what the two
        share, or keep this prompt's cells as the start of a new kind (dropping the least recently used)."""
        best = max(self.kept, key=lambda k: _common(k.tokens, chat.prompt), default=None)
        shared = _common(best.tokens, chat.prompt) if best else 0
        if shared >= chat.same_start:
            best.tokens = best.tokens[:shared]
            return
        size = self.L.llama_state_seq_get_size(self.ctx, chat.slot)
        state = (ctypes.c_uint8 * size)()
        if self.L.llama_state_seq_get_data(self.ctx, state, size, chat.slot) != size:
            log.warning("a prompt start could not be read from the cache; not kept")
            return
        if len(self.kept) >= KEPT:
            self.kept.pop(0)
        self.kept.append(_Start(chat.prompt[:KEPT_TOKENS], state))

    def _logits(self, row: int) -> np.ndarray:
        ptr = self.L.llama_get_logits_ith(self.ctx, row)
        return np.ctypeslib.as_array(ctypes.cast(ptr, ctypes.POINTER(ctypes.c_float)), shape=(self.n_vocab,))

    def _argmax(self, row: int) -> int:
        return int(self._logits(row).argmax())

    def _logprob(self, row: int, token: int) -> float:
        logits = self._logits(row).astype(np.float64)
        top = logits.max()
        return float(logits[token] - top - np.log(np.exp(logits - top).sum()))

    def _text(self, chat: _Chat) -> str:
        return self.vocab_llm.detokenize(chat.out).decode("utf-8", errors="ignore")

    def _stopped(self, chat: _Chat) -> bool:
        return bool(chat.stop) and any(s in self._text(chat)[-64:] for s in chat.stop)

    def _end(self, chat: _Chat, free: list[int], error: BaseException | None = None) -> None:
        self.L.llama_memory_seq_rm(self.memory, chat.slot, -1, -1)
        free.append(chat.slot)
        if error is not None:
            chat.answer.set_exception(error)
            return
        if chat.forced is not None:
            chat.answer.set_result(chat.scores)
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
