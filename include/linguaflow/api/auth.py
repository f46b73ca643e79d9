"""The task API's access rules: Airflow's own JWT (a bearer token from `/auth/token`, or the UI's
session cookie) and Airflow's authorization of runs of the media DAG.

Reading needs GET on the media DAG's runs, creating and cancelling POST, deleting DELETE. A
caller sees (and cancels, deletes) only the tasks they created, unless Airflow lets them read the
deployment's connections (Op and Admin in both the simple and the FAB auth manager): operators
see every task."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from ..orchestration import auth as airflow_auth
from ..orchestration.airflow_api import AirflowApi
from ..orchestration.runs import MEDIA_DAG


UI_HEADER = "X-Linguaflow-UI"  # sent by the viewer's own scripts; a form on another site cannot set it


@dataclass(frozen=True)
class Caller:
    """Who called, and Airflow's REST API as them (their token: Airflow applies their permissions)."""

    user: Any
    airflow: AirflowApi

    @property
    def name(self) -> str | None:
        return getattr(self.user, "get_name", lambda: None)()

    @property
    def sees_all(self) -> bool:
        """Whether the caller sees every task, not only their own."""
        return airflow_auth.may_read_connections(self.user)


async def _user(request: Request) -> Caller:
    header = request.headers.get("authorization", "")
    bearer = header[7:] if header.lower().startswith("bearer ") else None
    cookie_session = bearer is None and "_token" in request.cookies
    if cookie_session and request.method not in ("GET", "HEAD", "OPTIONS") and UI_HEADER.lower() not in request.headers:
        # a change made with the UI's session cookie must come from our pages (no cross-site forms)
        raise HTTPException(403, f"a change with the UI's session needs the {UI_HEADER} header")
    try:
        user = await airflow_auth.caller(request, bearer)
    except HTTPException:
        raise
    except Exception as exc:  # a missing or malformed token
        raise HTTPException(401, "not authenticated") from exc
    return Caller(user, AirflowApi.for_request(request, bearer if bearer is not None else request.cookies["_token"]))


def _authorize(method: str):
    async def check(caller: Caller = Depends(_user)) -> Caller:
        if not airflow_auth.may_use_runs(caller.user, method, MEDIA_DAG):
            raise HTTPException(403, f"not allowed to {method} runs of {MEDIA_DAG}")
        return caller

    return check


Reader = Annotated[Caller, Depends(_authorize("GET"))]
Writer = Annotated[Caller, Depends(_authorize("POST"))]
Deleter = Annotated[Caller, Depends(_authorize("DELETE"))]

