"""Language per segment on speech that switches language, one run.

    .venv/bin/python bench/mixed_language_bench.py [--model base] [--rounds 3]

The file: English sentences (espeak-ng) and Japanese ones (Kokoro-82M) in turns
(tests/speechgen.py `MIXED`), `--rounds` times over. Each segment is scored against the
language of the sentence under its middle. Variants: the plain transcript (one language for the
file, as before), and `mixed_languages` (text identification, then Whisper's audio
identification where the text is in the file's language), with language detection automatic
and with the wrong source language forced. Time is the whole transcription, model loaded.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import common  # noqa: E402,F401 - the checkout measured: its include/ and tests/ on the path

import speechgen  # noqa: E402
from linguaflow.speech.transcribe import transcribe  # noqa: E402
from linguaflow.speech.types import AsrOptions  # noqa: E402


def _said(reference, seg):
    mid = (seg.start + seg.end) / 2
    return min(reference, key=lambda r: 0 if r[0] <= mid <= r[1] else min(abs(mid - r[0]), abs(mid - r[1])))[2]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="base")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mixed.wav"
        reference = speechgen.mixed_languages(path, speechgen.MIXED * args.rounds)
        seconds = reference[-1][1]
        print(f"# {platform.machine()}, {os.cpu_count()} cores; faster-whisper {args.model} int8; "
              f"{len(reference)} sentences, en/ja in turns, {seconds:.0f} s")
        transcribe(str(path), AsrOptions(model=args.model))  # load the model before timing
        print("\n| variant | transcript language | segments | segments with the right language | seconds | time vs plain |")
        print("|---|---|---|---|---|---|")
        plain_s = None
        for name, opts in (("plain (one language per file)", AsrOptions(model=args.model)),
                           ("mixed_languages", AsrOptions(model=args.model, language_per_segment=True)),
                           ("plain, source forced to en", AsrOptions(model=args.model, language="en")),
                           ("mixed_languages, source forced to en", AsrOptions(model=args.model, language="en", language_per_segment=True))):
            began = time.perf_counter()
            t = transcribe(str(path), opts)
            took = time.perf_counter() - began
            plain_s = plain_s or took
            right = sum((s.language or t.language) == _said(reference, s) for s in t.segments)
            print(f"| {name} | {t.language} | {len(t.segments)} | {right}/{len(t.segments)} ({100 * right / max(1, len(t.segments)):.0f} %) | "
                  f"{took:.1f} | {took / plain_s:.2f}x |")


if __name__ == "__main__":
    main()
