"""Does llama.cpp give a sequence the same logits alone and batched with others? Which settings decide it.

Greedy decoding turns a last-bit difference at a near tie into another word, so a translation
that depends on what else was decoded beside it is not reproducible. For one real route chat
(8 sentences of bench/data/mt_reference.json into German, Qwen's template), 40 greedy steps alone,
then compared with the same chat:
    4 together     decoded beside three other languages' chats (de, zh, ja, fr)
    prefix split   its prompt read in two decodes (126 tokens, then the rest), as a kept start is
    2 together     beside one other chat
Settings: flash attention (0/1), repacked weights (llama.cpp's extra buffer types, 0/1), one cache
for all sequences (`kv_unified`, 0/1), and whether each prompt is read in its own decode (`--own-prompt`)
or all prompts in one. Each setting is a separate process (the kernels are chosen at load).

    .venv/bin/python bench/llama_batch_invariance.py [--model qwen2.5-coder-1.5b-instruct-q4] [--settings 0,1,1 0,0,0 ...] [--own-prompt]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from common import REPO  # noqa: E402 - the checkout measured

STEPS = 40


def measure(fa: int, repack: int, unified: int, own_prompt: bool, model: str) -> str:
    import numpy as np
    from llama_batch_cost import Engine, chat_prompt
    from linguaflow.weights import resolve_gguf

    source = [(x["id"], x["en"]) for x in json.loads((REPO / "bench/data/mt_reference.json").read_text())["items"][:8]]
    engine = Engine(str(resolve_gguf(model)), 4, repack=bool(repack), unified=bool(unified), flash_attn=fa)
    prompts = [engine.tokenize(chat_prompt(source, t)) for t in ("de", "zh", "ja", "fr")]
    decode, logits = engine.decode, engine.logits

    def run(order, split=None):
        """Greedy steps of prompt 0 decoded with the prompts in `order`: its logits, its tokens."""
        engine.clear()
        rows, row_of, first = [], {}, {}
        for seq, i in enumerate(order):
            start = 0
            if split:
                decode([(t, j, seq, j == split - 1) for j, t in enumerate(prompts[i][:split])])
                start = split
            rows += [(t, start + j, seq, start + j == len(prompts[i]) - 1) for j, t in enumerate(prompts[i][start:])]
            row_of[i] = len(rows) - 1
            if own_prompt:
                decode(rows)
                first[i], rows = logits(len(rows) - 1), []
        if rows:
            decode(rows)
        seen, picked = [], []
        for step in range(STEPS):
            rows = []
            for seq, i in enumerate(order):
                lg = first.pop(i) if i in first else logits(row_of[i])
                token = int(lg.argmax())
                if i == 0:
                    seen.append(lg)
                    picked.append(token)
                rows.append((token, len(prompts[i]) + step, seq, True))
                row_of[i] = len(rows) - 1
            decode(rows)
        return seen, picked

    alone, alone_tokens = run([0])
    lines = [f"| {fa} | {repack} | {unified} | {'own' if own_prompt else 'shared'} "]
    for other, other_tokens in (run([1, 2, 0, 3]), run([0], split=126), run([1, 0])):
        diff = max(float(np.abs(a - b).max()) for a, b in zip(alone, other))
        same = sum(a == b for a, b in zip(alone_tokens, other_tokens))
        lines.append(f"| {diff:.3g} ({same}/{STEPS}) ")
    return "".join(lines) + "|"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-coder-1.5b-instruct-q4")
    ap.add_argument("--settings", nargs="*", default=["0,1,1", "0,0,1", "0,0,0", "0,1,0"], help="fa,repack,unified")
    ap.add_argument("--own-prompt", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(measure(*(int(x) for x in args.child.split(",")), args.own_prompt, args.model))
        return
    print(f"# {os.uname().machine}, {os.cpu_count()} cores; {args.model}; {STEPS} greedy steps of the German chat; "
          "each cell: largest logit difference from alone (tokens the same)")
    print("| flash attention | repacked | one cache | prompts read | 4 together | prefix split | 2 together |")
    print("|---|---|---|---|---|---|---|")
    for setting in args.settings:
        cmd = [sys.executable, __file__, "--child", setting, "--model", args.model] + (["--own-prompt"] if args.own_prompt else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        print(out.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
