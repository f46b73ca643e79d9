"""What decoding several sequences in one llama.cpp batch costs against one, on this machine.

Issue 27 starts here: token generation on a CPU reads every weight once per step whatever the
number of sequences in the step (memory-bound), while prompt processing multiplies matrices that
grow with the tokens (compute-bound). So B languages decoded side by side should cost far less
than B times one in generation, and about B times one in the prompt.

For B = 1, 2, 3, 5, 8 sequences, each a real translation prompt (the route's own messages: 8
sentences of bench/data/mt_reference.json into de, zh, ja, fr, es in turn, Qwen's chat
template), through llama.cpp's low-level batch API (`llama_batch`, one sequence id each):

    prefill   the B prompts in one llama_decode, against B decodes of one prompt each
    generate  G greedy steps of B tokens each (one per sequence), against G steps of one token

    .venv/bin/python bench/llama_batch_cost.py [--model qwen2.5-coder-1.5b-instruct-q4] [--steps 64]
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import time

import numpy as np

from common import REPO  # noqa: E402 - the checkout measured

TARGETS = ("de", "zh", "ja", "fr", "es", "it", "pt", "nl")


def chat_prompt(source_items: list[tuple[str, str]], target: str) -> str:
    from linguaflow.translation import llm_prompt

    msgs = llm_prompt.messages(source_items, "en", target)
    text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in msgs)
    return text + "<|im_start|>assistant\n"


class Engine:
    """One model, one context with room for `n_seq` sequences, greedy decoding by hand."""

    def __init__(self, path: str, n_seq: int, n_ctx_per_seq: int = 1024, threads: int | None = None,
                 repack: bool = True, unified: bool | None = None, flash_attn: int | None = None):
        """`repack`, `unified` (one cache for all sequences), `flash_attn` (llama.cpp's type): None
        leaves llama.cpp's default (bench/llama_batch_invariance.py sets each)."""
        import llama_cpp.llama_cpp as L

        self.L = L
        L.llama_backend_init()
        mp = L.llama_model_default_params()
        mp.use_extra_bufts = repack
        self.model = L.llama_model_load_from_file(path.encode(), mp)
        cp = L.llama_context_default_params()
        cp.n_ctx = n_ctx_per_seq * n_seq
        cp.n_batch = max(512, n_ctx_per_seq * n_seq)  # one decode may hold every prompt
        cp.n_ubatch = 512  # computed 512 tokens at a time: a small compute buffer
        cp.n_seq_max = n_seq
        if unified is not None:
            cp.kv_unified = unified
        if flash_attn is not None:
            cp.flash_attn_type = flash_attn
        cp.n_threads = cp.n_threads_batch = threads or os.cpu_count()
        self.ctx = L.llama_init_from_model(self.model, cp)
        self.vocab = L.llama_model_get_vocab(self.model)
        self.n_vocab = L.llama_vocab_n_tokens(self.vocab)
        self.batch = L.llama_batch_init(cp.n_batch, 0, n_seq)

    def tokenize(self, text: str) -> list[int]:
        raw = text.encode()
        buf = (self.L.llama_token * (len(raw) + 16))()
        n = self.L.llama_tokenize(self.vocab, raw, len(raw), buf, len(buf), True, True)
        return list(buf[:n])

    def clear(self) -> None:
        self.L.llama_memory_clear(self.L.llama_get_memory(self.ctx), True)

    def decode(self, entries: list[tuple[int, int, int, bool]]) -> None:
        """entries: (token, position, sequence id, wants logits)."""
        b = self.batch
        for i, (tok, pos, seq, logits) in enumerate(entries):
            b.token[i], b.pos[i], b.n_seq_id[i], b.logits[i] = tok, pos, 1, logits
            b.seq_id[i][0] = seq
        b.n_tokens = len(entries)
        if self.L.llama_decode(self.ctx, b) != 0:
            raise RuntimeError("llama_decode failed")

    def logits(self, i: int) -> np.ndarray:
        """A copy of row i's logits of the last decode."""
        ptr = self.L.llama_get_logits_ith(self.ctx, i)
        return np.ctypeslib.as_array(ctypes.cast(ptr, ctypes.POINTER(ctypes.c_float)), shape=(self.n_vocab,)).copy()

    def argmax(self, i: int) -> int:
        return int(self.logits(i).argmax())

    def prefill(self, prompts: list[list[int]]) -> list[int]:
        """Every prompt in one decode; the first generated token of each."""
        entries, last = [], []
        for seq, toks in enumerate(prompts):
            entries += [(t, p, seq, p == len(toks) - 1) for p, t in enumerate(toks)]
            last.append(len(entries) - 1)
        self.decode(entries)
        return [self.argmax(i) for i in last]

    def generate(self, firsts: list[int], starts: list[int], steps: int) -> None:
        toks = list(firsts)
        for step in range(steps):
            self.decode([(t, starts[s] + step, s, True) for s, t in enumerate(toks)])
            toks = [self.argmax(i) for i in range(len(toks))]

    def close(self) -> None:
        self.L.llama_batch_free(self.batch)
        self.L.llama_free(self.ctx)
        self.L.llama_model_free(self.model)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-coder-1.5b-instruct-q4")
    ap.add_argument("--steps", type=int, default=64)
    ap.add_argument("--sizes", default="1,2,3,5,8")
    args = ap.parse_args()
    from linguaflow.weights import resolve_gguf

    sizes = [int(x) for x in args.sizes.split(",")]
    items = json.loads((REPO / "bench/data/mt_reference.json").read_text())["items"][:8]
    source = [(it["id"], it["en"]) for it in items]
    engine = Engine(str(resolve_gguf(args.model)), max(sizes))
    prompts = [engine.tokenize(chat_prompt(source, t)) for t in TARGETS[:max(sizes)]]
    print(f"# {platform.machine()}, {os.cpu_count()} cores; {args.model}; prompts of "
          f"{min(map(len, prompts))}-{max(map(len, prompts))} tokens; {args.steps} generation steps")
    engine.clear()
    engine.prefill(prompts[:1])  # warm: weights paged in, buffers allocated
    print("| sequences | prefill together s | prefill one by one s | ratio | step together ms | step alone ms "
          "| step cost x one | tokens/s together | tokens/s alone |")
    print("|---|---|---|---|---|---|---|---|---|")
    for b in sizes:
        ps = prompts[:b]
        engine.clear()
        t0 = time.perf_counter()
        firsts = engine.prefill(ps)
        together = time.perf_counter() - t0
        t0 = time.perf_counter()
        engine.generate(firsts, [len(p) for p in ps], args.steps)
        gen_together = time.perf_counter() - t0
        alone = 0.0
        for p in ps:
            engine.clear()
            t0 = time.perf_counter()
            engine.prefill([p])
            alone += time.perf_counter() - t0
        engine.clear()
        first = engine.prefill(ps[:1])
        t0 = time.perf_counter()
        engine.generate(first, [len(ps[0])], args.steps)
        gen_alone = time.perf_counter() - t0
        step_t, step_a = gen_together / args.steps * 1000, gen_alone / args.steps * 1000
        print(f"| {b} | {together:.2f} | {alone:.2f} | {together / alone:.2f} | {step_t:.1f} | {step_a:.1f} | "
              f"{step_t / step_a:.2f} | {b * args.steps / gen_together:.1f} | {args.steps / gen_alone:.1f} |", flush=True)
    engine.close()


if __name__ == "__main__":
    main()
