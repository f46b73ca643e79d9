"""One pin per entry of `linguaflow.orchestration.workarounds`: each checks the Airflow behaviour
its workaround relies on, so an Airflow upgrade that takes it away fails here, under the entry's
name, rather than somewhere in production. The end-to-end tests (the embedded run, the task API,
review, deletion) show the workarounds working; these show what they stand on."""

from __future__ import annotations

import inspect
import re
import uuid

import pytest

from linguaflow.orchestration import workarounds


def test_every_workaround_has_its_pin_and_every_pin_its_workaround():
    pins = {name.removeprefix("test_pin_") for name in globals() if name.startswith("test_pin_")}
    assert pins == {w.name for w in workarounds.WORKAROUNDS}


def test_every_workaround_is_named_where_it_is_used():
    """`# workarounds: <name>` (or the module's docstring) marks the line that depends on Airflow."""
    from conftest import REPO

    wing = (REPO / "include" / "linguaflow" / "orchestration").rglob("*.py")
    text = "\n".join(p.read_text() for p in wing if p.name != "workarounds.py")
    for w in workarounds.WORKAROUNDS:
        assert f"workarounds: {w.name}" in text, f"no `# workarounds: {w.name}` marks where {w.where} relies on it"


def test_airflow_is_the_version_the_workarounds_were_checked_against(monkeypatch, caplog):
    import airflow

    assert airflow.__version__ == workarounds.WRITTEN_FOR, (
        f"Airflow {airflow.__version__}: check every entry of linguaflow.orchestration.workarounds against it "
        "(these pins), then set WRITTEN_FOR")
    workarounds.check_airflow_version.cache_clear()
    monkeypatch.setattr(airflow, "__version__", "9.9.9")
    try:
        assert workarounds.check_airflow_version() is False
    finally:
        workarounds.check_airflow_version.cache_clear()
    assert "9.9.9" in caplog.text and "hitl_settling" in caplog.text  # the warning names the workarounds


def test_pin_dag_test_deadline():
    from airflow.sdk.definitions.dag import DAG

    assert "deadline" not in inspect.getsource(DAG.test).lower(), (
        "dag_test_deadline: DAG.test() now handles deadlines; embedded.run_dag may keep the DAG's deadline")


def test_pin_dag_test_idle_sleep():
    from airflow.sdk.definitions.dag import DAG

    code = DAG.test.__code__
    assert {"awaiting_input_tis", "ids_unrunnable"} <= set(code.co_varnames), (
        "dag_test_idle_sleep: DAG.test()'s loop no longer keeps the locals embedded.short_idle_polls reads")
    assert "sleep" in code.co_names, "dag_test_idle_sleep: DAG.test() no longer waits with time.sleep"


def test_pin_execution_api_versions():
    from linguaflow.orchestration.embedded import OLDER_VERSIONS_ONLY, sdk_speaks_the_newest_version

    from airflow.api_fastapi.execution_api import versions

    assert len(versions.bundle.versions) > 1 or versions.bundle.versions[0].value, "no version bundle"
    assert sdk_speaks_the_newest_version(), (
        "execution_api_versions: the Task SDK no longer speaks the execution API's newest version")
    from cadwyn import route_generation

    assert route_generation._DELETED_ROUTE_TAG == OLDER_VERSIONS_ONLY, (
        "execution_api_versions: Cadwyn tags routes of older versions differently")


def test_pin_schema_head(airflow_db):
    from linguaflow.orchestration.embedded import _head_revision

    from sqlalchemy import text

    with airflow_db.engine.connect() as conn:
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert _head_revision() == current, "schema_head: a migrated schema's alembic_version is not the scripts' head"


@pytest.fixture
def rest(api):
    """Airflow's REST API as the admin, as the task API calls it."""
    from linguaflow.orchestration.airflow_api import AirflowApi

    return AirflowApi(str(api[0].base_url), api[1]["Authorization"][7:])


def test_pin_cancel_upstream_failed(rest):
    from airflow.api_fastapi.core_api.datamodels.task_instances import PatchTaskInstanceBody
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.state import TaskInstanceState
    from pydantic import ValidationError

    from linguaflow.orchestration import runs
    from linguaflow.request import MediaRequest

    with pytest.raises(ValidationError):  # accepted one day: runs.cancel can set it through the REST API
        PatchTaskInstanceBody(new_state="upstream_failed")
    run_id = f"pin-{uuid.uuid4().hex[:12]}"
    rest.trigger(runs.MEDIA_DAG, run_id, MediaRequest.model_validate({"media_uri": "s3://b/a.wav", "task_id": run_id}).conf())
    try:
        rest.fail(runs.MEDIA_DAG, run_id)
        states = {ti["task_id"]: ti["state"] for ti in rest.task_instances(runs.MEDIA_DAG, run_id)}
        assert states["probe"] == states["package"] == "skipped" and states["notify"] is None, (
            f"cancel_upstream_failed: failing a run no longer skips its pending steps and keeps the teardown ({states})")
        assert rest.run(runs.MEDIA_DAG, run_id)["state"] != "failed", (
            "cancel_upstream_failed: a failed run with its teardown to run is now final at once")
        assert callable(TaskInstance.set_state) and TaskInstanceState.UPSTREAM_FAILED
    finally:  # the run waits for its teardown, which no scheduler runs here: removed directly
        from airflow.models.dagrun import DagRun
        from airflow.utils.session import create_session

        with create_session() as session:
            session.query(DagRun).filter_by(dag_id=runs.MEDIA_DAG, run_id=run_id).delete()


def test_pin_audit_log_rows():
    from airflow.models.log import Log

    columns = Log.__table__.columns
    assert {"run_id", "extra"} <= set(columns.keys()), "audit_log_rows: the audit log lost run_id or extra"
    assert str(columns["extra"].type).upper() == "TEXT", "audit_log_rows: `extra` is no longer text to search"


def test_pin_task_log_folder():
    from airflow.configuration import conf

    template = conf.get("logging", "log_filename_template")
    assert template.startswith("dag_id={{ ti.dag_id }}/run_id={{ ti.run_id }}/"), (
        f"task_log_folder: logs are no longer kept per run folder ({template})")


def test_pin_hitl_answer():
    from airflow.models.hitl import HITLDetail
    from airflow.models.trigger import handle_event_submit

    params = inspect.signature(handle_event_submit).parameters
    assert list(params)[:1] == ["event"] and {"task_instance", "session"} <= set(params), "hitl_answer: handle_event_submit"
    assert callable(getattr(HITLDetail, "as_resume_event_payload", None)), "hitl_answer: no resume payload"
    assert {"responded_by", "responded_at", "chosen_options", "params_input"} <= set(HITLDetail.__table__.columns.keys())
    from airflow.models import import_all_models

    assert callable(import_all_models), "hitl_answer: models can no longer be loaded before the answering thread"


def test_pin_hitl_settling():
    from linguaflow.orchestration.review.settling import ANSWER

    from airflow.api_fastapi.core_api.routes.public.hitl import task_instances_hitl_router

    [patch] = [r for r in task_instances_hitl_router.routes if "PATCH" in r.methods]
    path = "/api/v2" + patch.path.format(dag_id="d", dag_run_id="r%3A1", task_id="review", map_index="-1")
    found = ANSWER.match(path)
    assert found and (found["dag"], found["run"], found["task"], found["map"]) == ("d", "r%3A1", "review", "-1"), (
        f"hitl_settling: Airflow answers a review at {patch.path}, which SettleBeforeResume does not hold")


def test_pin_api_auth():
    from airflow.api_fastapi.auth.managers.base_auth_manager import BaseAuthManager
    from airflow.api_fastapi.core_api.security import get_user

    assert list(inspect.signature(get_user).parameters)[:1] == ["request"], "api_auth: get_user"
    assert re.search(r"bearer", " ".join(inspect.signature(get_user).parameters)), "api_auth: no bearer credentials"
    assert callable(BaseAuthManager.is_authorized_dag) and callable(BaseAuthManager.is_authorized_connection)
