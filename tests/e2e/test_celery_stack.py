"""Scale-out on Airflow's distributed executor: a stack running the multiple executors
`LocalExecutor,CeleryExecutor` (broker Redis, results in PostgreSQL) with two Celery workers on
separate queues, `asr` (transcription) and `mt` (translation), each with its own hostname; the
light steps (probe, review, package) stay on the LocalExecutor. A killed worker's transcription
is tried again on a restarted worker, with one result; an interactive run overtakes a backlog of
bulk runs waiting for the one asr slot."""

from __future__ import annotations

import json
import time

import pytest

from conftest import REPO, RUN, SAMPLE, free_port
from stack import ended, speech_wav, stored_count, ti, upload, wait_for

pytestmark = pytest.mark.e2e
WORKER = "{}@linguaflow-test"


@pytest.fixture(scope="module")
def celery_stack(services, s3, bucket, tmp_path_factory):
    import redis

    from llm_echo import echo_llm
    from stack import Stack

    broker = services["LF_REDIS_URL"].rsplit("/", 1)[0] + "/9"  # the broker's own Redis database
    redis.Redis.from_url(broker).flushdb()
    echo = echo_llm()  # Italian: a fast OpenAI-compatible route, so translation is not what is measured
    port = free_port()
    db = f"linguaflow_celery_{RUN}"
    st = Stack(REPO, services, port, {
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor,CeleryExecutor",
        "LINGUAFLOW_ASR_EXECUTOR": "CeleryExecutor", "LINGUAFLOW_MT_EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL": broker,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + services["LF_PG_URL"].rsplit("/", 1)[0] + "/" + db,
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "1",
        "LINGUAFLOW_ROUTES": json.dumps({"it": {"backend": "openai", "model": "echo",
                                                "options": {"base_url": echo.url("/v1")}}}),
        "LINGUAFLOW_MONGO_DB": f"linguaflow_celery_{RUN}",
        # an inbox of its own: the default (<work root>/inbox) holds other tests' objects, which the
        # inbox DAG would start runs for, filling max_active_runs and the asr slot mid-test
        "LINGUAFLOW_INBOX": f"file://{tmp_path_factory.mktemp('celery-inbox')}",
        # a lost worker is noticed in 40 s and its task tried again 30 s later (as the LocalExecutor stack)
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "40",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
        "LINGUAFLOW_RETRY_DELAY_SCALE": "0.02",
        "LINGUAFLOW_ASR_POOL": "asr",  # sized to the asr workers' slots: waiting transcriptions queue in Airflow
    }, db=db, name="celery-stack")
    st.start()
    with st.client() as c:
        assert c.post("/api/v2/pools", json={"name": "asr", "slots": 1, "include_deferred": False}).status_code == 201
    try:
        st.start_worker("asr", "asr")
        st.start_worker("mt", "mt")
        yield st
    finally:
        st.stop()
        echo.close()


def _at(ti: dict, field: str):
    from datetime import datetime

    return datetime.fromisoformat(ti[field].replace("Z", "+00:00"))


def _mapped(c, tid, step, index=0):
    return c.get(f"/api/v2/dags/linguaflow_media/dagRuns/{tid}/taskInstances/{step}/{index}").json()


def test_twenty_celery_tasks_ran_on_the_workers_of_their_queues(celery_stack):
    data = SAMPLE.read_bytes()
    with celery_stack.client() as c:
        t0 = time.monotonic()
        ids = [upload(c, data, f"c{i}.wav", asr_model="tiny.en", target_languages="it") for i in range(10)]
        states = {tid: ended(c, tid, timeout_s=600)["state"] for tid in ids}
        took = time.monotonic() - t0
        assert set(states.values()) <= {"done", "done_with_flags"}, states  # the echo route's copies are flagged
        for tid in ids:
            asr, mt, probe = ti(c, tid, "transcribe"), _mapped(c, tid, "translate"), ti(c, tid, "probe")
            assert (asr["state"], asr["queue"], asr["executor"], asr["hostname"]) == ("success", "asr", "CeleryExecutor", WORKER.format("asr"))
            assert (mt["state"], mt["queue"], mt["executor"], mt["hostname"]) == ("success", "mt", "CeleryExecutor", WORKER.format("mt"))
            assert probe["state"] == "success" and probe["executor"] is None  # the default executor: LocalExecutor
            assert not probe["hostname"].endswith("@linguaflow-test")
            assert stored_count(celery_stack, tid) == 1
    print(f"\n20 Celery task instances (10 runs) in {took:.1f} s")


def test_a_killed_celery_worker_is_replaced_and_the_task_tried_again_within_90_s(celery_stack):
    with celery_stack.client() as c:
        tid = upload(c, speech_wav(6), "long.wav")  # 30 s of speech with base: transcription runs a while

        def running():
            t = ti(c, tid, "transcribe")
            return t.get("state") == "running" and t.get("hostname") == WORKER.format("asr") and t
        wait_for("the transcription to run on the asr worker", running, timeout_s=300)
        time.sleep(2)
        celery_stack.kill_worker("asr")
        t0 = time.monotonic()
        celery_stack.start_worker("asr", "asr")  # the replacement (a new node of the pool)

        def second_try():
            t = ti(c, tid, "transcribe")
            return t.get("try_number", 1) >= 2 and t.get("state") in ("running", "success") and t
        again = wait_for("the second try", second_try, timeout_s=180, every=0.5)
        retried_s = time.monotonic() - t0
        assert retried_s <= 90, retried_s
        assert again["hostname"] == WORKER.format("asr") and again["queue"] == "asr"
        assert ended(c, tid, timeout_s=600)["state"] in ("done", "done_with_flags")  # repeated speech may be flagged
        assert stored_count(celery_stack, tid) == 1
    print(f"\nkilled asr worker: second try running {retried_s:.1f} s after the kill")


def test_an_interactive_run_overtakes_a_backlog_of_bulk_runs(celery_stack, s3, bucket):
    """The asr pool is held at 0 slots until six bulk transcriptions and an interactive one all
    wait for it (so how fast this machine drains a backlog does not decide whether there is one
    to overtake), then given its one slot back: the interactive transcription is queued first."""
    key = f"bulk/{RUN}.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    with celery_stack.client() as c:
        def asr_slots(n):
            r = c.patch("/api/v2/pools/asr", json={"pool": "asr", "slots": n, "include_deferred": False}, params={"update_mask": ["slots"]})
            assert r.status_code == 200, r.text

        def waiting_for_the_slot(tid):
            return ti(c, tid, "transcribe").get("state") == "scheduled"

        def active_runs():
            return c.get("/api/v2/dags/linguaflow_media/dagRuns", params={"state": ["queued", "running"]}).json()["total_entries"]

        backlog = [f"inbox__overtake{i}" for i in range(6)]  # as the inbox names its runs
        wait_for("no other media run to be active", lambda: active_runs() == 0, timeout_s=600)  # each would hold a run slot
        asr_slots(0)
        try:
            for run_id in backlog:
                r = c.post("/api/v2/dags/linguaflow_media/dagRuns", json={
                    "dag_run_id": run_id, "logical_date": None,
                    "conf": {"media_uri": f"s3://{bucket}/{key}", "target_languages": [], "asr_model": "tiny.en", "task_id": run_id}})
                assert r.status_code == 200, r.text
            wait_for("the backlog to wait for the asr slot", lambda: all(waiting_for_the_slot(b) for b in backlog), timeout_s=300)
            interactive = upload(c, SAMPLE.read_bytes(), "now.wav", asr_model="tiny.en")
            wait_for("the interactive transcription to wait for it too", lambda: waiting_for_the_slot(interactive), timeout_s=300)
        finally:
            asr_slots(1)
        for tid in [*backlog, interactive]:
            assert ended(c, tid, timeout_s=900)["state"] in ("done", "done_with_flags")
        tis = {tid: ti(c, tid, "transcribe") for tid in [*backlog, interactive]}
    me = tis[interactive]
    assert all(_at(me, "scheduled_when") < _at(tis[b], "queued_when") for b in backlog), tis  # all waited together
    assert all(_at(me, "queued_when") < _at(tis[b], "queued_when") for b in backlog), tis  # and it went first
    assert me["priority_weight"] > tis[backlog[0]]["priority_weight"]
    print(f"\ninteractive run: queued ahead of the {len(backlog)} bulk transcriptions that were waiting before it")
