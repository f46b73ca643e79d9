"""Several files: one `linguaflow run a b c` against three calls one after another.

    .venv/bin/python bench/cli_several_files_bench.py [--rounds 2] [--to de]

Three files with three contents (the bundled sample as WAV, FLAC and MP3: three tasks), each
variant in a fresh embedded home (nothing answered from the store), the two variants alternated
round by round. Prints each wall time and the ratio one call / three calls.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import SAMPLE
from mediagen import encode

CLI = os.path.join(os.path.dirname(sys.executable), "linguaflow")


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "LINGUAFLOW_", "AWS_"))}
    return {**env, "LINGUAFLOW_HOME": str(home)}


def _timed(commands: list[list[str]], home: Path) -> float:
    began = time.perf_counter()
    for argv in commands:
        subprocess.run(argv, env=_env(home), check=True, capture_output=True)
    return time.perf_counter() - began


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--to", default="")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = [str(SAMPLE), str(encode(SAMPLE, tmp / "clip.flac", "flac", "flac")),
                 str(encode(SAMPLE, tmp / "clip.mp3", "mp3", "libmp3lame"))]
        flags = ["--to", args.to]
        print(f"# three 4 s files, --to {args.to!r}; {platform.machine()}, {os.cpu_count()} cores")
        print("| round | one call, three files (s) | three calls (s) | one / three |")
        print("|---|---|---|---|")
        for r in range(1, args.rounds + 1):
            one = _timed([[CLI, "run", *files, *flags]], tmp / f"one-{r}")
            three = _timed([[CLI, "run", f, *flags] for f in files], tmp / f"three-{r}")
            print(f"| {r} | {one:.1f} | {three:.1f} | {one / three:.2f} |", flush=True)


if __name__ == "__main__":
    main()
