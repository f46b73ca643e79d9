"""The task API: create, query, fetch and cancel linguaflow tasks over HTTP.

A FastAPI app that the Airflow plugin (`plugins/linguaflow_plugin.py`) mounts at `/linguaflow` in
Airflow's API server, behind Airflow's own authentication (`auth.py`). Request bodies are the one
request model (`linguaflow.request.MediaRequest`); clients see readable states and ISO language
codes, never the stored codes.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import re
from typing import Annotated

from fastapi import Depends, FastAPI, File, HTTPException, Path, Query, Request, UploadFile
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from pydantic import BaseModel

from .. import policy, storage
from ..errors import BadInput, Conflict, Forbidden, NotFound, ServiceUnavailable, classify, is_transient
from ..request import TASK_ID_RE, MediaRequest, readable
from ..results import document, formats, listing, queries
from ..settings import settings
from ..orchestration import deletion, runs
from . import form, media, viewer
from .auth import Caller, Deleter, Reader, Writer

log = logging.getLogger(__name__)

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

app = FastAPI(
    title="linguaflow task API",
    version="1",
    description="Create, list, query, cancel and delete speech-to-text-and-translation tasks (media DAG runs).",
)


def _task_id(task_id: Annotated[str, Path(description="the task id")]) -> str:
    """A task id in a path: what cannot be a task id (`..`, a path, SQL) is no task: 404."""
    if not TASK_ID_RE.match(task_id):
        raise HTTPException(404, f"no task {task_id[:140]!r}")
    return task_id


TaskId = Annotated[str, Depends(_task_id)]


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


def _answer(fn):
    """Run a route's work; the errors a caller can cause become 4xx."""
    try:
        return fn()
    except BadInput as exc:
        raise HTTPException(400, str(exc)) from exc
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    except Conflict as exc:
        raise HTTPException(409, str(exc)) from exc
    except Forbidden as exc:
        raise HTTPException(403, str(exc)) from exc
    except Exception as exc:  # a service behind the API is down: say so, with a retry hint
        if is_transient(exc):
            log.warning("service unavailable: %s", exc)
            raise HTTPException(503, f"temporarily unavailable ({classify(exc).__name__}); retry later",
                                headers={"Retry-After": "30"}) from exc
        raise


@functools.cache
def _store():
    """One result store per API process (a failed connection is not kept: the next call tries again)."""
    from ..results.store import ResultStore

    return ResultStore()


def _create(req: MediaRequest, caller: Caller, *, uploaded: bool = False) -> TaskCreated:
    if not uploaded:  # an upload's URI is ours; a named one must pass the input policy
        policy.check_media(req.media_uri, from_api=True)
    policy.check_callback(req.callback_url)
    policy.check_asr_model(req.asr_model, req.asr_engine)
    if req.task_id and _store().exists(req.task_id):  # another task's (or a deleted one's) id
        raise Conflict(f"task {req.task_id!r} exists already (or was deleted): choose another id")
    task_id, state = runs.trigger(caller.airflow, req)
    try:  # listed (queued) from now on; the run's probe records it too, should this fail
        _store().register(task_id, req.media_uri, req.target_languages, caller.name, task_id, bleeped=req.redact_audio)
    except Exception as exc:  # noqa: BLE001 - the task exists in Airflow; the store is only late
        log.warning("task %s created, but not yet recorded in the result store: %s", task_id, exc)
    return TaskCreated(task_id=task_id, state=state)


def _check_visible(task_id: str, caller: Caller, coded: dict | None) -> None:
    """Another user's task is answered as unknown (unless the caller sees every task)."""
    if caller.sees_all:
        return
    creator = (coded or {}).get(document.CREATOR)
    if creator is None:
        creator = runs.creator_of(caller.airflow, task_id)[1]
    if creator is None or creator != caller.name:
        raise HTTPException(404, f"no task {task_id!r}")


# -- routes -------------------------------------------------------------------------------------

class BodyLimit:
    """ASGI middleware: a JSON body over LINGUAFLOW_MAX_REQUEST_BYTES is 413 before the app sees
    it: by its declared length, or, streamed without one, read up to the cap and then replayed.
    Uploads have their own, larger cap."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].endswith("/tasks/upload"):
            return await self.app(scope, receive, send)
        limit = settings().max_request_bytes
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > limit:
                return await _too_large(send, limit)
            return await self.app(scope, receive, send)
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message]), send)
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                return await _too_large(send, limit)
        return await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)


def _replay(messages: list, then=None):
    async def receive():
        if messages:
            return messages.pop(0)
        return await then() if then else {"type": "http.disconnect"}

    return receive


async def _too_large(send, limit: int) -> None:
    body = json.dumps({"detail": f"request body larger than {limit} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


app.add_middleware(BodyLimit)


@app.exception_handler(RequestValidationError)
async def _invalid_request(request: Request, exc: RequestValidationError):
    """A body breaking the request model's rules (unknown language, bad task id, too many...) is
    400 with a readable reason; one of the wrong shape (missing field, wrong type) stays FastAPI's 422."""
    errors = exc.errors()
    shape = any(e.get("type") in ("missing", "json_invalid") or str(e.get("type", "")).endswith("_type") for e in errors)
    if errors and not shape and all(e.get("loc", ("",))[0] == "body" for e in errors):
        return JSONResponse({"detail": readable(errors, skip=1)}, status_code=400)
    return await request_validation_exception_handler(request, exc)


@app.post("/tasks", response_model=TaskCreated, status_code=201, summary="Create a task from an object in storage")
def create_task(req: MediaRequest, caller: Writer) -> TaskCreated:
    return _answer(lambda: _create(req, caller))


def upload_task(caller, file: UploadFile, **values) -> TaskCreated:
    """Upload media and create a task: the request's fields as form fields (`api.form`)."""
    def run():
        fields = form.to_request(values)
        name = sanitize_key(file.filename or "")
        tid = fields.get("task_id") or runs.new_task_id()
        uri = storage.upload_uri(tid, name)
        # everything but the media is checked before a byte is written
        req = MediaRequest.parse({**fields, "media_uri": uri, "task_id": tid})
        policy.check_callback(req.callback_url)
        limit = settings().max_upload_bytes
        if file.size is not None and file.size > limit:  # refuse before writing anything
            raise BadInput(f"upload larger than {limit} bytes")
        try:
            with storage.opath(uri).open("wb") as out:
                total = 0
                while chunk := file.file.read(8 << 20):
                    total += len(chunk)
                    if total > limit:
                        raise BadInput(f"upload larger than {limit} bytes")
                    out.write(chunk)
        except (FileNotFoundError, PermissionError) as exc:  # the upload area itself: ours, not the caller's
            raise ServiceUnavailable(f"upload area unavailable: {exc}") from exc
        return _create(req, caller, uploaded=True)

    return _answer(run)


# FastAPI reads a route's parameters (and its OpenAPI form) from the signature: generated from the
# request model, the form offers every field it has
upload_task.__signature__ = inspect.Signature([
    inspect.Parameter("caller", inspect.Parameter.KEYWORD_ONLY, annotation=Writer),
    inspect.Parameter("file", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[UploadFile, File(description="audio or video")]),
    *form.upload_parameters(),
], return_annotation=TaskCreated)
app.post("/tasks/upload", response_model=TaskCreated, status_code=201, summary="Upload media and create a task")(upload_task)


@app.get("/tasks", summary="List and search tasks, newest first, a page at a time")
def list_tasks(caller: Reader, query: Annotated[listing.TaskQuery, Query()]) -> dict:
    """Filters combine with AND; `next_cursor` fetches the next page (null on the last). A caller
    who does not see every task gets their own tasks only."""
    owner = None if caller.sees_all else (caller.name or "")
    return _answer(lambda: listing.page(_store(), query, owner))


@app.get("/tasks/{task_id}", summary="State, per-language progress and failure reasons")
def get_task(task_id: TaskId, caller: Reader) -> dict:
    run_state, steps = _answer(lambda: runs.look_up(caller.airflow, task_id))
    degraded = False
    try:
        coded = _store().get(task_id)
    except Exception as exc:  # noqa: BLE001 - the store is down: answer from Airflow alone
        log.warning("result store unavailable for %s: %s", task_id, exc)
        coded, degraded = None, True
    _answer(lambda: _check_visible(task_id, caller, coded))
    out = {
        "task_id": task_id,
        "state": runs.task_state(run_state, document.state_of(coded)),
        "languages": document.language_states(coded),
        "language_errors": document.language_errors(coded),
        "flags": document.language_flags(coded),
        "flag_reasons": document.language_reasons(coded),
        "flagged_share": document.flagged_shares(coded),
        "quality": document.quality_summaries(coded),
        "error": document.error_of(coded),
        "steps": steps,
    }
    if degraded:
        out["degraded"] = True
    return out


@app.get("/tasks/{task_id}/result", summary="The result in one of the output formats: coded or expanded (json) JSON, "
        "plain text, SRT / WebVTT subtitles")
def get_result(task_id: TaskId, caller: Reader, lang: str | None = None,
               format: Annotated[str, Query(description="an output format: " + ", ".join(formats.names(listed_only=False)),
                                            max_length=32)] = "coded"):
    known = formats.names(listed_only=False)  # the registry as it is now, formats added later included
    if format not in known:
        raise HTTPException(422, f"format: one of {', '.join(known)}")
    headers = {}

    def read():
        try:
            _check_visible(task_id, caller, _store().get(task_id))
            return queries.result(_store(), task_id, format, lang)
        except Exception as exc:  # noqa: BLE001 - the store is down: the copy in object storage
            if not is_transient(exc):
                raise
            from ..results.store import SnapshotStore

            _check_visible(task_id, caller, None)  # the creator from Airflow's run
            log.warning("result store unavailable for %s, reading its snapshot: %s", task_id, exc)
            headers["X-Linguaflow-Degraded"] = "result store unavailable; served from the object-storage copy"
            return queries.result(SnapshotStore(), task_id, format, lang)

    out = _answer(read)
    if isinstance(out, str):
        return PlainTextResponse(out, media_type=formats.get(format).media_type, headers=headers)
    return JSONResponse(out, headers=headers)


def _cancel(task_id: str, caller: Caller) -> dict:
    store = _store()
    _check_visible(task_id, caller, store.get(task_id))
    state = runs.cancel(caller.airflow, task_id, store.state(task_id), lambda: store.mark_cancelled(task_id), caller.name)
    return {"task_id": task_id, "state": state}


@app.post("/tasks/{task_id}/cancel", summary="Cancel: stop the run and every running step; finished languages stay")
def cancel_task(task_id: TaskId, caller: Writer) -> dict:
    return _answer(lambda: _cancel(task_id, caller))


@app.get("/tasks/{task_id}/media", summary="The task's media (audio or video), with byte ranges for a player; "
        "a task redacted with redact_audio serves its audio with the redacted spans bleeped")
def get_media(task_id: TaskId, caller: Reader, request: Request,
              original: Annotated[bool, Query(description="operators only: the media as it came, where a redacted copy "
                                                          "of its audio exists")] = False):
    def serve():
        coded = _store().get(task_id)
        if coded is None:
            raise NotFound(f"no task {task_id!r}")
        _check_visible(task_id, caller, coded)
        uri = document.summary(coded)["media"]
        bleeped, pending = document.redacted_audio(coded), document.bleeped_audio_pending(coded)
        if (bleeped or pending) and original and not caller.sees_all:
            raise Forbidden("the media of a redacted task is for operators; its redacted audio is served without ?original")
        if pending and not original:
            raise Conflict(f"the redacted audio of task {task_id!r} is not made yet (after transcription)")
        if bleeped and not original:
            uri = bleeped
        size = storage.size(uri) if uri else None
        if size is None:
            raise NotFound(f"the media of task {task_id!r} is gone")
        return media.response(uri, size, request.headers.get("range"))

    return _answer(serve)


@app.get("/tasks/{task_id}/original", summary="Operators only: a redacted task's transcript as heard, where its request "
        "kept it (keep_original)")
def get_original(task_id: TaskId, caller: Reader) -> dict:
    def read():
        from ..artefacts import StoredTranscript

        coded = _store().get(task_id)
        if coded is None:
            raise NotFound(f"no task {task_id!r}")
        _check_visible(task_id, caller, coded)
        if not caller.sees_all:
            raise Forbidden("the transcript as heard is for operators")
        uri = document.original_transcript(coded)
        if not uri or not storage.exists(uri):
            raise NotFound(f"task {task_id!r} kept no transcript as heard (keep_original)")
        kept = StoredTranscript.read(uri)
        return {"task_id": task_id, "language": kept.transcript.language, "text_items": kept.text_items or {},
                "segments": [{"id": s.id, "start": s.start, "end": s.end, "text": s.text} for s in kept.transcript.segments]}

    return _answer(read)


@app.delete("/tasks/{task_id}", summary="Delete a task and everything derived from it, everywhere")
def delete_task(task_id: TaskId, caller: Deleter,
                media: Annotated[bool, Query(description="also delete the source object (media uploaded through this API always goes)")] = False) -> dict:
    """Stops the run if it is going, then removes the result, its Redis keys, the artefacts under
    `work/<task id>/`, media uploaded through this API, the Airflow run (conf, XComs, rendered
    fields, task logs); an audit entry records who deleted what. `purge_pending: true` means a
    step was still running: its leftovers are purged again after a grace period. A second DELETE
    answers 404 (while a purge is pending it runs the purge again)."""
    return _answer(lambda: deletion.delete(_store(), caller.airflow, task_id, caller.name, sees_all=caller.sees_all, media=media))


@app.get("/new", response_class=HTMLResponse, include_in_schema=False)
def new_task(caller: Writer) -> str:
    from ..languages import supported_languages
    from ..results.readable import language_name

    languages = sorted(((code, language_name(code)) for code in supported_languages()), key=lambda c: c[1])
    return viewer.new_task_page(languages)


@app.get("/view", response_class=HTMLResponse, include_in_schema=False)
def view_recent(caller: Reader) -> str:
    owner = None if caller.sees_all else (caller.name or "")
    return viewer.list_page(_answer(lambda: listing.page(_store(), listing.TaskQuery(), owner))["tasks"])


@app.get("/view/{task_id}", response_class=HTMLResponse, include_in_schema=False)
def view_task(task_id: TaskId, caller: Reader) -> str:
    def page():
        store, tid = _store(), task_id
        coded = store.get(tid)
        if coded is None:  # a run id (the Airflow UI links by run) whose conf names the task id
            tid = runs.task_id_of_run(caller.airflow, tid)
            coded = store.get(tid)
        _check_visible(tid, caller, coded)
        return viewer.task_page(queries.result(store, tid, "expanded"))

    return _answer(page)
