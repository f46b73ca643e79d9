"""Airflow's public REST API (v2), called by the task API on behalf of its caller.

The task API is a plugin app inside Airflow's API server. It controls runs through the same REST
API a user would call, on the server that took the request and with the caller's own token, so
Airflow checks the caller's permissions, writes its audit log under their name and keeps its own
rules (a run id in use is 409, a running run cannot be deleted) — no ORM, no Airflow internals.
"""

from __future__ import annotations

import httpx

from ..errors import Conflict, Forbidden, NotFound, ServiceUnavailable

TIMEOUT_S = 30.0
PAGE = 100  # task instances per page: the API's default `maximum_page_limit`


class AirflowApi:
    """Run control for one caller: `base_url` is the API server's root, `token` the caller's JWT."""

    def __init__(self, base_url: str, token: str, timeout_s: float = TIMEOUT_S):
        self.base_url = base_url.rstrip("/") + "/api/v2"
        self._headers = {"Authorization": f"Bearer {token}"}
        self._timeout = timeout_s

    @classmethod
    def for_request(cls, request, token: str) -> AirflowApi:
        """The API server that took `request`: the socket it arrived on (reachable from itself
        whatever address the outside world uses), spoken to as the server is configured (TLS or
        not), under the root path Airflow is served at. Never the Host header or a forwarded
        scheme: a caller must not choose where the server sends their request (or its token)."""
        from airflow.configuration import conf

        server = request.scope.get("server")
        if not server:
            raise ServiceUnavailable("the API server's own address is unknown (no ASGI `server` in the request)")
        host, port = server
        if ":" in host:  # IPv6
            host = f"[{host}]"
        if host in ("0.0.0.0", "[::]"):
            host = "127.0.0.1"
        scheme = "https" if conf.get("api", "ssl_cert", fallback="") else "http"
        root = request.scope.get("app_root_path", "")
        return cls(f"{scheme}://{host}:{port}{root}", token)

    def _call(self, method: str, path: str, **kw) -> httpx.Response:
        # the server's own certificate is issued for its public name, not the socket's address
        with httpx.Client(timeout=self._timeout, headers=self._headers, verify=False) as http:
            resp = http.request(method, f"{self.base_url}{path}", **kw)
        if resp.status_code < 400:
            return resp
        detail = _detail(resp)
        if resp.status_code == 404:
            raise NotFound(detail)
        if resp.status_code == 409:
            raise Conflict(detail)
        if resp.status_code in (401, 403):
            raise Forbidden(f"Airflow refused: {detail}")
        if resp.status_code >= 500:
            raise ServiceUnavailable(f"Airflow's API answered {resp.status_code}: {detail}")
        raise RuntimeError(f"Airflow's API answered {resp.status_code} to {method} {path}: {detail}")

    def trigger(self, dag_id: str, run_id: str, conf: dict) -> dict:
        """Create a run with this id and conf (Conflict when the id is taken)."""
        body = {"dag_run_id": run_id, "logical_date": None, "conf": conf}
        return self._call("POST", f"/dags/{dag_id}/dagRuns", json=body).json()

    def run(self, dag_id: str, run_id: str) -> dict:
        """A run: state, conf, note, triggering user (NotFound when there is none)."""
        return self._call("GET", f"/dags/{dag_id}/dagRuns/{run_id}").json()

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        """Every task instance of a run, mapped ones included."""
        out: list[dict] = []
        while True:
            page = self._call("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances",
                              params={"limit": PAGE, "offset": len(out), "order_by": "id"}).json()
            out += page["task_instances"]
            if len(page["task_instances"]) < PAGE or len(out) >= (page.get("total_entries") or 0):
                return out

    def fail(self, dag_id: str, run_id: str, note: str | None = None) -> dict:
        """Fail a run: its running task instances fail (their processes are killed), pending ones are
        skipped; a teardown left to run keeps the run `running` until it has."""
        body = {"state": "failed", **({"note": note} if note else {})}
        return self._call("PATCH", f"/dags/{dag_id}/dagRuns/{run_id}", json=body).json()

    def set_step_state(self, dag_id: str, run_id: str, task_id: str, map_index: int, state: str) -> None:
        """Set one task instance's state (success, failed or skipped: what the API offers); a running
        one is stopped at its next heartbeat."""
        path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}" + (f"/{map_index}" if map_index >= 0 else "")
        self._call("PATCH", path, json={"new_state": state})

    def delete(self, dag_id: str, run_id: str) -> None:
        """Delete an ended run with its task instances, XComs and rendered fields (Conflict while it
        is still running)."""
        self._call("DELETE", f"/dags/{dag_id}/dagRuns/{run_id}")


def _detail(resp: httpx.Response) -> str:
    try:
        detail = resp.json().get("detail")
    except ValueError:
        detail = None
    return str(detail or resp.text[:300] or resp.reason_phrase)
