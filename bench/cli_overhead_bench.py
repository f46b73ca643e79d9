"""Fixed overhead of `linguaflow run` (the embedded default) against the bare engine, as a user
meets them: whole commands, process start to exit, taken in turn (A B A B ...) so a drift of the
machine hits both, medians and the ratio of each pair.

    bare    linguaflow transcribe --input FILE --output file://...   (engine, model load, no Airflow)
    run     linguaflow run FILE --to "" --task-id <new>               (the media DAG in-process, no translation)
    rerun   linguaflow run FILE --to "" --task-id <same>              (everything stored: answered from the store)

Media: the bundled 4 s clip, and 5 minutes of speech (that clip and a second of silence, 60 times).
Usage: .venv/bin/python bench/cli_overhead_bench.py [--runs 5] [--long-runs 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from common import REPO  # noqa: E402 - the checkout measured, its include/ and tests/ on the path
CLI = str(REPO / ".venv" / "bin" / "linguaflow")
SAMPLE = REPO / "include" / "linguaflow" / "samples" / "arctic_a0007.wav"


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "LINGUAFLOW_"))}
    return {**env, "LINGUAFLOW_HOME": str(home)}


def _timed(argv: list[str], env: dict) -> float:
    began = time.perf_counter()
    r = subprocess.run(argv, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({r.returncode}): {r.stderr[-2000:]}")
    return seconds


def pairs(media: Path, runs: int, home: Path, out: Path) -> tuple[list[float], list[float]]:
    bare, run = [], []
    env = _env(home)
    for i in range(runs + 1):  # the first pair warms caches (and the schema) and is not counted
        b = _timed([CLI, "transcribe", "--input", str(media), "--output", f"file://{out}/bare-{i}.json"], env)
        r = _timed([CLI, "run", str(media), "--to", "", "--task-id", f"bench-{uuid.uuid4().hex[:10]}", "--out", str(out / "r.json")], env)
        if i:
            bare.append(b)
            run.append(r)
    return bare, run


def row(name: str, bare: list[float], run: list[float]) -> str:
    ratios = [r / b for r, b in zip(run, bare)]
    return (f"| {name} | {statistics.median(bare):.1f} | {statistics.median(run):.1f} | "
            f"{statistics.median(run) - statistics.median(bare):.1f} | {statistics.median(ratios):.2f} "
            f"({min(ratios):.2f}–{max(ratios):.2f}) | {len(ratios)} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5, help="counted pairs on the 4 s clip")
    ap.add_argument("--long-runs", type=int, default=2, help="counted pairs on the 5-minute file")
    args = ap.parse_args()
    from mediagen import five_minutes_of_speech

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        home, out = tmp / "home", tmp / "out"
        out.mkdir()
        long = five_minutes_of_speech(SAMPLE, tmp / "five-minutes.wav")
        print(f"machine: {os.cpu_count()} cores; medians in seconds, whole processes")
        print("| media | bare engine | linguaflow run | overhead | run / bare (min–max) | pairs |")
        print("|---|---|---|---|---|---|")
        print(row("4 s clip", *pairs(SAMPLE, args.runs, home, out)), flush=True)
        if args.long_runs:
            print(row("5 min of speech", *pairs(long, args.long_runs, home, out)), flush=True)
        env, task = _env(home), f"bench-rerun-{uuid.uuid4().hex[:8]}"
        _timed([CLI, "run", str(SAMPLE), "--to", "de", "--task-id", task, "--out", str(out / "r.json")], env)
        again = [_timed([CLI, "run", str(SAMPLE), "--to", "de", "--task-id", task, "--out", str(out / "r.json")], env)
                 for _ in range(args.runs)]
        print(f"\nidentical re-run (answered from the store): median {statistics.median(again):.2f} s, "
              f"max {max(again):.2f} s over {len(again)}")


if __name__ == "__main__":
    main()
