"""A client of the task API, behind the `linguaflow submit|status|result|cancel` commands.

Settings: LINGUAFLOW_API (Airflow's API server, default http://127.0.0.1:8080) and either
LINGUAFLOW_TOKEN (a JWT) or LINGUAFLOW_USER / LINGUAFLOW_PASSWORD (exchanged at /auth/token).
"""

from __future__ import annotations

import os
import time

import httpx

TERMINAL = {"success", "failed", "cancelled"}


class ApiError(RuntimeError):
    pass


class TaskClient:
    def __init__(self, http: httpx.Client | None = None, base: str | None = None, token: str | None = None):
        self.http = http or httpx.Client(base_url=base or os.environ.get("LINGUAFLOW_API", "http://127.0.0.1:8080"), timeout=60)
        token = token or os.environ.get("LINGUAFLOW_TOKEN") or self._login()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def _login(self) -> str | None:
        user, password = os.environ.get("LINGUAFLOW_USER"), os.environ.get("LINGUAFLOW_PASSWORD")
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
            raise ApiError(f"{r.request.method} {r.request.url.path}: {r.status_code} {detail}")
        return r

    def submit(self, media: str, targets: list[str], text_items: dict | None = None, callback_url: str | None = None) -> str:
        if "://" in media:
            body = {"media_uri": media, "target_languages": targets, "text_items": text_items or {}, "callback_url": callback_url}
            r = self.http.post("/linguaflow/tasks", json={k: v for k, v in body.items() if v is not None})
        else:
            with open(media, "rb") as f:
                data = {"target_languages": ",".join(targets)} | ({"callback_url": callback_url} if callback_url else {})
                r = self.http.post("/linguaflow/tasks/upload", files={"file": (os.path.basename(media), f)}, data=data)
        return self._check(r).json()["task_id"]

    def status(self, task_id: str) -> dict:
        return self._check(self.http.get(f"/linguaflow/tasks/{task_id}")).json()

    def result(self, task_id: str, fmt: str = "expanded", lang: str | None = None):
        params = {"format": fmt} | ({"lang": lang} if lang else {})
        r = self._check(self.http.get(f"/linguaflow/tasks/{task_id}/result", params=params))
        return r.text if fmt in ("srt", "vtt") else r.json()

    def cancel(self, task_id: str) -> dict:
        return self._check(self.http.delete(f"/linguaflow/tasks/{task_id}")).json()

    def wait(self, task_id: str, poll_s: float = 5.0, timeout_s: float = 6 * 3600, on_progress=None) -> dict:
        deadline = time.monotonic() + timeout_s
        while True:
            st = self.status(task_id)
            if on_progress:
                on_progress(st)
            if st["state"] in TERMINAL or time.monotonic() > deadline:
                return st
            time.sleep(poll_s)


def progress_line(st: dict) -> str:
    """One line for a terminal: state, finished steps, languages done."""
    steps = st.get("steps", [])
    done = sum(1 for s in steps if s["state"] in ("success", "skipped"))
    langs = " ".join(f"{k}:{'done' if v == 'd' else 'failed' if v.startswith('f') else v}" for k, v in sorted(st.get("languages", {}).items()))
    return f"{st['task_id']}  {st['state']:<9} steps {done}/{len(steps)}  {langs}"
