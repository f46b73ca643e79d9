"""Airflow's auth manager as the task API uses it: who the caller is (Airflow's own JWT, a bearer
token or the UI's session cookie) and what Airflow lets them do with runs of a DAG.

A FastAPI app mounted by a plugin has no SDK call for this; these are the API server's own
dependency and auth-manager calls (workarounds: api_auth)."""

from __future__ import annotations


async def caller(request, bearer: str | None):
    """The user Airflow's API server would see for this request (a bearer token, else the UI's
    session cookie); raises when neither authenticates."""
    from airflow.api_fastapi.core_api.security import get_user
    from fastapi.security import HTTPAuthorizationCredentials

    creds = HTTPAuthorizationCredentials(scheme="Bearer", credentials=bearer) if bearer is not None else None
    return await get_user(request, None, creds)


def may_use_runs(user, method: str, dag_id: str) -> bool:
    """Whether Airflow lets the user `method` (GET, POST, DELETE...) runs of the DAG."""
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity, DagDetails

    return bool(get_auth_manager().is_authorized_dag(method=method, access_entity=DagAccessEntity.RUN,
                                                     details=DagDetails(id=dag_id), user=user))


def may_read_connections(user) -> bool:
    """Whether Airflow lets the user read the deployment's connections (Op and Admin in the simple
    and the FAB auth managers): the task API's mark of an operator."""
    from airflow.api_fastapi.app import get_auth_manager

    return bool(get_auth_manager().is_authorized_connection(method="GET", user=user))
