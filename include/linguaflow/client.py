"""A client of the task API, behind the `linguaflow submit|status|result|cancel|delete|list` commands.

Settings (`linguaflow.settings`): LINGUAFLOW_API (Airflow's API server) and either LINGUAFLOW_TOKEN
(a JWT) or LINGUAFLOW_USER / LINGUAFLOW_PASSWORD (exchanged at /auth/token).
"""

from __future__ import annotations

import json
import os
import time

import httpx

from .results.document import ENDED
from .settings import settings


class ApiError(RuntimeError):
    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


class TaskClient:
    def __init__(self, http: httpx.Client | None = None, base: str | None = None, token: str | None = None):
        cfg = settings()
        self.http = http or httpx.Client(base_url=base or cfg.api, timeout=60)
        token = token or (cfg.token.get_secret_value() if cfg.token else None) or self._login()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def _login(self) -> str | None:
        cfg = settings()
        user, password = cfg.user, cfg.password.get_secret_value() if cfg.password else None
        if not user:
            return None
        r = self.http.post("/auth/token", json={"username": user, "password": password})
        self._check(r)
        return r.json()["access_token"]

    @staticmethod
    def _check(r: httpx.Response) -> httpx.Response:
        if r.status_code >= 400:
            try:
                detail = r.json().get("detail")
            except ValueError:
                detail = r.text
            raise ApiError(f"{r.request.method} {r.request.url.path}: {r.status_code} {detail}", r.status_code)
        return r

    def submit(self, media: str, targets: list[str], text_items: dict | None = None, callback_url: str | None = None,
               **options) -> str:
        """Create a task from an s3:// URI or a local file (uploaded); `options` are further request
        fields (source_language, asr_engine, asr_model, task_id)."""
        if "://" in media:
            body = {"media_uri": media, "target_languages": targets, "text_items": text_items or {},
                    "callback_url": callback_url, **options}
            r = self.http.post("/linguaflow/tasks", json={k: v for k, v in body.items() if v is not None})
        else:
            with open(media, "rb") as f:
                data = {"target_languages": ",".join(targets), "callback_url": callback_url, **options,
                        "text_items": json.dumps(text_items) if text_items else None}
                r = self.http.post("/linguaflow/tasks/upload", files={"file": (os.path.basename(media), f)},
                                   data={k: v for k, v in data.items() if v is not None})
        return self._check(r).json()["task_id"]

    def status(self, task_id: str) -> dict:
        return self._check(self.http.get(f"/linguaflow/tasks/{task_id}")).json()

    def result(self, task_id: str, fmt: str = "expanded", lang: str | None = None):
        params = {"format": fmt} | ({"lang": lang} if lang else {})
        r = self._check(self.http.get(f"/linguaflow/tasks/{task_id}/result", params=params))
        return r.json() if r.headers.get("content-type", "").startswith("application/json") else r.text

    def cancel(self, task_id: str) -> dict:
        return self._check(self.http.post(f"/linguaflow/tasks/{task_id}/cancel")).json()

    def delete(self, task_id: str, media: bool = False) -> dict:
        """Delete a task everywhere (its own uploaded media too; the source object with media=True)."""
        params = {"media": "true"} if media else {}
        return self._check(self.http.delete(f"/linguaflow/tasks/{task_id}", params=params)).json()

    def list(self, **filters) -> dict:
        """One page of tasks (`linguaflow.results.listing.TaskQuery` filters; `cursor` for the next)."""
        params = {k: v for k, v in filters.items() if v is not None}
        return self._check(self.http.get("/linguaflow/tasks", params=params)).json()

    def wait(self, task_id: str, poll_s: float = 5.0, timeout_s: float = 6 * 3600, on_progress=None) -> dict:
        deadline = time.monotonic() + timeout_s
        while True:
            st = self.status(task_id)
            if on_progress:
                on_progress(st)
            if st["state"] in ENDED or time.monotonic() > deadline:
                return st
            time.sleep(poll_s)


def progress_line(st: dict) -> str:
    """One line for a terminal: state, finished steps, languages done."""
    steps = st.get("steps", [])
    done = sum(1 for s in steps if s["state"] in ("success", "skipped"))
    langs = " ".join(f"{k}:{v}" for k, v in sorted(st.get("languages", {}).items()))
    return f"{st['task_id']}  {st['state']:<9} steps {done}/{len(steps)}  {langs}"
