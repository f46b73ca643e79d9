"""A test double for a translation backend gone wrong, served over real HTTP."""

from __future__ import annotations

import json

from loopback import Loopback, chat_reply


def echo_llm(received: list[bytes] | None = None) -> Loopback:
    """An OpenAI-compatible endpoint that 'translates' by copying its input: a backend gone wrong.
    Its base URL: `.url("/v1")`. Every request body it gets is appended to `received` (what a
    remote route would see)."""
    def answer(path, headers, body):
        if received is not None:
            received.append(body)
        payload = json.loads(body)["messages"][-1]["content"].split("\n", 1)[1]
        return 200, chat_reply(payload)

    return Loopback(answer)
