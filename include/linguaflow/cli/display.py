"""What `linguaflow run` shows while it works: one line per step, Airflow's own output in a file.

`quiet(log_path)` sends everything written to the process's stdout and stderr — Airflow's logs,
its task runner, C libraries (CTranslate2, llama.cpp) — into a log file at the file-descriptor
level, and hands back a stream on the terminal for the progress display. On a terminal the
running step is redrawn in place (audio seconds and ETA while transcribing); elsewhere each
step prints one line when it ends.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from typing import TextIO

from ..results.readable import language_name, state_name


@contextlib.contextmanager
def quiet(log_path: Path):
    """Redirect fds 1 and 2 into `log_path` (appended); yield a text stream on the real stderr."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="replace")
    with open(log_path, "ab") as log_file:
        os.dup2(log_file.fileno(), 1)
        os.dup2(log_file.fileno(), 2)
        try:
            yield terminal
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.close(saved_out)
            os.close(saved_err)
            terminal.close()


def _seconds(s: float) -> str:
    return f"{s:.1f} s" if s < 60 else f"{int(s // 60)} min {s % 60:02.0f} s"


class StepDisplay:
    """A `linguaflow.progress` listener that draws the steps of one run on a terminal stream.

    It also keeps what the summary needs: seconds per step, segments, language states."""

    def __init__(self, out: TextIO):
        self.out = out
        self.live = out.isatty()
        self.times: dict[str, float] = {}
        self.languages: dict[str, str] = {}
        self.spoken: str | None = None
        self.segments = 0
        self._began: dict[str, float] = {}
        self._duration = 0.0

    def __call__(self, step: str, what: str, data: dict) -> None:
        name = self._name(step, data)
        if what == "start":
            self._began[name] = time.monotonic()
            self._duration = data.get("duration") or self._duration
            self._draw(f"{name} …")
        elif what == "progress" and self.live and name in self._began:  # (an early transcription's, before its step)
            fraction = data.get("fraction", 0.0)
            spent = time.monotonic() - self._began.get(name, time.monotonic())
            eta = f", about {_seconds(spent * (1 - fraction) / fraction)} left" if fraction > 0.02 else ""
            self._draw(f"{name} {fraction * self._duration:.0f} / {self._duration:.0f} s of audio{eta}")
        elif what in ("done", "failed"):
            self.times[name] = data.get("seconds", 0.0)
            self._end(name, what, data)

    @staticmethod
    def _name(step: str, data: dict) -> str:
        return f"translate to {language_name(data['lang'])}" if step == "translate" and data.get("lang") else step

    def _end(self, name: str, what: str, data: dict) -> None:
        detail = ""
        if what == "failed":
            detail = f"failed: {data.get('error', '')}"
        elif name == "probe":
            detail = f"{data.get('duration', 0.0):.1f} s of media"
        elif name == "transcribe":
            self.spoken, self.segments = data.get("language"), data.get("segments", 0)
            detail = f"{self.segments} segments, spoken {language_name(self.spoken or '?')}"
            if data.get("speakers"):
                detail += f", {data['speakers']} speaker{'s' if data['speakers'] > 1 else ''}"
                detail += " (uncertain)" if data.get("speakers_doubt") else ""
        elif name == "redact":
            detail = f"{data.get('found', 0)} pieces of personal data tagged"
            if data.get("patterns_only"):
                detail += f"; names not searched in {', '.join(language_name(lang) for lang in data['patterns_only'])}"
        elif name.startswith("translate"):
            state = data.get("state", "done")
            self.languages[data["lang"]] = state
            detail = state_name(state) + (f", {data['flagged']} flagged" if data.get("flagged") else "")
        if data.get("reused"):
            detail += " (reused)"
        elif data.get("together"):  # its time overlaps the others': all decoded at once
            detail += " (languages at once)"
        seconds = data.get("seconds", 0.0)
        if data.get("early_s"):  # begun while Airflow started: its own time, not the wait for it
            seconds, detail = data["early_s"], detail + " (begun while Airflow started)"
            self.times[name] = seconds
        self._line(f"{'✗' if what == 'failed' else '✓'} {name:<24} {_seconds(seconds):>9}  {detail}")

    def _draw(self, text: str) -> None:
        if self.live:
            self.out.write("\r\x1b[2K  " + text[:110])
            self.out.flush()

    def _line(self, text: str) -> None:
        self.out.write(("\r\x1b[2K" if self.live else "") + text + "\n")
        self.out.flush()
