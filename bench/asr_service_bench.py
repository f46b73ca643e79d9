"""Throughput of the warm ASR service (`linguaflow serve`) against the bare engine, on the same
files and model, in one run.

    bare      one process: the model loaded once, the files transcribed one after another
    service   `linguaflow serve --model base --concurrency C`, the files sent by OpenAI's client
              with K requests in flight (K = 1, 4, 8)

Figures: audio seconds transcribed per wall second, and the ratio to the bare engine. Files: the
bundled 4 s clip, N times (many short files: the case the service is for).
Usage: .venv/bin/python bench/asr_service_bench.py [--files 24] [--model base]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "include" / "linguaflow" / "samples" / "arctic_a0007.wav"
CLI = str(REPO / ".venv" / "bin" / "linguaflow")


def bare(files: int, model: str) -> float:
    """Seconds for `files` transcriptions in one process (the model loaded before the clock starts)."""
    code = (
        "import sys,time\n"
        "from linguaflow.speech import transcribe, faster_whisper\n"
        "from linguaflow.speech.types import AsrOptions, compute_type\n"
        f"o = AsrOptions(model={model!r})\n"
        "faster_whisper.load(o, compute_type(o))\n"
        "t = time.perf_counter()\n"
        f"for _ in range({files}): transcribe.transcribe({str(SAMPLE)!r}, o)\n"
        "print(time.perf_counter() - t)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service(files: int, model: str, concurrency: int, in_flight: list[int]) -> dict[int, float]:
    from openai import OpenAI

    port = _port()
    proc = subprocess.Popen([CLI, "serve", "--port", str(port), "--model", model, "--concurrency", str(concurrency),
                             "--queue", str(max(in_flight) + 1)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "LINGUAFLOW_SERVE_API_KEY": ""})
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        client = OpenAI(base_url=f"{url}/v1", api_key="none", max_retries=0, timeout=600)

        def one(_):
            with open(SAMPLE, "rb") as f:
                return client.audio.transcriptions.create(model="whisper-1", file=f).text

        one(0)  # a first request outside the clock (connection, first decode)
        seconds = {}
        for k in in_flight:
            t = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(k) as pool:
                texts = list(pool.map(one, range(files)))
            seconds[k] = time.perf_counter() - t
            assert all("superlative" in x.lower() for x in texts)
        return seconds
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=24)
    ap.add_argument("--model", default="base")
    args = ap.parse_args()
    audio = 4.0 * args.files
    base = bare(args.files, args.model)
    print(f"machine: {os.cpu_count()} cores; {args.files} files of 4 s, model {args.model} int8 on the CPU")
    print("| how | in flight | wall s | audio s per s | vs bare |")
    print("|---|---|---|---|---|")
    print(f"| bare engine, one process | 1 | {base:.1f} | {audio / base:.2f} | 1.00 |", flush=True)
    for concurrency in (1, 2):
        for k, s in service(args.files, args.model, concurrency, [1, 4, 8]).items():
            print(f"| service, --concurrency {concurrency} | {k} | {s:.1f} | {audio / s:.2f} | {base / s:.2f} |", flush=True)


if __name__ == "__main__":
    main()
