"""A GGUF chat model run in-process by llama.cpp (the bundled default: no server needed)."""

from __future__ import annotations

import atexit
import functools
import os
import threading

from .llm_prompt import translate_batches
from ..weights import resolve_gguf


class LlamaCppTranslator:
    def __init__(self, model: str, n_ctx: int = 4096, threads: int | None = None):
        from llama_cpp import Llama

        self.model = model
        self.llm = Llama(str(resolve_gguf(model)), n_ctx=n_ctx, n_threads=threads or os.cpu_count(), verbose=False, seed=0)
        self.lock = threading.Lock()  # a llama context is not thread-safe
        atexit.register(self.llm.close)  # free it before interpreter teardown, not during

    def _ask(self, messages: list[dict]) -> str:
        chars = sum(len(m["content"]) for m in messages)
        with self.lock:
            reply = self.llm.create_chat_completion(
                messages=messages, temperature=0.0, max_tokens=64 + 2 * chars, response_format={"type": "json_object"}
            )
        return reply["choices"][0]["message"]["content"]

    def translate(self, items, source, target, batch_size: int = 8, **_):
        return translate_batches(self._ask, items, source, target, batch_size)


@functools.lru_cache(maxsize=4)
def get(model: str) -> LlamaCppTranslator:
    return LlamaCppTranslator(model)
