"""A GGUF chat model run in-process by llama.cpp (the bundled default: no server needed)."""

from __future__ import annotations

import atexit
import functools
import os
import threading

from .llm_prompt import translate_batches
from ..weights import resolve_gguf


REPEAT_PENALTY = 1.0  # llama.cpp's penalty on tokens just generated (1.0: none); chosen by bench/translate_quality.py
JSON_GRAMMAR = False  # llama.cpp's JSON grammar: same chrF++, half the speed (bench/RESULTS.md); replies are validated anyway


def max_tokens_for(messages: list[dict]) -> int:
    """A reply is about as long as the batch it translates: cap it there, so a model that starts
    repeating itself stops early instead of running to a limit set by the prompt's instructions."""
    payload = messages[-1]["content"].rsplit("\n", 1)[-1]
    return 32 + 2 * len(payload)


class LlamaCppTranslator:
    def __init__(self, model: str, n_ctx: int = 4096, threads: int | None = None):
        from llama_cpp import Llama

        self.model = model
        self.llm = Llama(str(resolve_gguf(model)), n_ctx=n_ctx, n_threads=threads or os.cpu_count(), verbose=False, seed=0)
        self.lock = threading.Lock()  # a llama context is not thread-safe
        atexit.register(self.llm.close)  # free it before interpreter teardown, not during

    def _ask(self, messages: list[dict]) -> str:
        extra = {"response_format": {"type": "json_object"}} if JSON_GRAMMAR else {}
        with self.lock:
            reply = self.llm.create_chat_completion(
                messages=messages, temperature=0.0, max_tokens=max_tokens_for(messages), repeat_penalty=REPEAT_PENALTY, **extra
            )
        return reply["choices"][0]["message"]["content"]

    def translate(self, items, source, target, batch_size: int = 8, terms: dict | None = None):
        return translate_batches(self._ask, items, source, target, batch_size, terms=terms)


@functools.lru_cache(maxsize=4)
def get(model: str) -> LlamaCppTranslator:
    return LlamaCppTranslator(model)
