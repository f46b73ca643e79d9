"""ASR benchmark: real-time factor, peak RSS and WER per engine on the same file and weights,
and peak RSS against file length (windowed decoding vs the whole file at once).

Every configuration runs in its own process so peak RSS is its own. Test audio is built from the
bundled CMU ARCTIC sentence (4 s) repeated with 1 s pauses, so the reference text is known.

    .venv/bin/python bench/asr_bench.py [--long-minutes 60]
    .venv/bin/python bench/asr_bench.py --no-engines --no-whole --lengths 0.5,1,2,4 --model base

The length table's rows are also kept as data (bench/figures/asr_length.json) for the docs' plot.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import wave
from pathlib import Path

import numpy as np

from common import SAMPLE, SENTENCE, write_figures  # noqa: E402 - the checkout measured
from bare import run as bare_run  # noqa: E402


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
    """One configuration in its own process: model load and transcription timed apart."""
    r = bare_run([path], opts)
    [f] = r["files"]
    return {**r, "duration": f["duration"], "text": f["text"]}


def wer(ref: str, hyp: str) -> float:
    import jiwer

    return jiwer.wer(ref, jiwer.RemovePunctuation()(hyp.lower()).strip())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--long-minutes", type=int, default=60, help="0 skips the long-file table")
    ap.add_argument("--no-whole", action="store_true", help="skip the whole-file-at-once run")
    ap.add_argument("--no-engines", action="store_true", help="skip the engine comparison")
    ap.add_argument("--lengths", default="", help="minutes of audio in the length table, comma separated "
                                                  "(default: 10 and --long-minutes)")
    ap.add_argument("--model", default="tiny.en", help="the length table's Whisper model")
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
    lengths = sorted({float(m) for m in args.lengths.split(",")} if args.lengths else {10.0, float(args.long_minutes)})
    print(f"\n### Peak RSS against file length (faster-whisper {args.model} int8)\n")
    print("| audio | decoding | transcribe | real-time factor | peak RSS | WER |")
    print("|---|---|---|---|---|---|")
    rows = []
    for minutes in lengths:
        path, ref = build(tmp / f"{minutes}min.wav", round(minutes * 12))
        modes = [("windows of 600 s", 600.0)]
        if minutes == args.long_minutes and not args.no_whole:
            modes.append(("whole file at once", 1e9))
        for label, chunk in modes:
            r = run(path, engine="faster-whisper", model=args.model, language="en", chunk_s=chunk)
            rows.append({"minutes": minutes, "audio_s": r["duration"], "decoding": label, "transcribe_s": round(r["run_s"], 2),
                         "rtf": round(r["run_s"] / r["duration"], 4), "peak_rss_mb": round(r["peak_rss_mb"]),
                         "wer": round(wer(ref, r["text"]), 4)})
            print(f"| {minutes:g} min | {label} | {r['run_s']:.0f} s | {r['run_s'] / r['duration']:.3f} "
                  f"| {r['peak_rss_mb']:.0f} MB | {wer(ref, r['text']):.3f} |", flush=True)
    write_figures("asr_length", f"faster-whisper {args.model} int8 on CPU: transcription time and peak RSS against "
                  "file length (the bundled sentence repeated with 1 s pauses)", rows, model=args.model)


if __name__ == "__main__":
    main()
