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
def media_run(api):
    """A queued run of the media DAG made as the task API makes one; removed afterwards."""
    from airflow.api.common.trigger_dag import trigger_dag
    from airflow.utils.types import DagRunTriggeredByType

    from linguaflow.request import MediaRequest

    run_id = f"pin-{uuid.uuid4().hex[:12]}"
    conf = MediaRequest.model_validate({"media_uri": "s3://b/a.wav", "task_id": run_id}).conf()
    trigger_dag("linguaflow_media", run_id=run_id, conf=conf, triggered_by=DagRunTriggeredByType.REST_API, triggering_user_name="pinner")
    yield run_id
    from linguaflow.orchestration import runs

    runs.purge(run_id)


def test_pin_trigger_run(media_run):
    from airflow.api.common.trigger_dag import trigger_dag
    from airflow.exceptions import DagRunAlreadyExists
    from airflow.utils.types import DagRunTriggeredByType

    with pytest.raises(DagRunAlreadyExists):
        trigger_dag("linguaflow_media", run_id=media_run, conf={}, triggered_by=DagRunTriggeredByType.REST_API,
                    triggering_user_name="pinner")


def test_pin_run_lookup_orm(media_run):
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        dr = session.query(DagRun).filter_by(dag_id="linguaflow_media", run_id=media_run).one()
        assert (dr.conf["task_id"], dr.triggering_user_name, str(dr.state)) == (media_run, "pinner", "queued")
        assert hasattr(dr, "note")
        tis = session.query(TaskInstance).filter_by(dag_id="linguaflow_media", run_id=media_run).all()
        assert {"probe", "transcribe", "package"} <= {ti.task_id for ti in tis}, "run_lookup_orm: no task instances"
        assert all(hasattr(ti, attr) for ti in tis for attr in ("rendered_map_index", "map_index", "try_number", "state"))


def test_pin_fail_run(media_run):
    from airflow.api.common.mark_tasks import set_dag_run_state_to_failed
    from airflow.models.serialized_dag import SerializedDagModel
    from airflow.utils.session import create_session
    from airflow.utils.state import TaskInstanceState

    with create_session() as session:
        dag = SerializedDagModel.get_dag("linguaflow_media", session=session)
        updated, _ = set_dag_run_state_to_failed(dag=dag, run_id=media_run, commit=True, session=session)
        assert updated and {ti.state for ti in updated} == {TaskInstanceState.SKIPPED}, (
            "fail_run: failing a run no longer skips its pending task instances (runs.cancel turns those into "
            "upstream_failed)")


def test_pin_delete_run_cascade(media_run):
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    from sqlalchemy import inspect as sa_inspect

    # XComs and rendered fields hang on the task instance, which hangs on the run, each ON DELETE CASCADE
    for model, parent in ((TaskInstance, "dag_run"), (XComModel, "task_instance")):
        fks = [fk for fk in sa_inspect(model).local_table.foreign_keys if fk.column.table.name == parent]
        assert fks and all(fk.ondelete == "CASCADE" for fk in fks), f"delete_run_cascade: {model.__name__}"
    with create_session() as session:
        session.delete(session.query(DagRun).filter_by(dag_id="linguaflow_media", run_id=media_run).one())
    with create_session() as session:
        assert session.query(TaskInstance).filter_by(dag_id="linguaflow_media", run_id=media_run).count() == 0


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
