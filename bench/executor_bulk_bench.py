"""Bulk through a running Airflow, LocalExecutor against CeleryExecutor, against the bare engine.

    scripts/services.sh up && .venv/bin/python bench/executor_bulk_bench.py [--files 20] [--model base] [--to de]
                                                   [--variants local,celery,service]

N one-minute files (the bundled sentence and a second of silence, 12 times), transcription only or,
with `--to`, transcription and the languages given (the default translation route):
    bare     one process, the models loaded once, the files one after another (the floor); with
             `--to`, each transcript translated as the translate step does (sentences, checked),
             one language after another
    local    a running Airflow (tests/stack.py: api-server, scheduler, dag-processor, triggerer) on
             the LocalExecutor; all N uploaded through the task API at once
    celery   the same with `LocalExecutor,CeleryExecutor`: transcribe on the `asr` queue, one
             Celery worker (`-c 1`); with `--to`, translate on the `mt` queue, one mt worker
    service  the LocalExecutor stack with transcription routed to the warm ASR service
             (`linguaflow serve --model MODEL`, one transcription at a time, started and warmed
             before the timing) through LINGUAFLOW_ASR_ROUTES and the `linguaflow_asr` connection;
             `--service-args` are passed to `linguaflow serve`
The in-process stacks give transcribe a pool of one slot (LINGUAFLOW_ASR_POOL), so one transcription
runs at a time as in the bare loop (on 2 cores a second one only contends for them): the ratio is
the pipeline's overhead, not a difference in parallelism. Routed to the service, the pool has
`--service-slots` slots (default 2: one request decoding, the next already waiting in the
service's queue, so the warm model never waits for Airflow to start the next task; the service
still decodes one at a time unless `--service-args` says otherwise). Wall clock from the first upload to the
last task ended; stack start-up not counted. Needs the test services (PostgreSQL, Redis, S3,
MongoDB-compatible).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
import uuid
from pathlib import Path

from common import REPO, SAMPLE  # noqa: E402 - the checkout measured, the test helpers on the path
from bare import run as bare_run  # noqa: E402


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


def through_stack(svc: dict, run: str, celery: bool, files: list[Path], model: str, target: str,
                  extra: dict | None = None, slots: int = 1) -> tuple[float, str]:
    """Seconds from the first upload to the last run ended, and where the time went."""
    import redis

    from stack import Stack, ended, free_port, upload

    db = f"linguaflow_bench_{'c' if celery else 'l'}_{run}" + ("_routed" if extra else "")
    extra = dict(extra or {})
    if celery:
        broker = svc["LF_REDIS_URL"].rsplit("/", 1)[0] + "/10"
        redis.Redis.from_url(broker).flushdb()
        extra |= {"AIRFLOW__CORE__EXECUTOR": "LocalExecutor,CeleryExecutor", "LINGUAFLOW_ASR_EXECUTOR": "CeleryExecutor",
                 "LINGUAFLOW_MT_EXECUTOR": "CeleryExecutor",
                 "AIRFLOW__CELERY__BROKER_URL": broker,
                 "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + svc["LF_PG_URL"].rsplit("/", 1)[0] + f"/{db}"}
    st = Stack(REPO, svc, free_port(), extra, db=db, name="bench-stack")
    st.start()
    try:
        with st.client() as c:
            assert c.post("/api/v2/pools", json={"name": "asr", "slots": slots, "include_deferred": False}).status_code == 201
        if celery:
            st.start_worker("asr", "asr")
            if target:
                st.start_worker("mt", "mt")
        with st.client() as c:
            began = time.perf_counter()
            ids = [upload(c, f.read_bytes(), f.name, asr_model=model, target_languages=target) for f in files]
            states = [ended(c, tid, timeout_s=3600)["state"] for tid in ids]
            took = time.perf_counter() - began
            if set(states) - {"done", "done_with_flags"}:
                raise SystemExit(f"runs did not succeed: {states}")
            breakdown = transcribe_breakdown(c, len(files)) + "; CPU s per file: " + ", ".join(
                f"{p.args[-1] if p.args[1] != 'celery' else 'worker ' + p.args[4]} {cpu_seconds(p.pid) / len(files):.1f}"
                for p in st.procs)
        return took, breakdown
    finally:
        st.stop()


def stolen_seconds() -> float:
    """CPU time the hypervisor gave to others since boot, all cores (/proc/stat `steal`): a bare
    loop and a variant measured while the host was busy elsewhere are not comparable."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and of its children, the ones that ended (task processes) and the
    ones still running, since it started (/proc, Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = sum(int(x) for x in fields[11:15]) / ticks  # utime stime cutime cstime
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            total += cpu_seconds(int(child))
    except (OSError, IndexError, ValueError):
        pass
    return total


def transcribe_breakdown(c, n: int) -> str:
    """Where the pool's one transcription slot went: the transcribe tasks' own time (start to end)
    and the gaps between one ending and the next starting (scheduling, queueing, task start)."""
    from datetime import datetime

    r = c.post("/api/v2/dags/~/dagRuns/~/taskInstances/list",
               json={"dag_ids": ["linguaflow_media"], "task_ids": ["transcribe"], "page_limit": 100})
    tis = sorted((datetime.fromisoformat(t["start_date"]), datetime.fromisoformat(t["end_date"]))
                 for t in r.json()["task_instances"] if t["start_date"] and t["end_date"])
    busy = sum((e - s).total_seconds() for s, e in tis)
    gaps = sum(max(0.0, (s2 - e1).total_seconds()) for (_, e1), (s2, _) in zip(tis, tis[1:]))
    return (f"transcribe tasks {len(tis)} (of {n} files): {busy / max(1, len(tis)):.1f} s each, "
            f"{gaps / max(1, len(tis) - 1):.1f} s between one ending and the next starting")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--model", default="base")
    ap.add_argument("--to", default="", help="target languages, comma-separated (default: transcription only)")
    ap.add_argument("--variants", default="local,celery", help="comma-separated: local, celery, service")
    ap.add_argument("--service-slots", type=int, default=2, help="the asr pool's slots when routed to the service")
    ap.add_argument("--service-args", default="", help="extra arguments of `linguaflow serve`, e.g. '--concurrency 2'")
    args = ap.parse_args()
    from mediagen import repeated_speech
    from stack import asr_service_totals, routed_to, warm_asr_service

    svc, run = services(), uuid.uuid4().hex[:8]
    environment(svc, run)
    print(f"# {platform.machine()}, {os.cpu_count()} cores; {args.files} one-minute files, faster-whisper {args.model} int8, "
          + (f"and translation into {args.to} (default route)" if args.to else "transcription only") + ", one at a time")
    with tempfile.TemporaryDirectory() as tmp:
        files = [repeated_speech(SAMPLE, Path(tmp) / f"minute{i:03d}.wav", 12, gap_s=1.0) for i in range(args.files)]
        began, stolen = time.perf_counter(), stolen_seconds()
        bare_run(files, {"model": args.model}, to=args.to or None)  # the bare engine, the model loaded once
        bare = time.perf_counter() - began
        rows = [("bare engine, one loop", bare, f"CPU time stolen by the host {stolen_seconds() - stolen:.1f} s")]
        print(f"# bare engine: {bare:.1f} s; {rows[0][2]}", flush=True)
        for variant in args.variants.split(","):
            stolen = stolen_seconds()
            if variant == "local":
                rows.append(("Airflow, LocalExecutor", *through_stack(svc, run, False, files, args.model, args.to)))
            elif variant == "celery":
                rows.append(("Airflow, CeleryExecutor (asr worker)", *through_stack(svc, run, True, files, args.model, args.to)))
            elif variant == "service":
                with warm_asr_service(args.model, Path(tmp) / "serve.log", args=tuple(args.service_args.split())) as (url, pid):
                    before = asr_service_totals(url)
                    took, breakdown = through_stack(svc, run, False, files, args.model, args.to, routed_to(args.model, url),
                                                    slots=args.service_slots)
                    answered, spent = (a - b for a, b in zip(asr_service_totals(url), before))
                    breakdown += (f"; the service answered {answered} and spent {spent / max(1, answered):.1f} s on each, "
                                  f"{cpu_seconds(pid) / args.files:.1f} CPU s per file (its warm-up included)")
                rows.append((f"Airflow, LocalExecutor, warm ASR service {args.service_args}".rstrip()
                             + f", asr pool {args.service_slots}", took, breakdown))
            rows[-1] = (*rows[-1][:2], rows[-1][2] + f"; CPU time stolen by the host {stolen_seconds() - stolen:.1f} s")
            print(f"# {rows[-1][0]}: {rows[-1][1]:.1f} s (bare {bare:.1f} s); {rows[-1][2]}", flush=True)
    print("\n| variant | total s | s per file | bare / variant (share of engine throughput) |")
    print("|---|---|---|---|")
    for name, took, _ in rows:
        print(f"| {name} | {took:.1f} | {took / args.files:.1f} | {100 * bare / took:.0f} % |")
    print()
    for name, _, breakdown in rows:
        print(f"- {name}: {breakdown}")


if __name__ == "__main__":
    main()
