"""Throughput of the warm ASR service (`linguaflow serve`) against the bare engine, on the same
files and model, in one run.

    bare      one process: the model loaded once, the files transcribed one after another
    service   `linguaflow serve --model base --concurrency C`, the files sent by OpenAI's client
              with K requests in flight (K = 1, 4, 8)
    batched   `linguaflow serve --model base --batch-size B`: the speech chunks of the requests in
              flight decoded B at a time by one decoder (speech.batching); the mean batch it ran

Figures: audio seconds transcribed per wall second, and the ratio to the bare engine. Files: the
bundled 4 s clip, N times (many short files: the case the service is for).
Usage: .venv/bin/python bench/asr_service_bench.py [--files 24] [--model base] [--concurrency 1 2] [--batch-size 4 8]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import socket
import subprocess
import time

import httpx

from common import REPO, SAMPLE  # noqa: E402 - the checkout measured
from bare import run as bare_run  # noqa: E402

CLI = str(REPO / ".venv" / "bin" / "linguaflow")


def bare(files: int, model: str) -> float:
    """Seconds for `files` transcriptions in one process (the model loaded before the clock starts)."""
    return bare_run([SAMPLE] * files, {"model": model})["run_s"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service(files: int, model: str, concurrency: int, in_flight: list[int], batch_size: int = 0) -> dict[int, tuple[float, float]]:
    """Seconds for `files` requests at each number in flight, and the mean batch the decoder ran."""
    from openai import OpenAI

    port = _port()
    proc = subprocess.Popen([CLI, "serve", "--port", str(port), "--model", model, "--concurrency", str(concurrency),
                             "--queue", str(max(in_flight) + 1), "--batch-size", str(batch_size)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
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
            before = _batches(url)
            t = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(k) as pool:
                texts = list(pool.map(one, range(files)))
            took = time.perf_counter() - t
            batches, chunks = (a - b for a, b in zip(_batches(url), before))
            seconds[k] = took, chunks / batches if batches else 1.0
            assert all("superlative" in x.lower() for x in texts)
        return seconds
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def _batches(url: str) -> tuple[float, float]:
    """The service's counts of decoded batches and of the chunks in them."""
    metrics = dict(line.rsplit(" ", 1) for line in httpx.get(f"{url}/metrics").text.splitlines() if not line.startswith("#"))
    return float(metrics["linguaflow_asr_batches_total"]), float(metrics["linguaflow_asr_batched_chunks_total"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=24)
    ap.add_argument("--model", default="base")
    ap.add_argument("--concurrency", type=int, nargs="*", default=[1, 2], help="sequential services to run")
    ap.add_argument("--batch-size", type=int, nargs="*", default=[4, 8],
                    help="batched services to run (concurrency = batch size: chunks of requests in flight decoded together)")
    args = ap.parse_args()
    audio = 4.0 * args.files
    base = bare(args.files, args.model)
    print(f"machine: {os.cpu_count()} cores; {args.files} files of 4 s, model {args.model} int8 on the CPU")
    print("| how | in flight | wall s | audio s per s | vs bare | mean batch |")
    print("|---|---|---|---|---|---|")
    print(f"| bare engine, one process | 1 | {base:.1f} | {audio / base:.2f} | 1.00 | |", flush=True)
    configs = [(f"--concurrency {c}", c, 0) for c in args.concurrency] + [(f"--batch-size {b}", b, b) for b in args.batch_size]
    for name, concurrency, batch in configs:
        for k, (s, mean) in service(args.files, args.model, concurrency, [1, 4, 8], batch).items():
            print(f"| service, {name} | {k} | {s:.1f} | {audio / s:.2f} | {base / s:.2f} | {f'{mean:.1f}' if batch else ''} |",
                  flush=True)


if __name__ == "__main__":
    main()
