"""Every place linguaflow leans on Airflow beyond `airflow.sdk` and the providers' public classes:
what it relies on, why there is no public way, and the test that pins it.

The code was written and measured against `WRITTEN_FOR`. `check_airflow_version()` says so once
per process when another Airflow runs it (the DAG processor, the API server's plugin and the
embedded run call it); `tests/orchestration/test_airflow_pins.py` holds one test per entry, named
`test_pin_<name>`, that fails when the Airflow behaviour is gone, naming the entry — so an upgrade
fails loudly in the suite instead of silently in production. An entry whose upstream is fixed
is deleted with its code and its pin.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

WRITTEN_FOR = "3.3.2"  # the Airflow every entry below was checked against (requirements.txt pins it)


@dataclass(frozen=True)
class Workaround:
    name: str  # the pin test is test_pin_<name>
    where: str  # the code that depends on it
    relies_on: str  # the Airflow behaviour, as the pin checks it
    why: str  # why no public interface serves (or the upstream problem it works around)


WORKAROUNDS: tuple[Workaround, ...] = (
    Workaround(
        "dag_test_deadline", "embedded.run_dag",
        "DAG.test() runs a DAG without creating deadlines, so dropping the DAG's DeadlineAlert loses nothing in it",
        "dag.test() in 3.3.2 crashes when a run with a deadline alert succeeds (it looks alerts up by id, but its "
        "round-tripped DAG holds the alert dicts); deadlines are the scheduler's job"),
    Workaround(
        "dag_test_idle_sleep", "embedded.short_idle_polls",
        "DAG.test()'s loop sleeps with time.sleep between passes and keeps `awaiting_input_tis` and `ids_unrunnable` "
        "as locals",
        "dag.test() sleeps 1 s after a pass that scheduled nothing; no parameter shortens it, and a transcript-only "
        "run pays it for nothing"),
    Workaround(
        "execution_api_versions", "embedded.serve_only_the_sdk_api_version",
        "the in-process execution API is built from `execution_api.versions.bundle` (Cadwyn), newest first, whose "
        "newest version is the Task SDK's API_VERSION; old-version-only routes carry Cadwyn's deleted-route tag",
        "building routes for 9 API versions took ~3.9 s of a 14.8 s embedded run; nothing public chooses them"),
    Workaround(
        "schema_head", "embedded.ensure_schema",
        "`airflow.utils.db` can initdb, and its private `_get_alembic_config()` gives the migration scripts whose head "
        "is the `alembic_version` row of a current schema",
        "`airflow db migrate` walks every migration (~3 s) on each start; the head is compared once and remembered"),
    Workaround(
        "cancel_upstream_failed", "runs._skipped_to_upstream_failed",
        "failing a run through the REST API skips its pending steps and, with a teardown left to run, leaves the "
        "run unfinished so its state is decided later from its leaves; a TaskInstance's state can be set in the ORM",
        "the REST API sets a step to success, failed or skipped only; a cancelled run whose leaves are skipped "
        "would end `success`"),
    Workaround(
        "audit_log_rows", "runs.purge_audit_rows",
        "Airflow's audit log (`airflow.models.log.Log`) keeps rows with a run id and an `extra` text that may hold "
        "the run's conf",
        "no API deletes audit-log rows; deleting a task must remove what it said"),
    Workaround(
        "task_log_folder", "runs.purge_logs",
        "task logs sit under `dag_id=<dag>/run_id=<run>/` below the base (and remote base) log folder",
        "no API deletes a run's logs"),
    Workaround(
        "hitl_answer", "review.answer.respond, review.answer.answer_while_running",
        "a HITL answer is a HITLDetail response plus `handle_event_submit` with the detail's resume payload; "
        "configuring the ORM's mappers imports every model module",
        "an in-process run (dag.test()) has no API server to PATCH; models are loaded before the answering thread "
        "starts against a lock-order deadlock (11 of 15 runs hung)"),
    Workaround(
        "hitl_settling", "review.settling.SettleBeforeResume",
        "the REST API answers a review at PATCH /api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}"
        "[/{map_index}]/hitlDetails, and a parked task instance's updated_at is when it parked",
        "3.3.2 can take the parked try's exit for the resumed try's death when an answer comes within a second "
        "of parking; the retry then asks again"),
    Workaround(
        "api_auth", "auth.caller, auth.may_use_runs, auth.may_read_connections",
        "`airflow.api_fastapi.core_api.security.get_user(request, oauth_token, bearer_credentials)` authenticates a "
        "request like the API server, and the auth manager answers `is_authorized_dag` / `is_authorized_connection`",
        "a FastAPI app mounted by a plugin has no SDK call for the caller's identity"),
)


@functools.cache
def check_airflow_version() -> bool:
    """Whether the running Airflow is the one the workarounds were checked against; says so once
    (a warning naming them) when it is not."""
    import airflow

    if airflow.__version__ == WRITTEN_FOR:
        return True
    log.warning("linguaflow was checked against Airflow %s, this is %s: these workarounds may no longer hold "
                "(run tests/orchestration/test_airflow_pins.py): %s", WRITTEN_FOR, airflow.__version__,
                ", ".join(w.name for w in WORKAROUNDS))
    return False
