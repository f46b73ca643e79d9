"""Speaker diarization quality and speed, one run.

    .venv/bin/python bench/diarization_bench.py

Two recordings with reference turns: pyannote.audio's real two-speaker telephone call
(`sample.wav` + `sample.rttm`, from the wheel) and a conversation synthesised by espeak-ng in two
clearly different voices (tests/speechgen.py). DER by pyannote.metrics, collar 0.25 s, overlapped
speech scored (skip_overlap=False), for
- the diarizer's turns (what `speech.diarize` finds), speaker count found or given;
- the labelled transcript (what users see): each segment's [start, end] with its speaker, after
  the split at speaker changes (faster-whisper base with word times).
The affinity refinement (`KEEP_QUANTILE`) is swept to show how the chosen value sits; it was
chosen on these two recordings, so they are not a held-out test of it.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from pathlib import Path

import common  # noqa: E402,F401 - the checkout measured: its include/ and tests/ on the path

import speechgen  # noqa: E402
from linguaflow.speech import diarize, transcribe  # noqa: E402
from linguaflow.speech.types import AsrOptions  # noqa: E402


def _der(reference, spans) -> str:
    return f"{100 * speechgen.der(reference, spans):.1f} %"


def main() -> None:
    print(f"# {platform.machine()}, {os.cpu_count()} cores; resemblyzer GE2E + Silero VAD + spectral clustering")
    with tempfile.TemporaryDirectory() as tmp:
        conv = Path(tmp) / "conversation.wav"
        files = {"pyannote sample (real phone call, 2 speakers, 30 s)": (speechgen.pyannote_sample()[0],
                                                                     speechgen.read_rttm(speechgen.pyannote_sample()[1])),
                 "espeak-ng conversation (2 voices, 8 turns)": (conv, speechgen.conversation(conv))}
        diarize.diarize(str(conv))  # load the encoder and warm librosa before timing
        print("\n| recording | speakers found | DER turns (count found) | DER turns (count given) | DER labelled segments | diarization s | x real time |")
        print("|---|---|---|---|---|---|---|")
        for name, (wav, ref) in files.items():
            began = time.perf_counter()
            found = diarize.diarize(str(wav)).turns
            seconds = time.perf_counter() - began
            given = diarize.diarize(str(wav), num_speakers=len({w for _, _, w in ref})).turns
            t = transcribe.transcribe(str(wav), AsrOptions(model="base", diarize=True))
            segs = [(s.start, s.end, s.speaker) for s in t.segments]
            duration = max(b for _, b, _ in ref)
            print(f"| {name} | {len({x.speaker for x in found})} | {_der(ref, [(x.start, x.end, x.speaker) for x in found])} | "
                  f"{_der(ref, [(x.start, x.end, x.speaker) for x in given])} | {_der(ref, segs)} | {seconds:.2f} | {duration / seconds:.0f} |")
        print("\n| KEEP_QUANTILE | " + " | ".join(f"{n.split(' (')[0]}: speakers, DER" for n in files) + " |")
        print("|---|" + "---|" * len(files))
        chosen = diarize.KEEP_QUANTILE
        embedded = {n: diarize.embed(str(w)) for n, (w, _) in files.items()}
        for q in (0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95):
            diarize.KEEP_QUANTILE = q
            cells = []
            for n, (regions, e, c, o, pitches) in embedded.items():
                turns = diarize.turns_from(regions, diarize.cluster(e, pitches=pitches).labels, c, o)
                cells.append(f"{len({x.speaker for x in turns})}, {_der(files[n][1], [(x.start, x.end, x.speaker) for x in turns])}")
            print(f"| {q}{' (chosen)' if q == chosen else ''} | " + " | ".join(cells) + " |")
        diarize.KEEP_QUANTILE = chosen


if __name__ == "__main__":
    main()
