"""Bulk through a running Airflow, LocalExecutor against CeleryExecutor, against the bare engine.

    scripts/services.sh up && .venv/bin/python bench/executor_bulk_bench.py [--files 20] [--model base]

N one-minute files (the bundled sentence and a second of silence, 12 times), transcription only:
    bare     one process, the model loaded once, the files one after another (the floor)
    local    a running Airflow (tests/stack.py: api-server, scheduler, dag-processor, triggerer) on
             the LocalExecutor; all N uploaded through the task API at once
    celery   the same with `LocalExecutor,CeleryExecutor`: transcribe on the `asr` queue, one
             Celery worker (`-c 1`)
Both stacks give transcribe a pool of one slot (LINGUAFLOW_ASR_POOL), so one transcription runs at a
time as in the bare loop (on 2 cores a second one only contends for them): the ratio is the
pipeline's overhead, not a difference in parallelism. Wall clock from the first upload to the
last task ended; stack start-up not counted. Needs the test services (PostgreSQL, Redis, S3,
MongoDB-compatible).
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

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "include"), str(REPO / "tests")]

BARE = """
import sys
sys.path.insert(0, sys.argv[1] + "/include")
from linguaflow.speech.transcribe import transcribe
from linguaflow.speech.types import AsrOptions
for path in sys.argv[3:]:
    transcribe(path, AsrOptions(model=sys.argv[2]))
"""


def services() -> dict:
    pairs = (line.split("=", 1) for line in (REPO / ".linguaflow" / "services.env").read_text().splitlines() if "=" in line)
    return dict(pairs)


def environment(svc: dict, run: str) -> None:
    """The process environment the stacks inherit: this run's bucket, store database, cache."""
    import boto3

    bucket = f"linguaflow-bench-{run}"
    boto3.client("s3", endpoint_url=svc["LF_S3_ENDPOINT"], aws_access_key_id="test", aws_secret_access_key="test",
                 region_name="us-east-1").create_bucket(Bucket=bucket)
    os.environ.update({
        "LINGUAFLOW_WORK_ROOT": f"s3://{bucket}", "LINGUAFLOW_STORAGE_CONN_ID": "linguaflow_s3",
        "AIRFLOW_CONN_LINGUAFLOW_S3": '{"conn_type": "aws", "login": "test", "password": "test", '
                                      f'"extra": {{"endpoint_url": "{svc["LF_S3_ENDPOINT"]}", "region_name": "us-east-1"}}}}',
        "LINGUAFLOW_MONGO_URI": svc["LF_MONGO_URI"], "LINGUAFLOW_MONGO_DB": f"linguaflow_bench_{run}",
        "LINGUAFLOW_REDIS_URL": svc["LF_REDIS_URL"], "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "LINGUAFLOW_ASR_POOL": "asr",
    })


def through_stack(svc: dict, run: str, celery: bool, files: list[Path], model: str) -> float:
    import redis

    from stack import Stack, ended, free_port, upload

    extra = {}
    if celery:
        broker = svc["LF_REDIS_URL"].rsplit("/", 1)[0] + "/10"
        redis.Redis.from_url(broker).flushdb()
        extra = {"AIRFLOW__CORE__EXECUTOR": "LocalExecutor,CeleryExecutor", "LINGUAFLOW_ASR_EXECUTOR": "CeleryExecutor",
                 "AIRFLOW__CELERY__BROKER_URL": broker,
                 "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + svc["LF_PG_URL"].rsplit("/", 1)[0] + f"/linguaflow_bench_c_{run}"}
    st = Stack(REPO, svc, free_port(), extra, db=f"linguaflow_bench_{'c' if celery else 'l'}_{run}", name="bench-stack")
    st.start()
    try:
        with st.client() as c:
            assert c.post("/api/v2/pools", json={"name": "asr", "slots": 1, "include_deferred": False}).status_code == 201
        if celery:
            st.start_worker("asr", "asr")
        with st.client() as c:
            began = time.perf_counter()
            ids = [upload(c, f.read_bytes(), f.name, asr_model=model) for f in files]
            states = [ended(c, tid, timeout_s=3600)["state"] for tid in ids]
            took = time.perf_counter() - began
        if set(states) - {"done", "done_with_flags"}:
            raise SystemExit(f"runs did not succeed: {states}")
        return took
    finally:
        st.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--model", default="base")
    args = ap.parse_args()
    from mediagen import repeated_speech

    svc, run = services(), uuid.uuid4().hex[:8]
    environment(svc, run)
    sample = REPO / "include" / "linguaflow" / "samples" / "arctic_a0007.wav"
    print(f"# {platform.machine()}, {os.cpu_count()} cores; {args.files} one-minute files, faster-whisper {args.model} int8, "
          "transcription only, one at a time")
    with tempfile.TemporaryDirectory() as tmp:
        files = [repeated_speech(sample, Path(tmp) / f"minute{i:03d}.wav", 12, gap_s=1.0) for i in range(args.files)]
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", BARE, str(REPO), args.model, *map(str, files)], check=True)
        bare = time.perf_counter() - began
        local = through_stack(svc, run, False, files, args.model)
        celery = through_stack(svc, run, True, files, args.model)
    print("\n| variant | total s | s per file | bare / variant (share of engine throughput) |")
    print("|---|---|---|---|")
    for name, took in (("bare engine, one loop", bare), ("Airflow, LocalExecutor", local), ("Airflow, CeleryExecutor (asr worker)", celery)):
        print(f"| {name} | {took:.1f} | {took / args.files:.1f} | {100 * bare / took:.0f} % |")


if __name__ == "__main__":
    main()
