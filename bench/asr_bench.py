"""ASR benchmark: real-time factor, peak RSS and WER per engine on the same file and weights,
and peak RSS against file length (windowed decoding vs the whole file at once).

Every configuration runs in its own process so peak RSS is its own. Test audio is built from the
bundled CMU ARCTIC sentence (4 s) repeated with 1 s pauses, so the reference text is known.

    .venv/bin/python bench/asr_bench.py [--long-minutes 60]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "include/linguaflow/samples/arctic_a0007.wav"
SENTENCE = "and you always want to see it in the superlative degree"

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from linguaflow.speech import faster_whisper, openai_whisper
from linguaflow.speech.transcribe import transcribe
from linguaflow.speech.types import AsrOptions, compute_type
from linguaflow.weights import resolve_asr_model
opts = json.loads(sys.argv[3])
opts["temperature"] = tuple(opts.get("temperature", (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)))
o = AsrOptions(**opts)
t0 = time.perf_counter()
if o.engine == "faster-whisper":
    faster_whisper.load(o, compute_type(o))
else:
    openai_whisper._model(str(openai_whisper.checkpoint(o.model)), o.device)
t1 = time.perf_counter()
t = transcribe(sys.argv[2], o)
t2 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "run_s": t2 - t1, "duration": t.duration, "text": t.text,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build(path: Path, repeats: int) -> tuple[Path, str]:
    with wave.open(str(SAMPLE)) as w:
        speech = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        rate = w.getframerate()
    unit = np.concatenate([speech, np.zeros(rate, dtype="<i2")])
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(rate)
        for _ in range(repeats):
            out.writeframes(unit.tobytes())
    return path, " ".join([SENTENCE] * repeats)


def run(path: Path, **opts) -> dict:
    r = subprocess.run([sys.executable, "-c", CHILD, str(REPO / "include"), str(path), json.dumps(opts)],
                       capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(r.stderr[-3000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def wer(ref: str, hyp: str) -> float:
    import jiwer

    return jiwer.wer(ref, jiwer.RemovePunctuation()(hyp.lower()).strip())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--long-minutes", type=int, default=60, help="0 skips the long-file table")
    ap.add_argument("--no-whole", action="store_true", help="skip the whole-file-at-once run")
    ap.add_argument("--no-engines", action="store_true", help="skip the engine comparison")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lf-bench-"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, CPU only\n")

    if not args.no_engines:
        one_min, ref = build(tmp / "1min.wav", 12)
        print("### Engines on the same file (60 s of speech) and the same Whisper base weights\n")
        print("| engine | compute | model load | transcribe | real-time factor | peak RSS | WER |")
        print("|---|---|---|---|---|---|---|")
        for engine, extra in (("faster-whisper", {}), ("openai-whisper", {})):
            r = run(one_min, engine=engine, model="base", language="en", **extra)
            compute = "int8" if engine == "faster-whisper" else "fp32"
            print(f"| {engine} | {compute} | {r['load_s']:.1f} s | {r['run_s']:.1f} s | {r['run_s'] / r['duration']:.3f} "
                  f"| {r['peak_rss_mb']:.0f} MB | {wer(ref, r['text']):.3f} |")

    if not args.long_minutes:
        return
    print("\n### Peak RSS against file length (faster-whisper tiny.en int8)\n")
    print("| audio | decoding | transcribe | real-time factor | peak RSS | WER |")
    print("|---|---|---|---|---|---|")
    for minutes in sorted({10, args.long_minutes}):
        path, ref = build(tmp / f"{minutes}min.wav", minutes * 12)
        modes = [("windows of 600 s", 600.0)]
        if minutes == args.long_minutes and not args.no_whole:
            modes.append(("whole file at once", 1e9))
        for label, chunk in modes:
            r = run(path, engine="faster-whisper", model="tiny.en", language="en", chunk_s=chunk)
            print(f"| {minutes} min | {label} | {r['run_s']:.0f} s | {r['run_s'] / r['duration']:.3f} "
                  f"| {r['peak_rss_mb']:.0f} MB | {wer(ref, r['text']):.3f} |", flush=True)


if __name__ == "__main__":
    main()
