"""The embedded default: Airflow on SQLite, file:// storage and an in-process MongoDB-compatible
store (SecantusDB), all under one project-local folder. No servers to start, no network.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from pathlib import Path

from .. import settings

REPO = Path(__file__).resolve().parents[3]  # include/linguaflow/orchestration/embedded.py


def home() -> Path:
    return Path(os.environ.get("LINGUAFLOW_HOME") or REPO / ".linguaflow").resolve()


def configure_env() -> None:
    """Point Airflow and linguaflow at project-local state unless the caller already did.

    Must run before `airflow` is imported: Airflow reads its settings at import time.
    """
    h = home()
    os.environ["LINGUAFLOW_HOME"] = str(h)
    os.environ.setdefault("AIRFLOW_HOME", str(h / "airflow"))
    os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(REPO / "dags"))
    os.environ.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(REPO / "plugins"))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{h / 'airflow' / 'airflow.db'}")
    os.environ.setdefault("LINGUAFLOW_WORK_ROOT", "file://" + str(h / "storage"))
    # one user's own machine, no API in front: the run may read any of that user's local files
    os.environ.setdefault("LINGUAFLOW_LOCAL_MEDIA_ROOTS", "/")
    os.environ.setdefault("LINGUAFLOW_ASR_MODEL_ROOTS", "/")
    # its tasks run one after another in this process: the first translate task decodes every
    # language at once on one model, the others find theirs made (bench/RESULTS.md, issue 27)
    os.environ.setdefault("LINGUAFLOW_LANGUAGES_TOGETHER", "1")
    (h / "airflow").mkdir(parents=True, exist_ok=True)
    settings.reload()


def dags_folder() -> Path:
    """The DAG folder Airflow is configured with (this repo's `dags/` unless told otherwise)."""
    return Path(os.environ.get("AIRFLOW__CORE__DAGS_FOLDER") or REPO / "dags")


def migrate_db() -> None:
    """Create or upgrade the Airflow metadata schema (idempotent)."""
    from airflow import settings
    from airflow.utils import db

    settings.configure_orm()
    db.initdb()


def ensure_schema() -> None:
    """Migrate only when the schema is not at this Airflow's head. Finding the head walks every
    migration script (~3 s), so a schema found current is remembered per Airflow version and
    revision; later starts read one row (milliseconds)."""
    import airflow
    from airflow import settings
    from sqlalchemy import text

    settings.configure_orm()

    def revision() -> str | None:  # one row, without importing Airflow's migration machinery
        try:
            with settings.engine.connect() as conn:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:  # noqa: BLE001 - no schema yet: initdb creates it
            return None

    current = revision()
    marker = lambda rev: home() / "airflow" / f".schema-current-{airflow.__version__}-{rev}"  # noqa: E731
    if current and marker(current).exists():
        return
    if current != _head_revision():
        from airflow.utils import db

        db.initdb()
        current = revision()
    marker(current).touch()


def _head_revision() -> str:
    from airflow.utils import db
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(db._get_alembic_config()).get_current_head()  # workarounds: schema_head


def run_dag(conf: dict):
    """Run the media DAG once with `dag.test()` in this process and return the finished DagRun."""
    from airflow.dag_processing.dagbag import DagBag

    from .workarounds import check_airflow_version

    check_airflow_version()
    bag = DagBag(dag_folder=str(dags_folder() / "linguaflow_media.py"))
    if bag.import_errors:
        raise SystemExit(f"DAG import errors: {bag.import_errors}")
    dag = bag.get_dag("linguaflow_media")
    dag.deadline = None  # workarounds: dag_test_deadline
    serve_only_the_sdk_api_version()
    with short_idle_polls():
        return dag.test(run_conf=conf, mark_success_pattern=no_op_steps(conf))


def no_op_steps(conf: dict) -> str | None:
    """The steps that return at once for this request — `review` when no review is asked, `notify`
    without a callback URL — as dag.test()'s pattern of tasks to mark done without starting them:
    each task started here costs ~0.25 s of task runner and state calls, for nothing."""
    idle = [step for step, needed in (("review", conf.get("review")), ("notify", conf.get("callback_url"))) if not needed]
    return "|".join(idle) or None


@contextlib.contextmanager
def short_idle_polls(poll_s: float = 0.05):
    """dag.test() sleeps 1 s whenever a pass schedules nothing while tasks remain: the pass that
    skips an empty translate map (a transcript-only run) leaves its downstream tasks, not yet
    evaluated, for the next pass. No scheduler or triggerer shares this run, so that next pass can
    come at once: after 50 ms instead. Any other wait — a retry's delay, a person's review — keeps
    its 1 s polls."""
    import time

    from airflow.sdk.definitions.dag import DAG

    test_loop, real_sleep = DAG.test.__code__, time.sleep  # workarounds: dag_test_idle_sleep

    def sleep(seconds: float) -> None:
        caller = sys._getframe(1)
        if caller.f_code is test_loop and not caller.f_locals.get("awaiting_input_tis") and _only_unevaluated(caller.f_locals):
            seconds = min(seconds, poll_s)
        real_sleep(seconds)

    time.sleep = sleep
    try:
        yield
    finally:
        time.sleep = real_sleep


def serve_only_the_sdk_api_version() -> bool:
    """dag.test() runs the tasks through an in-process task execution API, which Airflow builds
    with routes for every API version it still serves (9 in 3.3.2; Cadwyn generating them took
    ~3.9 s of a 14.8 s run on 2 cores). The only client here is this process's own Task SDK, which
    speaks the newest version, so build the in-process API for that one version alone (and without
    the routes that only older versions have). Done only when the SDK's version is the newest the
    server has (else nothing changes); True when done."""
    from airflow.api_fastapi.execution_api import versions
    from airflow.api_fastapi.execution_api.routes import execution_api_router
    from airflow.sdk.api.datamodels._generated import API_VERSION
    from cadwyn import HeadVersion, Version, VersionBundle

    if len(versions.bundle.versions) == 1:  # workarounds: execution_api_versions
        return True
    if not sdk_speaks_the_newest_version():
        return False
    versions.bundle = VersionBundle(HeadVersion(), Version(API_VERSION))
    execution_api_router.routes[:] = [r for r in execution_api_router.routes if OLDER_VERSIONS_ONLY not in getattr(r, "tags", ())]
    return True


def sdk_speaks_the_newest_version() -> bool:
    """The Task SDK's API version is the newest the execution API serves, with no changes pending
    in its head version: then that one version is all this process's tasks need."""
    from airflow.api_fastapi.execution_api import versions
    from airflow.sdk.api.datamodels._generated import API_VERSION

    return versions.bundle.versions[0].value == API_VERSION and not versions.bundle.head_version.changes


def _only_unevaluated(test_locals: dict) -> bool:
    """dag.test()'s idle pass left only task instances with no state yet (their upstream just ended)."""
    waiting = test_locals.get("ids_unrunnable") or ()
    return bool(waiting) and all(ti.state is None for ti in waiting)


OLDER_VERSIONS_ONLY = "_CADWYN_DELETED_ROUTE"  # Cadwyn's tag of a route only older API versions serve


LOCK_POLL_S = 0.2  # how often a waiting run asks for the home again


@contextlib.contextmanager
def one_at_a_time(out=sys.stderr):
    """Hold the embedded home for this process: its SecantusDB files and Airflow's SQLite take one
    process at a time, so a second `linguaflow run` (another terminal, `xargs -P`) waits here for
    the first, saying so in one line, instead of failing on a busy WiredTiger file. The lock is
    the kernel's (flock): a process that dies releases it; Ctrl-C while waiting leaves nothing
    written, as nothing was opened yet."""
    import fcntl
    import time

    h = home()
    h.mkdir(parents=True, exist_ok=True)
    with open(h / "run.lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "?"
            began = time.monotonic()
            print(f"waiting: another linguaflow command (pid {holder}) is using {h}; this one starts when it ends",
                  file=out, flush=True)
            # asked again and again, not blocked in flock: a Ctrl-C the kernel hands to another of
            # the process's threads (numpy's, a library's) would never wake a blocked main thread
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    time.sleep(LOCK_POLL_S)
            print(f"waited {time.monotonic() - began:.1f} s; starting", file=out, flush=True)
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        try:
            yield
        finally:
            lock.truncate(0)
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def result_store():
    """The result store `linguaflow run` writes to: LINGUAFLOW_MONGO_URI when set, else an
    embedded SecantusDB for the length of the block, held by this process alone
    (`one_at_a_time`). Calls `configure_env` first."""
    configure_env()
    external = bool(settings.settings().mongo_uri)
    with contextlib.nullcontext() if external else one_at_a_time(), contextlib.nullcontext() if external else EmbeddedMongo():
        from ..results.store import ResultStore

        store = ResultStore()
        try:
            yield store
        finally:
            store.client.close()


class EmbeddedMongo:
    """A SecantusDB server on a free loopback port inside this process, data kept under `home()`."""

    def __init__(self, path: Path | None = None):
        from secantus import SecantusDBServer

        self.server = SecantusDBServer(host="127.0.0.1", port=0, storage_path=str(path or home() / "db"))

    def __enter__(self) -> str:
        self.server.start()
        uri = f"mongodb://127.0.0.1:{self.server.port}/?directConnection=true&retryWrites=false"
        self.before = os.environ.get("LINGUAFLOW_MONGO_URI")
        os.environ["LINGUAFLOW_MONGO_URI"] = uri
        settings.reload()
        return uri

    def __exit__(self, *exc) -> None:
        # SecantusDB's stop() closes its listening socket, which on Linux does not wake the
        # thread blocked in accept(): it then waits out a 2 s join. A shutdown() wakes it at once.
        listening = getattr(self.server, "_socket", None)
        if listening is not None:
            with contextlib.suppress(OSError):
                listening.shutdown(socket.SHUT_RDWR)
        self.server.stop()
        # its address goes with it: a next store of this process (`run` of several files) starts its own
        if self.before is None:
            os.environ.pop("LINGUAFLOW_MONGO_URI", None)
        else:
            os.environ["LINGUAFLOW_MONGO_URI"] = self.before
        settings.reload()
