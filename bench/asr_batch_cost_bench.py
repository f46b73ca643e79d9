"""Where a short file's model time goes, one file against a batch: Whisper's encoder and its
decoder (beam 5) on the bundled 4 s clip, batches of 1, 4 and 8 of it, on this machine. Says what
batching requests together can win (the decoder's share) and what it cannot (the encoder's).

    .venv/bin/python bench/asr_batch_cost_bench.py [--model base]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

SAMPLE = Path(__file__).resolve().parents[1] / "include" / "linguaflow" / "samples" / "arctic_a0007.wav"


def seconds(fn, runs: int = 3) -> float:
    fn()  # first call outside the clock
    began = time.perf_counter()
    for _ in range(runs):
        fn()
    return (time.perf_counter() - began) / runs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="base")
    args = ap.parse_args()
    from faster_whisper.audio import pad_or_trim
    from faster_whisper.tokenizer import Tokenizer

    from linguaflow.speech import audio, faster_whisper
    from linguaflow.speech.types import AsrOptions, compute_type

    opts = AsrOptions(model=args.model)
    model = faster_whisper.load(opts, compute_type(opts))
    features = pad_or_trim(model.feature_extractor(audio.decode(str(SAMPLE)))[..., :-1])
    tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en")
    prompt = model.get_prompt(tokenizer, [], without_timestamps=False)
    print(f"# {os.cpu_count()} cores; {args.model} {compute_type(opts)} on the CPU; the 4 s clip, padded to 30 s")
    print("| batch | encoder s | per file | decoder s (beam 5) | per file | model s per file |")
    print("|---|---|---|---|---|---|")
    for size in (1, 4, 8):
        batch = np.stack([features] * size)
        enc = seconds(lambda: model.encode(batch))
        encoded = model.encode(batch)
        dec = seconds(lambda: model.model.generate(encoded, [prompt] * size, beam_size=5, max_length=448,
                                                   return_scores=True, return_no_speech_prob=True))
        print(f"| {size} | {enc:.3f} | {enc / size:.3f} | {dec:.3f} | {dec / size:.3f} | {(enc + dec) / size:.3f} |")


if __name__ == "__main__":
    main()
