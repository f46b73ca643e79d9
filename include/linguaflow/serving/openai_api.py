"""OpenAI's HTTP shape for the warm services: errors as `{"error": {"message", "type", "code"}}`
(so OpenAI's SDKs raise their usual exceptions and retry a 429 or 503 themselves), the bearer API
key, and the models list."""

from __future__ import annotations

import hmac

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class ApiError(Exception):
    """An error answered in OpenAI's shape."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error", code: str | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.kind, self.code, self.headers = status, kind, code, headers or {}


def answer_errors(app: FastAPI) -> None:
    """ApiError, and a request body that does not validate (400, not FastAPI's 422), answered in OpenAI's shape."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return JSONResponse({"error": {"message": str(exc), "type": exc.kind, "param": None, "code": exc.code}},
                            status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid request"))
        return JSONResponse({"error": {"message": message[:300], "type": "invalid_request_error", "param": where or None,
                                       "code": None}}, status_code=400)


def bearer_check(api_key: str | None):
    """A FastAPI dependency: with an API key configured, `Authorization: Bearer <key>` or 401."""

    def authorized(request: Request) -> None:
        if not api_key:
            return
        header = request.headers.get("authorization", "")
        if not (header.lower().startswith("bearer ") and hmac.compare_digest(header[7:].encode(), api_key.encode())):
            raise ApiError(401, "invalid or missing API key", "invalid_request_error", "invalid_api_key")

    return authorized


def models_list(names) -> dict:
    return {"object": "list", "data": [{"id": n, "object": "model", "created": 0, "owned_by": "linguaflow"} for n in names]}
