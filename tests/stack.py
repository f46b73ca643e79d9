"""A running Airflow on loopback for integration tests: api-server, scheduler, dag-processor and
triggerer processes (LocalExecutor; Celery workers on request) on the PostgreSQL metadata DB,
with the project's DAGs and plugin."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import httpx
import numpy as np

AIRFLOW = os.path.join(os.path.dirname(sys.executable), "airflow")


def free_port() -> int:
    """A TCP port nothing listens on (for a server a test starts)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout_s: float = 30, up: bool = True) -> None:
    """Poll until something answers on the loopback port (or, with up=False, until nothing does)."""
    import socket

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            answers = s.connect_ex(("127.0.0.1", port)) == 0
        if answers == up:
            return
        time.sleep(0.1)
    raise RuntimeError(f"port {port} still {'closed' if up else 'open'} after {timeout_s} s")


class Server:
    """A server process of the stack's own (its MongoDB-compatible store, a Redis) that a drill
    may stop and start again, while the machine's shared servers stay untouched."""

    def __init__(self, argv: list[str], port: int, log: Path):
        self.argv, self.port, self.log = argv, port, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, stdout=open(self.log, "a"), stderr=subprocess.STDOUT, start_new_session=True)
        wait_port(self.port)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        wait_port(self.port, up=False)


class Stack:
    def __init__(self, repo: Path, services: dict, port: int, extra_env: dict, db: str = "linguaflow_stack", name: str = "stack"):
        home = repo / ".linguaflow" / name
        home.mkdir(parents=True, exist_ok=True)
        (home / "passwords.json").write_text(json.dumps({"admin": "admin-pw", "viewer": "viewer-pw"}))
        self.url = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": services["LF_PG_URL"].rsplit("/", 1)[0] + "/" + db,
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.url}/execution/",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API__BASE_URL": self.url,
            "AIRFLOW__API_AUTH__JWT_SECRET": "linguaflow-test-secret",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin,viewer:viewer",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            **extra_env,
        }
        self.env.pop("AIRFLOW__CORE__UNIT_TEST_MODE", None)
        self.home = home
        self.procs: list[subprocess.Popen] = []
        self.workers: dict[str, subprocess.Popen] = {}

    def _admin(self, *statements: str) -> None:
        import psycopg2

        url = self.env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        server, name = url.split("://", 1)[1].rsplit("/", 1)  # postgresql+psycopg2://user@host:port/name
        user, hostport = server.split("@")
        host, port = hostport.split(":")
        conn = psycopg2.connect(host=host, port=port, user=user, dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement.format(name=name))
        conn.close()

    def fresh_db(self) -> None:
        """Every session gets its own empty metadata DB (earlier runs and backfills would interfere)."""
        self._admin('DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', 'CREATE DATABASE "{name}"')

    def start(self, timeout_s: float = 240) -> None:
        """Start the processes and wait until the API answers and the DAGs are parsed; on any
        failure the processes already started are stopped again (no orphans)."""
        try:
            self._start(timeout_s)
        except BaseException:
            self.stop()
            raise

    def _start(self, timeout_s: float) -> None:
        self.fresh_db()
        subprocess.run([AIRFLOW, "db", "migrate"], env=self.env, check=True, capture_output=True, timeout=600)
        for name in ("api-server", "scheduler", "dag-processor", "triggerer"):  # triggerer: the inbox's asset watcher
            log = open(self.home / f"{name}.log", "w")
            self.procs.append(subprocess.Popen([AIRFLOW, name], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                               start_new_session=True))
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for p in self.procs:
                if p.poll() is not None:
                    raise RuntimeError(f"{p.args[1]} exited {p.returncode}; see {self.home}")
            try:
                if httpx.get(f"{self.url}/api/v2/monitor/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(1)
        else:
            raise RuntimeError(f"Airflow API server did not answer in {timeout_s} s; see {self.home}")
        self.token = self.login("admin", "admin-pw")
        self.wait_for_dags(("linguaflow_media", "linguaflow_inbox"), deadline)

    def start_worker(self, name: str, queues: str, timeout_s: float = 120) -> subprocess.Popen:
        """A Celery worker of this stack serving `queues` (one task at a time), known to Airflow as
        host `name@linguaflow-test` (its task instances' hostname); returns once it is ready."""
        log_path = self.home / f"worker-{name}.log"
        start = log_path.stat().st_size if log_path.exists() else 0
        node = f"{name}@linguaflow-test"
        env = {**self.env, "LF_WORKER_HOSTNAME": node, "AIRFLOW__CORE__HOSTNAME_CALLABLE": "worker_hostname.hostname",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent), self.env.get("PYTHONPATH")]))}
        proc = subprocess.Popen([AIRFLOW, "celery", "worker", "-q", queues, "-H", node, "-c", "1", "--skip-serve-logs"],
                                env=env, stdout=open(log_path, "a"), stderr=subprocess.STDOUT, start_new_session=True)
        self.workers[name] = proc
        self.procs.append(proc)

        def ready():
            if proc.poll() is not None:
                raise RuntimeError(f"worker {name} exited {proc.returncode}; see {log_path}")
            with open(log_path, "rb") as f:
                f.seek(start)
                return b" ready." in f.read()
        wait_for(f"worker {name} to be ready", ready, timeout_s)
        return proc

    def kill_worker(self, name: str) -> None:
        """kill -9 a worker and everything it started (its running task's processes too)."""
        proc = self.workers.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def login(self, user: str, password: str) -> str:
        r = httpx.post(f"{self.url}/auth/token", json={"username": user, "password": password}, timeout=30)
        r.raise_for_status()
        return r.json()["access_token"]

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=60)

    def wait_for_dags(self, dag_ids, deadline) -> None:
        with self.client() as c:
            while time.monotonic() < deadline:
                found = {d["dag_id"] for d in c.get("/api/v2/dags").json().get("dags", [])}
                if set(dag_ids) <= found:
                    return
                time.sleep(1)
        raise RuntimeError(f"DAGs {dag_ids} not parsed in time; see {self.home}")

    def metadata_rows(self, containing: str | None = None):
        """(table, row as text) of every row of Airflow's metadata database (that mentions `containing`)."""
        import psycopg2

        server, name = self.env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].split("://", 1)[1].rsplit("/", 1)
        user, hostport = server.split("@")
        host, port = hostport.split(":")
        with psycopg2.connect(host=host, port=port, user=user, dbname=name) as conn, conn.cursor() as cur:
            cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema='public'")
            for (table,) in cur.fetchall():
                if containing is None:
                    cur.execute(f'SELECT t::text FROM "{table}" t')
                else:
                    cur.execute(f'SELECT t::text FROM "{table}" t WHERE t::text LIKE %s', (f"%{containing}%",))
                yield from ((table, row) for (row,) in cur.fetchall())

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        self._admin('DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_for(what: str, probe, timeout_s: float = 300, every: float = 0.5):
    """Call `probe` until it returns something true (returned), or fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = probe()
        if got:
            return got
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout_s} s")


# -- driving a stack through its APIs (the drills and the distributed-executor tests) ------------

ENDED = {"done", "done_with_flags", "failed", "cancelled"}
SAMPLE = Path(__file__).resolve().parents[1] / "include" / "linguaflow" / "samples" / "arctic_a0007.wav"


def upload(c: httpx.Client, data: bytes, name: str = "a.wav", **fields) -> str:
    form = {"target_languages": "", **fields}
    r = c.post("/linguaflow/tasks/upload", files={"file": (name, data)}, data=form)
    assert r.status_code == 201, r.text
    return r.json()["task_id"]


def task(c: httpx.Client, tid: str) -> dict:
    return c.get(f"/linguaflow/tasks/{tid}").json()


def ti(c: httpx.Client, tid: str, step: str) -> dict:
    return c.get(f"/api/v2/dags/linguaflow_media/dagRuns/{tid}/taskInstances/{step}").json()


def ended(c: httpx.Client, tid: str, timeout_s: float = 400) -> dict:
    return wait_for(f"task {tid} to end", lambda: (st := task(c, tid))["state"] in ENDED and st, timeout_s, every=1)


def stored_count(stack, tid: str) -> int:
    import pymongo

    client = pymongo.MongoClient(stack.env["LINGUAFLOW_MONGO_URI"], serverSelectionTimeoutMS=5000)
    try:
        return client[stack.env["LINGUAFLOW_MONGO_DB"]]["results"].count_documents({"_id": tid})
    finally:
        client.close()


def speech_wav(seconds_of_repeats: int) -> bytes:
    """The bundled sentence repeated with a second of silence between, as 16 kHz WAV bytes."""
    import io

    with wave.open(str(SAMPLE)) as w:
        speech = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(16000)
        out.writeframes(np.tile(np.concatenate([speech, np.zeros(16000, "<i2")]), seconds_of_repeats).tobytes())
    return buf.getvalue()


@contextlib.contextmanager
def warm_asr_service(model: str, log: Path, env: dict | None = None, args: tuple[str, ...] = ()):
    """`linguaflow serve --model MODEL [ARGS]` on a free port, answering and warmed (its first request
    pays the model's first use); yields (base URL, pid). The benches route the DAG to it with
    `routed_to(model, url)` and read what it did with `asr_service_totals(url)`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    serve = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "linguaflow"), "serve", "--port", str(port),
                              "--model", model, *args], env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                             start_new_session=True)

    def healthy() -> bool:
        try:
            return httpx.get(f"{url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for("the ASR service to answer", healthy, timeout_s=120)
        httpx.post(f"{url}/v1/audio/transcriptions", files={"file": SAMPLE.read_bytes()}, data={"model": model}, timeout=120)
        yield url, serve.pid
    finally:
        serve.terminate()
        serve.wait(30)


def routed_to(model: str, url: str) -> dict:
    """The settings that send the transcriptions of `model` to the service at `url`, no fallback."""
    return {"LINGUAFLOW_ASR_ROUTES": json.dumps({model: {"engine": "remote", "fallback": False}}),
            "AIRFLOW_CONN_LINGUAFLOW_ASR": json.dumps({"conn_type": "http", "host": f"{url}/v1"})}


def asr_service_totals(url: str) -> tuple[int, float]:
    """Transcriptions the service answered and its processing seconds, since it started."""
    metrics = dict(line.rsplit(" ", 1) for line in httpx.get(f"{url}/metrics").text.splitlines() if line and not line.startswith("#"))
    return (int(float(metrics.get('linguaflow_asr_requests_total{route="transcriptions",status="200"}', 0))),
            float(metrics.get("linguaflow_asr_processing_seconds_total", 0.0)))
