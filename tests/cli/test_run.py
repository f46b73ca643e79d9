"""`linguaflow run` as a user meets it, on the embedded default (its own LINGUAFLOW_HOME): a quiet
progress display and a readable result; an identical re-run answered from the store; a re-run
with another language adds it; `--replace` drops the others; `result` and `list` read the
embedded store when no server is configured."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import SAMPLE

pytestmark = pytest.mark.e2e
CLI = os.path.join(os.path.dirname(sys.executable), "linguaflow")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("embedded-home")


def _run(home, *argv, timeout=600):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "LINGUAFLOW_", "AWS_"))}
    env["LINGUAFLOW_HOME"] = str(home)
    if os.environ.get("LINGUAFLOW_MODEL_CACHE"):
        env["LINGUAFLOW_MODEL_CACHE"] = os.environ["LINGUAFLOW_MODEL_CACHE"]
    return subprocess.run([CLI, *argv], capture_output=True, text=True, env=env, timeout=timeout)


def _coded(home, task_id):
    r = _run(home, "result", task_id, "--format", "coded")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_run_is_quiet_readable_and_adds_languages(home, tmp_path):
    task = "cli-run-1"
    r = _run(home, "run", str(SAMPLE), "--to", "Deutsch", "--task-id", task)
    assert r.returncode == 0, r.stderr[-3000:]
    # stdout: the readable result, languages by name, never codes
    assert "English (en) transcript: done" in r.stdout and "German (de) translation: done" in r.stdout
    assert "superlative degree" in r.stdout
    # stderr: one line per step and a short summary; Airflow's output went to the log file
    err = r.stderr.splitlines()
    assert len(err) <= 10, r.stderr
    assert any(line.startswith("✓ transcribe") for line in err) and any(line.startswith("✓ translate to German") for line in err)
    assert not re.search(r"\b(INFO|DagBag|Task instance|Traceback|XCom)\b", r.stderr), r.stderr
    assert f"in the embedded store ({home / 'db'})" in r.stderr  # where the result is, not a passing port
    log = re.search(r"Airflow's log: (\S+)", r.stderr).group(1)
    assert "[DAG TEST] end task" in open(log).read()

    # the same file and request again: answered from the store, nothing run; subtitles on request
    again = _run(home, "run", str(SAMPLE), "--to", "de", "--task-id", task, "--format", "srt", "--lang", "German")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "answered from the store" in again.stderr and "Airflow's log" not in again.stderr
    assert again.stdout.startswith("1\n00:00:00,") and "-->" in again.stdout

    # another language is added; the German one stays
    more = _run(home, "run", str(SAMPLE), "--to", "es", "--task-id", task, "--out", str(tmp_path / "r.json"))
    assert more.returncode == 0, more.stderr[-2000:]
    assert more.stdout == ""  # --out alone: the file, nothing on stdout
    coded = json.loads((tmp_path / "r.json").read_text())
    states = {k: v for k, v in coded["_ls"].items()}
    assert set(states) == {"2", "4", "6"} and set(states.values()) == {"d"}  # en, de, es (code map v2)

    # --replace: only what this run asks for stays
    only = _run(home, "run", str(SAMPLE), "--to", "es", "--task-id", task, "--replace", "--format", "json")
    assert only.returncode == 0, only.stderr[-2000:]
    assert set(json.loads(only.stdout)["languages"]) == {"en", "es"}
    assert set(_coded(home, task)["_ls"]) == {"2", "6"}


def test_result_and_list_read_the_embedded_store_without_a_server(home):
    r = _run(home, "result", "cli-run-1", "--format", "vtt", "--lang", "es")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("WEBVTT\n\n00:00:00.")
    text = _run(home, "result", "cli-run-1")
    assert text.returncode == 0 and "Spanish (es) translation: done" in text.stdout
    listed = _run(home, "list")
    assert listed.returncode == 0 and "cli-run-1" in listed.stdout
    missing = _run(home, "result", "no-such-task")
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1


def test_transcript_only_is_said_in_the_summary(home):
    r = _run(home, "run", str(SAMPLE), "--to", "", "--task-id", "cli-run-2", "--format", "text")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "transcript only" in r.stderr and "translation" not in r.stdout


def test_run_review_asks_in_the_terminal_and_publishes_the_edits(home):
    """`run --review` with a backend that copies the English: the flagged items are asked one by
    one (a line replaces a text, an empty line keeps it) and the edit is published."""
    from llm_echo import echo_llm

    server = echo_llm()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "LINGUAFLOW_", "AWS_"))}
        env.update(LINGUAFLOW_HOME=str(home), LINGUAFLOW_ROUTES=json.dumps({"de": {
            "backend": "openai", "model": "echo", "options": {"base_url": server.url("/v1")}}}))
        if os.environ.get("LINGUAFLOW_MODEL_CACHE"):
            env["LINGUAFLOW_MODEL_CACHE"] = os.environ["LINGUAFLOW_MODEL_CACHE"]
        r = subprocess.run([CLI, "run", str(SAMPLE), "--to", "de", "--task-id", "cli-review-1", "--review", "--format", "json"],
                           input="Und man will es immer im Superlativ sehen.\n", capture_output=True, text=True, env=env, timeout=300)
    finally:
        server.close()
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Review: 1 flagged item(s)" in r.stderr and "[de/A/0] untranslated" in r.stderr, r.stderr
    doc = json.loads(r.stdout)
    assert doc["languages"]["de"]["audio"]["0"] == "Und man will es immer im Superlativ sehen."
    assert doc["languages"]["de"]["status"] == "done" and doc["status"] == "done"  # the one flag resolved by a person
    assert doc["reviews"][0]["after"].startswith("Und man") and doc["reviews"][0]["by"]


@pytest.mark.skipif(not __import__("speechgen").have_espeak(), reason="espeak-ng: scripts/speech-tools.sh installs it")
def test_run_labels_speakers_and_takes_a_vocabulary(home, tmp_path):
    import speechgen

    wav = tmp_path / "call.wav"
    speechgen.conversation(wav, speechgen.CONVERSATION[:4])
    r = _run(home, "run", str(wav), "--to", "", "--speakers", "--model", "tiny.en", "--vocabulary", "Zorvath",
             "--task-id", "cli-speakers", "--format", "vtt")
    assert r.returncode == 0, r.stderr[-3000:]
    voices = re.findall(r"<v (Speaker \d)>", r.stdout)
    assert voices[0] == "Speaker 1" and set(voices) == {"Speaker 1", "Speaker 2"}
    assert re.search(r"transcribe .* 2 speakers", r.stderr)  # the step line says how many were heard
    coded = _coded(home, "cli-speakers")
    assert {t[2] for t in coded["_t"].values()} == {1, 2}
    # a re-run without --speakers makes the transcript again (the stored one was diarized)
    plain = _run(home, "run", str(wav), "--to", "", "--model", "tiny.en", "--vocabulary", "Zorvath", "--task-id", "cli-speakers",
                 "--format", "coded")
    assert plain.returncode == 0, plain.stderr[-3000:]
    assert all(len(t) == 2 for t in _coded(home, "cli-speakers")["_t"].values())


@pytest.mark.skipif(not __import__("speechgen").have_espeak(), reason="espeak-ng: scripts/speech-tools.sh installs it")
def test_run_names_speakers_and_says_when_their_count_is_uncertain(home, tmp_path, monkeypatch):
    """Two voices whose count is a close call (measured: eigenvalue gaps for 2 and for 7 speakers
    within COUNT_MARGIN of each other): two speakers found, the doubt said everywhere."""
    import speechgen

    monkeypatch.setattr(speechgen, "VOICES", {"A": ("en-gb-x-rp+m5", 35), "B": ("en-029+f3", 43)})
    wav = tmp_path / "front-desk.wav"
    speechgen.conversation(wav, speechgen.HOTEL)
    r = _run(home, "run", str(wav), "--to", "", "--model", "tiny.en", "--speaker-names", "Front desk,Guest",
             "--task-id", "cli-doubt", "--format", "text")
    assert r.returncode == 0, r.stderr[-3000:]
    assert re.search(r"transcribe .* 2 speakers \(uncertain\)", r.stderr)
    assert "warning: the speaker labels may be wrong: 2 or 7 speakers" in r.stderr  # the summary
    assert "warning: the speaker labels may be wrong" in r.stdout and "done with flags" in r.stdout
    assert "Front desk: Good evening" in r.stdout and "Guest: " in r.stdout
    coded = _coded(home, "cli-doubt")
    assert coded["_m"]["w"] == "s" and coded["_sn"] == {"1": "Front desk", "2": "Guest"} and coded["_fl"] is True


def test_runs_started_together_queue_on_the_embedded_home_and_all_finish(home, tmp_path):
    """Three `linguaflow run` at the same moment on one home: one runs, the others wait for it
    (one line saying so), all exit 0 and `list` shows the three; no WiredTiger or SQLite error."""
    from mediagen import encode

    # three files, three contents (three tasks): the sample as WAV, FLAC and MP3
    files = [SAMPLE, encode(SAMPLE, tmp_path / "clip.flac", "flac", "flac"), encode(SAMPLE, tmp_path / "clip.mp3", "mp3", "libmp3lame")]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "LINGUAFLOW_", "AWS_"))}
    env["LINGUAFLOW_HOME"] = str(tmp_path / "together")
    if os.environ.get("LINGUAFLOW_MODEL_CACHE"):
        env["LINGUAFLOW_MODEL_CACHE"] = os.environ["LINGUAFLOW_MODEL_CACHE"]
    procs = [subprocess.Popen([CLI, "run", str(f), "--to", "", "--model", "tiny.en", "--language", "en"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert not re.search(r"WiredTiger|sqlite3|Traceback", out + err), err
    waits = [err for _, err in outs if "waiting: another linguaflow command" in err]
    assert len(waits) >= 1 and all("waited " in err for err in waits)  # one line in, one line out
    listed = subprocess.run([CLI, "list"], env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert len(re.findall(r"^file-\w+\s+done", listed.stdout, re.M)) == 3, listed.stdout


def test_run_takes_several_files_and_folders(home, tmp_path):
    import shutil

    from mediagen import encode

    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a.wav")
    encode(SAMPLE, folder / "b.flac", "flac", "flac")
    (folder / "c.wav").write_bytes(b"not audio")  # a bad one: said, the others go on
    mp3 = encode(SAMPLE, tmp_path / "d.mp3", "mp3", "libmp3lame")
    r = _run(tmp_path / "several", "run", str(folder), str(mp3), "--to", "", "--model", "tiny.en", "--language", "en")
    assert r.returncode == 65, r.stderr  # the worst of the files: bad input
    assert "[1/4]" in r.stderr and "[4/4]" in r.stderr and "error: " in r.stderr and "c.wav" in r.stderr
    assert "4 files: 3 done, 1 not" in r.stderr
    assert r.stdout.count("superlative degree") == 3  # a result each
    listed = _run(tmp_path / "several", "list")
    assert len(re.findall(r"^file-\w+\s+done", listed.stdout, re.M)) == 3, listed.stdout  # three tasks


def _ctrl_c_as_in_a_terminal():
    """A child inherits an ignored SIGINT (a test before this one in the same worker may leave it so,
    as a shell does for a background job); a command started in a terminal has the default."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_while_waiting_for_another_run_leaves_nothing_written(tmp_path):
    import fcntl
    import signal

    home = tmp_path / "busy"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "LINGUAFLOW_", "AWS_"))}
    env["LINGUAFLOW_HOME"] = str(home)
    with open(home / "run.lock", "a+") as held:  # another run holds the home
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242")
        held.flush()
        p = subprocess.Popen([CLI, "run", str(SAMPLE), "--to", ""], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=_ctrl_c_as_in_a_terminal)
        line = p.stderr.readline()
        assert line.startswith("waiting: another linguaflow command (pid 4242)"), line
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    assert p.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
    assert not (home / "db").exists() and not (home / "storage").exists()  # nothing opened, nothing written


def test_ctrl_c_handed_to_another_thread_still_ends_the_wait(tmp_path):
    """The kernel may hand a Ctrl-C to any thread of the process (numpy's, a library's): the waiting
    run must still stop, which a main thread blocked in flock() would not (seen once in CI)."""
    import fcntl
    import sys

    home = tmp_path / "busy"
    home.mkdir()
    child = (
        "import os, signal, threading, time, sys\n"
        "from linguaflow.orchestration import embedded\n"
        "threading.Thread(target=lambda: (time.sleep(0.5), signal.pthread_kill(threading.get_ident(), signal.SIGINT))).start()\n"
        "try:\n"
        "    with embedded.one_at_a_time():\n"
        "        sys.exit(3)\n"
        "except KeyboardInterrupt:\n"
        "    sys.exit(130)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "LINGUAFLOW_", "AWS_"))}
    env["LINGUAFLOW_HOME"] = str(home)
    with open(home / "run.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        r = subprocess.run([sys.executable, "-c", child], env=env, capture_output=True, text=True, timeout=30,
                           preexec_fn=_ctrl_c_as_in_a_terminal)
    assert r.returncode == 130 and "waiting: another linguaflow command" in r.stderr, r.stderr


@pytest.mark.skipif(not __import__("speechgen").have_espeak(), reason="espeak-ng: scripts/speech-tools.sh installs it")
def test_run_redact_tags_personal_data_before_anything_is_stored(home, tmp_path):
    import numpy as np
    import speechgen

    from linguaflow.languages import language_code
    from linguaflow.privacy import detect

    wav = speechgen.write_wav(tmp_path / "call.wav", np.concatenate([
        speechgen.speak("Hello, this is Maria Lopez. Please call me back on four one five, seven three nine, two zero four six.",
                        "en-us", 50, speed=150), np.zeros(8000, np.int16)]))
    plain = _run(home, "run", str(wav), "--to", "", "--model", "tiny.en", "--task-id", "cli-plain", "--format", "text")
    assert plain.returncode == 0, plain.stderr[-3000:]
    heard = " ".join(re.sub(r"^\[[^\]]*\] ", "", line) for line in plain.stdout.splitlines() if line.startswith("[0"))
    planted = {w for f in detect.find(heard, detect.DEFAULT) for w in re.findall(r"[A-Za-z]{4,}|\d{3,}", heard[f.start:f.end])}
    assert planted, heard

    r = _run(home, "run", str(wav), "--to", "", "--model", "tiny.en", "--task-id", "cli-redacted", "--redact", "--redact-audio",
             "--keep-original",
             "--text-items", '{"title": "Callback for Maria Lopez"}', "--format", "text")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "[PERSON_1]" in r.stdout and "[PHONE_1]" in r.stdout and "pieces of personal data tagged" in r.stderr
    assert re.search(r"^redacted: .*\d person.* \(the audio too\)$", r.stdout, re.M)
    coded = _coded(home, "cli-redacted")
    assert {t for t, *_ in coded["_rd"]["r"]} >= {"person", "phone"} and coded["_rd"]["y"] == "n"
    assert coded[language_code("en")]["title"]["T"].startswith("Callback for [PERSON_")  # supplied text: redacted too
    planted.add("Lopez")
    stored = [p.read_text() for p in (home / "storage" / "work" / "cli-redacted").rglob("*.json")]
    assert stored and any('"words"' in text for text in stored)  # word timings are kept for the audio: redacted too
    assert [w for w in planted for text in [*stored, json.dumps(coded)] if w in text] == []
    kept = home / "storage" / "originals" / "cli-redacted" / "transcript.json"  # asked for: apart, as heard
    assert coded["_rd"]["o"] == f"file://{kept}" and all(w in kept.read_text() for w in planted)
    # the audio: a copy with every span bleeped, beside the transcript
    import av

    from linguaflow.privacy import audio

    assert coded["_rd"]["a"].endswith("/work/cli-redacted/redacted-audio.flac")
    with av.open(coded["_rd"]["a"].removeprefix("file://")) as media:
        pcm = np.concatenate([f.to_ndarray().reshape(-1) for f in media.decode(audio=0)]).astype(float)
    for _, _, start, end in [f for f in coded["_rd"]["r"] if f[2] is not None]:  # (text items have no time)
        block = pcm[int(start * 16000):int(end * 16000)]
        spectrum = np.abs(np.fft.rfft(block)) ** 2
        peak = int(round(audio.TONE_HZ * len(block) / 16000))
        assert spectrum[peak - 2:peak + 3].sum() > 0.99 * spectrum.sum()
