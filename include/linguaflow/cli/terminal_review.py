"""`linguaflow run --review`: the review of flagged items asked in the terminal.

The embedded run's review task waits for an answer in the metadata DB like any Airflow
human-in-the-loop task; a thread answers it from the terminal
(`linguaflow.orchestration.review.answer.answer_while_running`)."""

from __future__ import annotations

import getpass
import threading
from typing import TextIO

from .. import review
from ..orchestration.review.answer import answer_while_running


class TerminalReview:
    """Watches a task for an open review while its run goes on; asks item by item when one opens."""

    def __init__(self, task_id: str, request: dict, out: TextIO, read_line=input):
        self.task_id, self.request, self.out, self.read_line = task_id, request, out, read_line
        self.answered = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self):
        self._thread = answer_while_running(self.task_id, self._ask, getpass.getuser(), self._stop, self.answered,
                                                   name="terminal-review")
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)

    def _ask(self, body: str, edits: dict) -> dict:
        items = review.flagged_items(self.task_id, self.request)
        print(f"\nReview: {len(edits)} flagged item(s). Enter keeps a text; a new line replaces it.", file=self.out)
        answer = dict(edits)
        for key, text in edits.items():
            it = items.get(key, {})
            print(f"\n[{key}] {', '.join(it.get('flags', []))}" + (f": {it['reason']}" if it.get("reason") else ""), file=self.out)
            if it.get("source") and it.get("source") != text:
                print(f"  source: {it['source']}", file=self.out)
            print(f"  now:    {text}", file=self.out)
            self.out.flush()
            try:
                line = self.read_line("  new:    " if self.out.isatty() else "").strip()
            except EOFError:  # nothing more to read (not a terminal): the rest is approved as it is
                break
            if line:
                answer[key] = line
        print("Review answered; publishing.", file=self.out)
        return answer
