"""The command line's help reads whole: `linguaflow --help` lists every command on one line, and
every option of every command says what it does in a complete phrase (the help of a request
field, shown again by the forms, likewise)."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

from linguaflow.cli import parser
from linguaflow.request import MediaRequest

CLI = os.path.join(os.path.dirname(sys.executable), "linguaflow")
DANGLING = {"a", "an", "the", "and", "or", "of", "its", "their", "your", "each", "every"}  # a phrase never ends on these


def _commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _reads_whole(text: str | None) -> str | None:
    """Why a help text does not read as a complete phrase, or None."""
    if not text or not text.strip():
        return "no help"
    words = re.findall(r"[\w']+", text)
    if words[-1].lower() in DANGLING or text.rstrip().endswith(("'s", ",", ":", ";", "(", "-")):
        return f"ends mid-phrase: {text!r}"
    for left, right in ("()", "[]", "{}"):
        if text.count(left) != text.count(right):
            return f"unbalanced {left}{right}: {text!r}"
    if text.count("`") % 2 or text.count('"') % 2:
        return f"unbalanced quotes: {text!r}"
    return None


def test_top_level_help_lists_each_command_on_one_line():
    r = subprocess.run([CLI, "--help"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"})
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    for name in _commands():
        [line] = [line for line in lines if re.match(rf"\s+{name}\s", line)]
        following = lines[lines.index(line) + 1]
        assert len(line.split(None, 1)) == 2 and len(line) <= 80, line  # name and summary together
        assert not following.startswith(" " * 10), f"{name}'s summary wraps: {following!r}"


def test_every_option_of_every_command_has_a_whole_phrase_of_help():
    problems = []
    for name, command in {"linguaflow": parser(), **_commands()}.items():
        for action in command._actions:
            if isinstance(action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)):
                continue
            why = _reads_whole(action.help)
            if why:
                problems.append(f"{name} {'/'.join(action.option_strings) or action.dest}: {why}")
    assert not problems, "\n".join(problems)


def test_every_request_field_description_reads_whole():
    problems = [f"{name}: {why}" for name, field in MediaRequest.model_fields.items()
                if (why := _reads_whole(field.description))]
    assert not problems, "\n".join(problems)


def test_the_check_catches_a_cut_phrase():
    assert _reads_whole("the speech switches language: identify each segment's") is not None
    assert _reads_whole("label who speaks (speaker diarization") is not None
    assert _reads_whole("label who speaks (speaker diarization)") is None
