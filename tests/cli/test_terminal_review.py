"""`linguaflow run --review` watches for the review from a thread while the main thread starts
Airflow: the two must not deadlock on SQLAlchemy's mapper lock and a model module's import lock."""

from __future__ import annotations

import os
import subprocess
import sys

# the watcher's first look (after 0.5 s) falls inside the main thread's import of the DagBag, as
# in `run --review` on a home whose schema is ready; it hung 5 runs in 5 before the fix
RACE = """
import io, time
from linguaflow.orchestration import embedded
embedded.configure_env()
embedded.ensure_schema()
from linguaflow.cli.terminal_review import TerminalReview
with TerminalReview("no-such-task", {}, io.StringIO()):
    time.sleep(0.45)
    from airflow.dag_processing.dagbag import DagBag  # what run_dag imports first
    time.sleep(1)
print("ended")
"""


def _python(code: str, home, timeout: float) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "LINGUAFLOW_"))}
    env["LINGUAFLOW_HOME"] = str(home)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=timeout)


def test_the_review_watcher_and_the_starting_run_do_not_deadlock(tmp_path):
    ready = _python("from linguaflow.orchestration import embedded; embedded.configure_env(); embedded.ensure_schema()", tmp_path, 300)
    assert ready.returncode == 0, ready.stderr[-2000:]
    try:
        r = _python(RACE, tmp_path, 120)
    except subprocess.TimeoutExpired:
        raise AssertionError("the review watcher and the run's start deadlocked") from None
    assert r.returncode == 0 and r.stdout.strip() == "ended", r.stderr[-2000:]
