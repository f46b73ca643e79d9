"""User mistakes at the command line: each is one readable line, its documented exit code
(2 usage, 65 bad input, 69 unreachable), no traceback, and an answer in under 2 seconds — the
arguments are checked before Airflow starts."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from conftest import SAMPLE

CLI = os.path.join(os.path.dirname(sys.executable), "linguaflow")
NOWHERE = "http://127.0.0.1:9"  # nothing listens on the discard port


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("mistakes")
    (d / "not-audio.mp3").write_text("this is a text file with an mp3 name\n" * 20)
    (d / "empty.wav").write_bytes(b"")
    (d / "folder").mkdir()
    return d


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AIRFLOW_CONN_", "LINGUAFLOW_API"))}
    env["LINGUAFLOW_STORAGE_CONN_ID"] = "aws_default"
    env["HOME"] = env.get("HOME", "/root")
    return {**env, **extra}


S = str(SAMPLE)
MISTAKES = [
    # (what, argv, expected exit code, a word the line must hold, extra env)
    ("no command", [], 2, "required", {}),
    ("unknown command", ["transcibe"], 2, "invalid choice", {}),
    ("run without a file", ["run"], 2, "file", {}),
    ("no such file", ["run", "/nope/talk.wav"], 2, "no such file", {}),
    ("an empty folder", ["run", "{folder}"], 2, "no files in the folder", {}),
    ("unknown language code", ["run", S, "--to", "xx"], 2, "unsupported language", {}),
    ("misspelt language name", ["run", S, "--to", "Germn"], 2, "closest: de", {}),
    ("unknown spoken language", ["run", S, "--language", "Klingon"], 2, "unsupported language", {}),
    ("too many languages", ["run", S, "--to", ",".join(["de", "fr", "es", "it", "pt", "nl", "sv", "pl", "ru", "uk", "cs",
                                                         "ro", "el", "hu", "da", "fi", "no", "tr", "ar", "hi", "ko"])],
     2, "at most", {}),
    ("unknown engine", ["run", S, "--engine", "whisperx"], 2, "invalid choice", {}),
    ("unknown ASR model", ["run", S, "--model", "larg"], 2, "unknown ASR model", {}),
    ("bad task id", ["run", S, "--task-id", "my task!"], 2, "task", {}),
    ("bad glossary", ["run", S, "--glossary", "{not json"], 2, "glossary", {}),
    ("unknown output format", ["run", S, "--format", "pdf"], 2, "invalid choice", {}),
    ("unknown output language", ["run", S, "--lang", "xx"], 2, "--lang", {}),
    ("subtitles in two languages", ["run", S, "--format", "srt", "--lang", "de,ja"], 2, "one language", {}),
    ("--out of unknown kind", ["run", S, "--out", "result.pdf"], 2, "--out", {}),
    ("an http URL", ["run", "https://example.com/talk.mp3"], 2, "s3://", {}),
    ("s3 without credentials", ["run", "s3://media/talk.mp3"], 2, "credentials", {}),
    ("not audio", ["run", "{folder}/../not-audio.mp3"], 65, "bad input", {}),
    ("empty file", ["run", "{folder}/../empty.wav"], 65, "bad input", {}),
    ("status, server down", ["status", "t-1"], 69, "127.0.0.1:9", {"LINGUAFLOW_API": NOWHERE}),
    ("submit, server down", ["submit", S, "--to", "de"], 69, "127.0.0.1:9", {"LINGUAFLOW_API": NOWHERE}),
    ("cancel, server down", ["cancel", "t-1"], 69, "did not answer", {"LINGUAFLOW_API": NOWHERE}),
    ("list, bad flag value", ["list", "--flagged", "maybe"], 2, "invalid choice", {}),
    ("list, limit not a number", ["list", "--limit", "many"], 2, "invalid int", {}),
    ("result, unknown format", ["result", "t-1", "--format", "pdf"], 2, "invalid choice", {}),
    ("transcribe without input", ["transcribe", "--output", "file:///tmp/x.json"], 2, "--input", {}),
]


@pytest.mark.parametrize("what,argv,code,word,env", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_mistake_is_one_line_and_its_exit_code(files, what, argv, code, word, env):
    argv = [a.replace("{folder}", str(files / "folder")) for a in argv]
    began = time.monotonic()
    r = subprocess.run([CLI, *argv], capture_output=True, text=True, env=_env(**env), timeout=60)
    seconds = time.monotonic() - began
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert r.returncode == code, (r.returncode, r.stderr[-1500:])
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr[-1500:]
    assert word.lower() in lines[0].lower(), lines[0]
    assert r.stdout == ""
    assert seconds < 2.0, f"{what}: {seconds:.2f} s"


def test_at_least_twenty_mistakes_are_covered():
    assert len(MISTAKES) >= 20


def test_verbose_shows_the_traceback(files):
    r = subprocess.run([CLI, "-v", "status", "t-1"], capture_output=True, text=True,
                       env=_env(LINGUAFLOW_API=NOWHERE), timeout=60)
    assert r.returncode == 69 and "Traceback" in r.stderr


def test_version_and_help_on_every_option():
    r = subprocess.run([CLI, "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("linguaflow ")
    from linguaflow.cli import parser

    top = parser()
    commands = next(a for a in top._actions if a.dest == "cmd").choices
    for name, sub in commands.items():
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"


def test_every_request_field_is_a_run_flag():
    """`linguaflow run` reaches every field of the request: a field added to MediaRequest fails
    here until `run` offers it."""
    import argparse

    from linguaflow.cli import local_run, parser
    from linguaflow.request import MediaRequest

    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    dests = {a.dest for a in sub.choices["run"]._actions}
    assert set(local_run.FLAG_FIELDS) <= dests
    assert set(local_run.FLAG_FIELDS.values()) == set(MediaRequest.model_fields) - {"media_uri"}
    args = parser().parse_args(["run", str(SAMPLE), "--to", "de", "--text-items", '{"title": "Hello"}',
                                "--callback", "https://example.com/hook"])
    (args.file,) = args.file  # `run` plans each of its files alone
    request = local_run.plan(args).request
    assert request.text_items == {"title": "Hello"} and request.callback_url == "https://example.com/hook"
