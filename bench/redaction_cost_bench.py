"""What redaction adds to a transcript-only run: `linguaflow run FILE --to ""` with and without
`--redact`, each in a fresh embedded home (nothing answered from the store), A B A B.

    .venv/bin/python bench/redaction_cost_bench.py [--runs 2]

Two five-minute files: the five-minute benchmark (the bundled sentence and a second of silence, 60
times: tests/mediagen.py) and five minutes of the PII benchmark's sentences spoken by espeak-ng
(a call dense with personal data: the detector's worst case). Whole-command wall time, model
loads included, as a user meets it; the ratio is taken pair by pair.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common  # noqa: F401 - the checkout measured: its include/ and tests/ on the path

import numpy as np  # noqa: E402

import mediagen  # noqa: E402
import speechgen  # noqa: E402
from pii_bench import DATA, audio_for  # noqa: E402

CLI = str(Path(sys.executable).parent / "linguaflow")
SAMPLE = Path(__file__).resolve().parents[1] / "include" / "linguaflow" / "samples" / "arctic_a0007.wav"


def pii_call(dst: Path, seconds: float = 300.0) -> Path:
    """The PII sentences one after another (0.4 s apart) up to `seconds`."""
    parts, total = [], 0
    for path in audio_for(json.loads(DATA.read_text())["sentences"]):
        import wave

        with wave.open(str(path)) as w:
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        parts.append(pcm)
        total += len(pcm)
        if total >= seconds * speechgen.RATE:
            break
    return speechgen.write_wav(dst, np.concatenate(parts)[: int(seconds * speechgen.RATE)])


def run_once(path: Path, redact: bool) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as home:
        env = {**{k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "LINGUAFLOW_"))}, "LINGUAFLOW_HOME": home}
        argv = [CLI, "run", str(path), "--to", "", "--format", "json"] + (["--redact"] if redact else [])
        began = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=1800)
        seconds = time.perf_counter() - began
        if done.returncode != 0:
            raise SystemExit(done.stderr[-2000:])
        return seconds, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    root = speechgen.cache_dir() / "redaction-cost"
    root.mkdir(parents=True, exist_ok=True)
    files = {"five-minute benchmark": mediagen.five_minutes_of_speech(SAMPLE, root / "five-minutes.wav"),
             "five minutes of PII sentences": pii_call(root / "pii-call.wav")}
    run_once(SAMPLE, True)  # warm-up: models joined into their cache, files in the page cache
    rows = []
    for name, path in files.items():
        plain, redacted = [], []
        for _ in range(args.runs):
            plain.append(run_once(path, False)[0])
            seconds, err = run_once(path, True)
            redacted.append(seconds)
        tagged = next((line for line in err.splitlines() if "personal data" in line), "").strip()
        ratios = [r / p for p, r in zip(plain, redacted, strict=True)]
        rows.append({"file": name, "plain_s": plain, "redact_s": redacted, "ratio": statistics.median(ratios), "step": tagged})
        print(f"{name}: without {statistics.median(plain):.1f} s, with --redact {statistics.median(redacted):.1f} s, "
              f"ratio {statistics.median(ratios):.3f} (pairs {', '.join(f'{r:.3f}' for r in ratios)}); {tagged}", flush=True)
    common.write_figures("redaction_cost", "transcript-only run with and without --redact, five minutes of speech", rows,
                         runs=args.runs)


if __name__ == "__main__":
    main()
