"""faster-whisper sequential against batched (BatchedInferencePipeline) on the same file, one run.

    .venv/bin/python bench/asr_batched_bench.py [--model base] [--batch 8] [--minutes 5]

Each variant runs in its own process (peak RSS is the process's), the same windowed path the
transcribe step uses (`linguaflow.speech.transcribe`, 10-minute windows), model load included.
The file is the bundled sentence and a second of silence, repeated; WER is against that text
repeated as often (jiwer). Repeated text is hard on sequential decoding conditioned on the
previous text (each window's prompt is the same sentence again, which sets off the temperature
fallback), so the unconditioned sequential run is the fair baseline for the batched one, which
never conditions.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from pathlib import Path

from common import REPO, SENTENCE  # noqa: E402 - the checkout measured
from bare import run as bare_run  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="base")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--minutes", type=float, default=5.0)
    args = ap.parse_args()
    import jiwer
    from mediagen import repeated_speech

    times = int(args.minutes * 60 / 5)  # 4 s of speech and 1 s of silence each
    print(f"# {platform.machine()}, {os.cpu_count()} cores; faster-whisper {args.model} int8; {times * 5 / 60:.1f} min file")
    print("| variant | seconds | x real time | segments | WER | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        media = repeated_speech(REPO / "include/linguaflow/samples/arctic_a0007.wav", Path(tmp) / "long.wav", times, gap_s=1.0)
        reference = " ".join([SENTENCE] * times)
        variants = (("sequential", 0, True, False), ("sequential, not conditioned on the previous text", 0, False, False),
                    ("sequential, not conditioned, no temperature fallback", 0, False, True),
                    (f"batched {args.batch}", args.batch, True, False))
        for name, batch, conditioned, greedy in variants:
            r = bare_run([media], {"model": args.model, "batch_size": batch, "condition_on_previous_text": conditioned,
                                   **({"temperature": [0.0]} if greedy else {})})
            seconds, [f] = r["load_s"] + r["run_s"], r["files"]  # model load included, as the step pays it
            wer = jiwer.wer(reference, jiwer.RemovePunctuation()(f["text"].lower()))
            print(f"| {name} | {seconds:.1f} | {times * 5 / seconds:.2f} | {f['segments']} | {wer:.3f} | {r['peak_rss_mb']:.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()
