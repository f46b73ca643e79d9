"""The task API's access rules: Airflow's own JWT (a bearer token from `/auth/token`, or the UI's
session cookie) and Airflow's authorization of runs of the media DAG.

Reading needs GET on the media DAG's runs, creating and cancelling POST, deleting DELETE. A
caller sees (and cancels, deletes) only the tasks they created, unless Airflow lets them read the
deployment's connections (Op and Admin in both the simple and the FAB auth manager): operators
see every task."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from ..orchestration import auth as airflow_auth
from ..orchestration.runs import MEDIA_DAG


UI_HEADER = "X-Linguaflow-UI"  # sent by the viewer's own scripts; a form on another site cannot set it


async def _user(request: Request):
    header = request.headers.get("authorization", "")
    bearer = header[7:] if header.lower().startswith("bearer ") else None
    cookie_session = bearer is None and "_token" in request.cookies
    if cookie_session and request.method not in ("GET", "HEAD", "OPTIONS") and UI_HEADER.lower() not in request.headers:
        # a change made with the UI's session cookie must come from our pages (no cross-site forms)
        raise HTTPException(403, f"a change with the UI's session needs the {UI_HEADER} header")
    try:
        return await airflow_auth.caller(request, bearer)
    except HTTPException:
        raise
    except Exception as exc:  # a missing or malformed token
        raise HTTPException(401, "not authenticated") from exc


def _authorize(method: str):
    async def check(user=Depends(_user)):
        if not airflow_auth.may_use_runs(user, method, MEDIA_DAG):
            raise HTTPException(403, f"not allowed to {method} runs of {MEDIA_DAG}")
        return user

    return check


Reader = Annotated[Any, Depends(_authorize("GET"))]
Writer = Annotated[Any, Depends(_authorize("POST"))]
Deleter = Annotated[Any, Depends(_authorize("DELETE"))]


def user_name(user) -> str | None:
    return getattr(user, "get_name", lambda: None)()


def sees_all(user) -> bool:
    """Whether a caller sees every task, not only their own."""
    return airflow_auth.may_read_connections(user)

