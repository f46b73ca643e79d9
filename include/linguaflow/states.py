"""The readable states of a task and of each of its languages: the one home of the names clients
see. Their stored codes are `results/document.py`'s business; settings (retention per state), the
run control and the CLI read the names from here."""

from __future__ import annotations

from typing import Literal, get_args

State = Literal["queued", "running", "awaiting_review", "done", "done_with_flags", "failed", "cancelled"]
STATES: tuple[str, ...] = get_args(State)
SUCCEEDED = frozenset({"done", "done_with_flags"})
ENDED = SUCCEEDED | {"failed", "cancelled"}
