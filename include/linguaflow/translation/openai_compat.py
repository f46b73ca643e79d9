"""Any OpenAI-compatible chat endpoint: vLLM, Ollama, llama.cpp's server, a hosted API.

The endpoint and key come from an Airflow connection (host = base URL, password = API key) or
from the route's `base_url` / `api_key_env`; the key is sent as a bearer token and never logged.
`parallel` (route option, default 1) asks that many of a task's batches at once.
HTTP 429/5xx and refused connections are ServiceUnavailable, timeouts NetworkTimeout (the retry
table's transient classes); other 4xx mean a wrong route (BackendError, which falls back).
"""

from __future__ import annotations

import httpx

from ..errors import BackendError
from ..httpcall import openai_endpoint, send
from .llm_prompt import translate_batches


class OpenAICompatTranslator:
    def __init__(self, model: str, conn_id: str | None = None, base_url: str | None = None,
                 api_key_env: str | None = None, timeout_s: float = 120.0, max_tokens: int | None = None,
                 parallel: int = 1):
        if not 1 <= int(parallel) <= 16:
            raise BackendError(f"parallel is 1 to 16, not {parallel!r}")
        self.model, self.parallel = model, int(parallel)
        self.url, key = openai_endpoint(conn_id, base_url, api_key_env)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout_s)
        self.max_tokens = max_tokens

    def _ask(self, messages: list[dict]) -> str:
        body = {"model": self.model, "messages": messages, "temperature": 0, "response_format": {"type": "json_object"}}
        if self.max_tokens:
            body["max_tokens"] = self.max_tokens
        r = send(self.http.post, "/chat/completions", what=self.url, json=body)
        if r.status_code >= 400:
            raise BackendError(f"{self.url} refused the request: {r.status_code} {r.text[:200]}")
        try:
            return r.json()["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError):
            return r.text  # let reply validation call it malformed

    def translate(self, items, source, target, batch_size: int = 8, terms: dict | None = None):
        # parallel > 1: a task's batches asked at once, for an endpoint that decodes them side by side
        # (`linguaflow serve-mt`, vLLM, llama.cpp's server with parallel slots)
        return translate_batches(self._ask, items, source, target, batch_size, terms=terms, parallel=self.parallel)
