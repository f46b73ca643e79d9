"""Translating one language against transcribing the same five minutes, side by side in one run.

    .venv/bin/python bench/translate_vs_transcribe_bench.py [--langs de,zh,ja] [--mt-model NAME[,NAME...]]

Transcription: five minutes of 16 kHz speech (the bundled sample and a second of silence, 60
times; `tests/mediagen.five_minutes_of_speech`) through the default engine and model, model load
included, as the transcribe step runs it. Translation: a transcript of five minutes of ordinary
speech — at 150 words a minute, 750 words of the 42 reference sentences (`bench/data/
mt_reference.json`, cycled), each cut at its middle word into two segments as Whisper cuts
sentences — through the default route exactly as the translate step calls it (whole sentences,
every output checked), model load included, one language after another. The repeated sample is
fine for timing the engine but would be a poor translation input (60 copies of one sentence).
Several `--mt-model`s are measured one after another against the same transcription, so their
ratios compare side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

from common import REPO  # noqa: E402 - the checkout measured, its include/ and tests/ on the path

WORDS = 750  # five minutes at 150 words a minute


def transcript_segments() -> list[tuple[str, str]]:
    data = json.loads((REPO / "bench" / "data" / "mt_reference.json").read_text())["items"]
    segments, words, i = [], 0, 0
    while words < WORDS:
        text = data[i % len(data)]["en"].split()
        mid = max(1, len(text) // 2)
        segments += [(str(len(segments)), " ".join(text[:mid])), (str(len(segments) + 1), " ".join(text[mid:]))]
        words += len(text)
        i += 1
    return segments


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--langs", default="de,zh,ja")
    ap.add_argument("--mt-model", default="", help="bundled GGUF names, comma-separated, each for every language instead of "
                                                   "the default route (e.g. qwen2.5-0.5b-instruct-q4,"
                                                   "qwen2.5-coder-1.5b-instruct-q4)")
    args = ap.parse_args()
    models = args.mt_model.split(",") if args.mt_model else [""]

    from mediagen import five_minutes_of_speech

    from linguaflow import settings
    from linguaflow.speech import transcribe
    from linguaflow.speech.types import AsrOptions
    from linguaflow.translation import llamacpp, router, sentences

    print(f"# {platform.machine()}, {os.cpu_count()} cores; default engine; "
          f"{'routes ' + args.mt_model if args.mt_model else 'default route'}; model loads included")
    with tempfile.TemporaryDirectory() as tmp:
        media = five_minutes_of_speech(REPO / "include" / "linguaflow" / "samples" / "arctic_a0007.wav", Path(tmp) / "5min.wav")
        began = time.perf_counter()
        t = transcribe.transcribe(str(media), AsrOptions())
        asr_s = time.perf_counter() - began
    print(f"transcription: 300 s of speech, {len(t.segments)} segments, {asr_s:.1f} s")
    audio = transcript_segments()
    print(f"translation input: {len(audio)} segments, {sum(len(x.split()) for _, x in audio)} words")
    print("| target | route | seconds | segments/s | flagged | translation / transcription |")
    print("|---|---|---|---|---|---|")
    for model in models:
        if model:
            os.environ["LINGUAFLOW_ROUTES"] = json.dumps({"*": {"backend": "llamacpp", "model": model}})
            settings.reload()
        for lang in args.langs.split(","):
            llamacpp.get.cache_clear()  # each translate task loads its model, as in the pipeline
            began = time.perf_counter()
            done, _, route, flags = sentences.translate(router.translate_checked, audio, [], "en", lang)
            secs = time.perf_counter() - began
            print(f"| {lang} | {route} | {secs:.1f} | {len(done) / secs:.2f} | {len(flags)} | {secs / asr_s:.2f} |", flush=True)


if __name__ == "__main__":
    main()
