"""The task API: create, query, fetch and cancel linguaflow tasks over HTTP.

A FastAPI app that the Airflow plugin (`plugins/linguaflow_plugin.py`) mounts at `/linguaflow` in
Airflow's API server. Every route requires the same JWT as Airflow's v2 REST API (a bearer
token from `/auth/token`, or the UI's session cookie) and the caller's right to trigger or read
runs of the media DAG. A task is a media DAG run whose run id is the task id.
"""

from __future__ import annotations

import os
import re
import uuid
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import BaseModel, Field

from . import queries, storage, viewer
from .errors import BadInput
from .pipeline import TASK_ID_RE, validate_request

MEDIA_DAG = "linguaflow_media"
MAX_UPLOAD_BYTES = int(os.environ.get("LINGUAFLOW_MAX_UPLOAD_BYTES", 2 * 1024**3))
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

app = FastAPI(
    title="linguaflow task API",
    version="1",
    description="Create, query and cancel speech-to-text-and-translation tasks (media DAG runs).",
)


# -- auth: Airflow's own JWT and authorization --------------------------------------------------

async def _user(request: Request):
    from airflow.api_fastapi.core_api.security import get_user

    from fastapi.security import HTTPAuthorizationCredentials

    header = request.headers.get("authorization", "")
    creds = HTTPAuthorizationCredentials(scheme="Bearer", credentials=header[7:]) if header.lower().startswith("bearer ") else None
    try:
        return await get_user(request, None, creds)
    except HTTPException:
        raise
    except Exception as exc:  # a missing or malformed token
        raise HTTPException(401, "not authenticated") from exc


def _authorize(method: str):
    async def check(user=Depends(_user)):
        from airflow.api_fastapi.app import get_auth_manager
        from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity, DagDetails

        if not get_auth_manager().is_authorized_dag(
            method=method, access_entity=DagAccessEntity.RUN, details=DagDetails(id=MEDIA_DAG), user=user
        ):
            raise HTTPException(403, f"not allowed to {method} runs of {MEDIA_DAG}")
        return user

    return check


Reader = Annotated[Any, Depends(_authorize("GET"))]
Writer = Annotated[Any, Depends(_authorize("POST"))]


# -- models -------------------------------------------------------------------------------------

class TaskRequest(BaseModel):
    media_uri: str = Field(description="s3://bucket/key (or file:// on a single machine)")
    target_languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes")
    source_language: str = "auto"
    text_items: dict[str, str] = Field(default_factory=dict)
    callback_url: str | None = None
    task_id: str | None = None


class TaskCreated(BaseModel):
    task_id: str
    state: str


def sanitize_key(name: str) -> str:
    """An uploaded file name -> one safe key segment; refuses traversal and absolute paths."""
    if not name or name.startswith("/") or "\\" in name or any(part in ("..", ".") for part in name.split("/")):
        raise BadInput(f"unsafe object name {name!r}")
    safe = _SAFE_NAME.sub("_", name.rsplit("/", 1)[-1]).strip("._")
    if not safe:
        raise BadInput(f"unsafe object name {name!r}")
    return safe[:200]


def _trigger(req: TaskRequest, user) -> TaskCreated:
    from airflow.api.common.trigger_dag import trigger_dag
    from airflow.utils.types import DagRunTriggeredByType

    task_id = req.task_id or f"task-{uuid.uuid4().hex}"
    if not TASK_ID_RE.match(task_id):
        raise BadInput(f"invalid task id {task_id!r}")
    conf = req.model_dump(exclude={"task_id"}, exclude_none=True) | {"task_id": task_id}
    validate_request(conf)
    try:
        dr = trigger_dag(MEDIA_DAG, run_id=task_id, conf=conf, triggered_by=DagRunTriggeredByType.REST_API,
                         triggering_user_name=getattr(user, "get_name", lambda: None)())
    except Exception as exc:
        if "already exists" in str(exc).lower():
            raise HTTPException(409, f"task {task_id!r} exists already") from exc
        raise
    return TaskCreated(task_id=task_id, state=str(dr.state) if dr else "queued")


def _bad_input(fn):
    try:
        return fn()
    except BadInput as exc:
        raise HTTPException(400, str(exc)) from exc
    except queries.NotFound as exc:
        raise HTTPException(404, str(exc)) from exc


def _store():
    from .store import ResultStore

    return ResultStore()


# -- routes -------------------------------------------------------------------------------------

@app.post("/tasks", response_model=TaskCreated, status_code=201, summary="Create a task from an object in storage")
def create_task(req: TaskRequest, user: Writer) -> TaskCreated:
    return _bad_input(lambda: _trigger(req, user))


@app.post("/tasks/upload", response_model=TaskCreated, status_code=201, summary="Upload media and create a task")
def upload_task(
    user: Writer,
    file: Annotated[UploadFile, File(description="audio or video")],
    target_languages: Annotated[str, Form(description="comma separated ISO 639-1 codes")] = "",
    source_language: Annotated[str, Form()] = "auto",
    callback_url: Annotated[str | None, Form()] = None,
) -> TaskCreated:
    def run():
        name = sanitize_key(file.filename or "")
        if file.size is not None and file.size > MAX_UPLOAD_BYTES:  # refuse before writing anything
            raise BadInput(f"upload larger than {MAX_UPLOAD_BYTES} bytes")
        task_id = f"task-{uuid.uuid4().hex}"
        uri = "/".join([storage.work_root(), "uploads", task_id, name])
        with storage.opath(uri).open("wb") as out:
            total = 0
            while chunk := file.file.read(8 << 20):
                total += len(chunk)
                if total > MAX_UPLOAD_BYTES:
                    raise BadInput(f"upload larger than {MAX_UPLOAD_BYTES} bytes")
                out.write(chunk)
        langs = [x.strip() for x in target_languages.split(",") if x.strip()]
        return _trigger(TaskRequest(media_uri=uri, target_languages=langs, source_language=source_language,
                                    callback_url=callback_url, task_id=task_id), user)

    return _bad_input(run)


def _run(session, task_id: str):
    """The media DAG run of a task, or 404."""
    from airflow.models.dagrun import DagRun

    dr = session.query(DagRun).filter_by(dag_id=MEDIA_DAG, run_id=task_id).one_or_none()
    if dr is None:
        raise HTTPException(404, f"no task {task_id!r}")
    return dr


@app.get("/tasks/{task_id}", summary="State, per-language progress and failure reasons")
def get_task(task_id: str, user: Reader) -> dict:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        dr = _run(session, task_id)
        tis = session.query(TaskInstance).filter_by(dag_id=MEDIA_DAG, run_id=task_id).all()
        steps = [{"step": ti.task_id, "language": ti.rendered_map_index if ti.map_index >= 0 else None,
                  "state": str(ti.state) if ti.state else "scheduled", "tries": ti.try_number} for ti in tis]
        state = str(dr.state)
    doc = _store().get(task_id)
    summary = queries.summary(doc) if doc else {"languages": {}, "error": None}
    if summary.get("status") == "cancelled":
        state = "cancelled"
    return {"task_id": task_id, "state": state, "languages": summary["languages"], "error": summary["error"], "steps": steps}


@app.get("/tasks/{task_id}/result", summary="The result: coded or expanded JSON, or SRT / WebVTT subtitles")
def get_result(task_id: str, user: Reader, format: Annotated[str, Query(pattern="^(coded|expanded|srt|vtt)$")] = "coded",
               lang: str | None = None):
    out = _bad_input(lambda: queries.result(_store(), task_id, format, lang))
    if isinstance(out, str):
        media = "text/vtt" if format == "vtt" else "application/x-subrip"
        return PlainTextResponse(out, media_type=media)
    return out


@app.delete("/tasks/{task_id}", summary="Cancel: stop the run and every running step; finished languages stay")
def cancel_task(task_id: str, user: Writer) -> dict:
    from airflow.api.common.mark_tasks import set_dag_run_state_to_failed
    from airflow.models.serialized_dag import SerializedDagModel
    from airflow.utils.session import create_session

    with create_session() as session:
        dr = _run(session, task_id)
        if (_store().get(task_id) or {}).get("_s") == "c":
            return {"task_id": task_id, "state": "cancelled"}  # cancelling twice is harmless
        if str(dr.state) in ("success", "failed"):
            raise HTTPException(409, f"task {task_id!r} has already ended ({dr.state})")
        dag = SerializedDagModel.get_dag(MEDIA_DAG, session=session)
        # failing the run fails its running task instances (the scheduler kills them; a pod is
        # deleted by the operator's on_kill) and skips the pending ones, so queued mapped
        # translations never start; the `notify` teardown still runs and reports the cancel
        set_dag_run_state_to_failed(dag=dag, run_id=task_id, commit=True, session=session)
    _store().mark_cancelled(task_id)
    return {"task_id": task_id, "state": "cancelled"}


@app.get("/view", response_class=HTMLResponse, include_in_schema=False)
def view_recent(user: Reader) -> str:
    return viewer.list_page(queries.recent(_store(), 50))


def _task_id_of_run(run_id: str) -> str:
    """A run triggered from the UI may name its own task id in its conf (the viewer links by run id)."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    from .pipeline import task_id_for

    with create_session() as session:
        dr = session.query(DagRun).filter_by(dag_id=MEDIA_DAG, run_id=run_id).one_or_none()
        return task_id_for(dr.conf or {}, run_id) if dr is not None else run_id


@app.get("/view/{task_id}", response_class=HTMLResponse, include_in_schema=False)
def view_task(task_id: str, user: Reader) -> str:
    store = _store()
    if store.get(task_id) is None:
        task_id = _task_id_of_run(task_id)
    return viewer.task_page(_bad_input(lambda: queries.result(store, task_id, "expanded")))
