"""Listing and searching tasks: the filters, their MongoDB query, and cursor pagination.

One filter model (`TaskQuery`) for the task API's `GET /tasks` and `linguaflow list`. Pages are
newest first by creation time (ties by task id) and the cursor is the last row's (created, id):
a task created or updated while a caller pages never appears twice or shifts a page.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import BadInput
from ..request import as_value_error
from ..languages import language as normalize_language
from . import document
from .document import STATES, State, summary
from .store import LIST_ORDER

MAX_PAGE = 200


class TaskQuery(BaseModel):
    """Which tasks to list. Every filter is optional; they combine with AND."""

    model_config = ConfigDict(extra="forbid")

    state: list[State] | None = Field(None, description=f"one or more of {', '.join(STATES)}")
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    source_language: str | None = Field(None, description="detected (or requested) spoken language")
    target_language: str | None = Field(None, description="tasks asked to translate into this language")
    flagged: bool | None = Field(None, description="tasks with (true) or without (false) flagged segments")
    media_prefix: Annotated[str | None, Field(max_length=1024)] = Field(None, description="media URI starts with this")
    created_by: str | None = Field(None, description="only this user's tasks (callers who see all tasks)")
    limit: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 50
    cursor: str | None = Field(None, description="`next_cursor` of the previous page")

    @field_validator("source_language", "target_language")
    @classmethod
    def _language(cls, v: str | None) -> str | None:
        return as_value_error(normalize_language, v) if v else v

    def where(self) -> dict:
        """The MongoDB filter (each field served by an index of the result store)."""
        q: dict = {}
        if self.state:
            q[document.STATE] = {"$in": [document.state_code(s) for s in self.state]}
        for field, after, before in ((document.CREATED, self.created_after, self.created_before),
                                     (document.UPDATED, self.updated_after, self.updated_before)):
            bounds = {op: _iso(t) for op, t in (("$gte", after), ("$lt", before)) if t is not None}
            if bounds:
                q[field] = bounds
        if self.source_language:
            q[document.SOURCE] = document.language_key(self.source_language)
        if self.target_language:
            q[document.TARGETS] = document.language_key(self.target_language)
        if self.flagged is not None:
            q[document.FLAGGED] = True if self.flagged else {"$ne": True}
        if self.media_prefix:
            q[document.MEDIA_URI] = {"$gte": self.media_prefix, "$lt": self.media_prefix + "\U0010ffff"}
        if self.created_by:
            q[document.CREATOR] = self.created_by
        if self.cursor:
            created, task_id = _decode(self.cursor)
            after_cursor = {"$or": [{document.CREATED: {"$lt": created}},
                                    {document.CREATED: created, document.ID: {"$lt": task_id}}]}
            q = {"$and": [q, after_cursor]} if q else after_cursor
        return q


def _iso(t: datetime) -> str:
    """Stored times are UTC ISO 8601 strings; a naive time is taken as UTC."""
    t = t if t.tzinfo else t.replace(tzinfo=timezone.utc)
    return t.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def _encode(created: str, task_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([created, task_id]).encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[str, str]:
    try:
        created, task_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(created, str) and isinstance(task_id, str):
            return created, task_id
    except (ValueError, TypeError):
        pass
    raise BadInput("invalid cursor: pass the next_cursor of a previous page")


def page(store, query: TaskQuery, owner: str | None = None) -> dict:
    """One page of task summaries and the cursor of the next (None on the last page).
    `owner`: only that user's tasks (a caller not allowed to see every task)."""
    where = query.where()
    if owner is not None:
        where = {"$and": [where, {document.CREATOR: owner}]} if where else {document.CREATOR: owner}
    rows = store.find(where, LIST_ORDER, query.limit + 1)
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    last = rows[-1] if rows else None
    return {
        "tasks": [summary(r) for r in rows],
        "next_cursor": _encode(last[document.CREATED], last[document.ID]) if more and last else None,
    }
