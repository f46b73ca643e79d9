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
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SENTENCE = "and you always want to see it in the superlative degree"

CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1] + "/include")
from linguaflow.speech.transcribe import transcribe
from linguaflow.speech.types import AsrOptions
began = time.perf_counter()
t = transcribe(sys.argv[2], AsrOptions(model=sys.argv[3], batch_size=int(sys.argv[4]), condition_on_previous_text=sys.argv[5] == "1",
                                      temperature=(0.0,) if sys.argv[6] == "1" else AsrOptions.temperature))
print(json.dumps({"seconds": time.perf_counter() - began, "text": t.text, "segments": len(t.segments),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="base")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--minutes", type=float, default=5.0)
    args = ap.parse_args()
    sys.path.insert(0, str(REPO / "tests"))
    import jiwer
    from mediagen import repeated_speech

    times = int(args.minutes * 60 / 5)  # 4 s of speech and 1 s of silence each
    print(f"# {platform.machine()}, {os.cpu_count()} cores; faster-whisper {args.model} int8; {times * 5 / 60:.1f} min file")
    print("| variant | seconds | x real time | segments | WER | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        media = repeated_speech(REPO / "include/linguaflow/samples/arctic_a0007.wav", Path(tmp) / "long.wav", times, gap_s=1.0)
        reference = " ".join([SENTENCE] * times)
        variants = (("sequential", 0, "1", "0"), ("sequential, not conditioned on the previous text", 0, "0", "0"),
                    ("sequential, not conditioned, no temperature fallback", 0, "0", "1"),
                    (f"batched {args.batch}", args.batch, "1", "0"))
        for name, batch, conditioned, one_temperature in variants:
            out = subprocess.run([sys.executable, "-c", CHILD, str(REPO), str(media), args.model, str(batch), conditioned,
                                  one_temperature],
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            hyp = jiwer.RemovePunctuation()(r["text"].lower())
            wer = jiwer.wer(reference, hyp)
            print(f"| {name} | {r['seconds']:.1f} | {times * 5 / r['seconds']:.2f} | {r['segments']} | {wer:.3f} | {r['rss_mb']:.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()
