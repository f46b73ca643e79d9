"""Bulk: N one-minute files through the media DAG with the in-process engine and with the warm
ASR service (routed by LINGUAFLOW_ASR_ROUTES), against the bare engine in one loop, one run.

    .venv/bin/python bench/bulk_bench.py [--files 3] [--model base]

    bare        one process, the model loaded once, the files one after another (the floor)
    in-process  `linguaflow run FILE --to ""` per file (embedded default: the DAG, a model load per run)
    service     the same runs, transcription routed to `linguaflow serve --model MODEL` (started
                and warmed before the timing: its model stays loaded between files)

Files: the bundled sentence and a second of silence, 12 times (one minute each). Whole commands,
wall clock, no translation; the ratio is each total against the bare loop's.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path


from common import REPO, SAMPLE  # noqa: E402 - the checkout measured, the test helpers on the path
from stack import asr_service_totals, routed_to, warm_asr_service  # noqa: E402

CLI = str(REPO / ".venv" / "bin" / "linguaflow")
BARE = str(REPO / "bench" / "bare.py")  # the bare engine, the model loaded once (bench/bare.py)


def _env(home: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "LINGUAFLOW_"))}
    return {**env, "LINGUAFLOW_HOME": str(home), **extra}


def _timed(argvs: list[list[str]], env: dict) -> float:
    began = time.perf_counter()
    for argv in argvs:
        r = subprocess.run(argv, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(argv[:3])} failed ({r.returncode}): {r.stderr[-2000:]}")
    return time.perf_counter() - began


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=3)
    ap.add_argument("--model", default="base")
    args = ap.parse_args()
    from mediagen import repeated_speech

    print(f"# {platform.machine()}, {os.cpu_count()} cores; faster-whisper {args.model} int8; {args.files} one-minute files")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = [str(repeated_speech(SAMPLE, tmp / f"f{i}.wav", 12, gap_s=1.0)) for i in range(args.files)]
        runs = [[CLI, "run", f, "--model", args.model, "--to", "", "--task-id", f"bulk-{uuid.uuid4().hex[:10]}",
                 "--out", str(tmp / "r.json")] for f in files]
        # warm the embedded home (schema, bytecode) once, outside the timing
        _timed([[CLI, "run", str(SAMPLE), "--to", "", "--task-id", "warm", "--out", str(tmp / "w.json")]], _env(tmp / "home"))
        results = {"bare": _timed([[sys.executable, BARE, "--options", f'{{"model": "{args.model}"}}', *files]], _env(tmp / "home"))}
        results["in-process"] = _timed(runs, _env(tmp / "home"))
        with warm_asr_service(args.model, tmp / "serve.log", env=_env(tmp / "home")) as (url, _):
            remote = _env(tmp / "home", **routed_to(args.model, url))
            runs = [[*r[:-4], "--task-id", f"bulk-{uuid.uuid4().hex[:10]}", "--out", str(tmp / "r.json")] for r in runs]
            results["service"] = _timed(runs, remote)
            answered, _ = asr_service_totals(url)
    print(f"service answered: {answered} transcriptions (1 warm-up)")
    print("| path | total s | per file s | x bare |")
    print("|---|---|---|---|")
    for name, secs in results.items():
        print(f"| {name} | {secs:.1f} | {secs / args.files:.1f} | {secs / results['bare']:.2f} |")


if __name__ == "__main__":
    main()
