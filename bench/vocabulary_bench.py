"""The `vocabulary` request option: how often Whisper spells made-up names and terms right,
without and with the hints, one run.

    .venv/bin/python bench/vocabulary_bench.py [--models base,tiny.en]

Eight ordinary sentences, each holding one made-up name or term, spoken by espeak-ng
(tests/speechgen.py), transcribed one by one and also as one file (~40 s, two 30 s windows). The
vocabulary given is all eight terms, as a task would give it. A term counts as right when the
transcript contains it exactly as spelled (case-insensitive). Variants: no hints; the terms as
Whisper's initial prompt (what `vocabulary` sets); as faster-whisper's hotwords; both. "Terms heard
where not said" counts hint terms that turn up in a sentence that does not hold them (a hint the
model copies instead of listening).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from pathlib import Path

import common  # noqa: E402,F401 - the checkout measured: its include/ and tests/ on the path

import numpy as np  # noqa: E402

import speechgen  # noqa: E402
from linguaflow.pipeline import vocabulary_prompt  # noqa: E402
from linguaflow.speech.transcribe import transcribe  # noqa: E402
from linguaflow.speech.types import AsrOptions  # noqa: E402

SENTENCES = [
    ("Zorvath Quillane", "Please forward the invoice to Zorvath Quillane before Friday."),
    ("Myrrhalis", "The Myrrhalis project starts next week in the main office."),
    ("Brenalyn Vosk", "Our new colleague Brenalyn Vosk joins the design team."),
    ("Tekkuro", "We tested the Tekkuro sensor on the north platform."),
    ("Dravenholt", "The meeting with Dravenholt Logistics moved to room four."),
    ("Quentaro Halvik", "Quentaro Halvik will present the quarterly numbers."),
    ("Ostrevia", "Send the samples to the Ostrevia laboratory."),
    ("Kalimbrex", "Kalimbrex is the name of the new billing system."),
]
TERMS = [term for term, _ in SENTENCES]


def variants():
    hints = vocabulary_prompt(TERMS)
    return {"no hints": {}, "initial prompt (the option)": {"initial_prompt": hints}, "hotwords": {"hotwords": hints},
            "prompt + hotwords": {"initial_prompt": hints, "hotwords": hints}}


def speak_all(root: Path) -> tuple[list[Path], Path]:
    voice, pitch = speechgen.VOICES["A"]
    singles, parts = [], []
    gap = np.zeros(int(speechgen.RATE * 0.8), np.int16)
    for i, (_, text) in enumerate(SENTENCES):
        pcm = speechgen.speak(text, voice, pitch)
        singles.append(speechgen.write_wav(root / f"s{i}.wav", np.concatenate([gap, pcm, gap])))
        parts += [pcm, gap]
    return singles, speechgen.write_wav(root / "all.wav", np.concatenate([gap, *parts]))


def right(text: str, terms) -> list[str]:
    return [t for t in terms if t.lower() in text.lower()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="base,tiny.en")
    args = ap.parse_args()
    print(f"# {platform.machine()}, {os.cpu_count()} cores; faster-whisper int8; {len(TERMS)} made-up terms, espeak-ng voice")
    print("\n| model | variant | right, one sentence per file | right, one file | terms heard where not said | misses (one sentence per file) |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        singles, whole = speak_all(Path(tmp))
        for model in args.models.split(","):
            for name, extra in variants().items():
                opts = AsrOptions(model=model, language="en", **extra)
                heard = [transcribe(str(p), opts).text for p in singles]
                ok = [t for (t, _), text in zip(SENTENCES, heard) if right(text, [t])]
                misses = "; ".join(f"{t} → \"{_near(text)}\"" for (t, _), text in zip(SENTENCES, heard) if t not in ok)
                combined = right(transcribe(str(whole), opts).text, TERMS)
                inserted = sum(len(right(text, [x for x in TERMS if x != t])) for (t, _), text in zip(SENTENCES, heard))
                print(f"| {model} | {name} | {len(ok)}/{len(TERMS)} | {len(combined)}/{len(TERMS)} | {inserted} | {misses or '-'} |")


def _near(text: str) -> str:
    return " ".join(text.split()[:8])


if __name__ == "__main__":
    main()
