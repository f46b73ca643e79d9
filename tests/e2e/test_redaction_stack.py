"""Redaction against a running Airflow: a call holding a name, a phone number and a card number,
uploaded with `redact`, leaves none of them in what the LLM route received, in MongoDB, Redis,
object storage, Airflow's metadata database, the subtitles or the task logs."""

from __future__ import annotations

import io
import json
import re
import uuid

import numpy as np
import pytest

import speechgen
from test_lifecycle_stack import stack_store  # noqa: F401 - the fixture
from test_stack import wait_state

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not speechgen.have_espeak(), reason="needs espeak-ng")]

CALL = ("Hi, this is Maria Lopez calling. My number is four one five, seven three nine, two zero four six. "
        "My card number is four five three nine, one four eight eight, zero three four three, six four six seven.")


def _call_wav() -> bytes:
    gap = np.zeros(int(speechgen.RATE * 0.5), np.int16)
    pcm = np.concatenate([gap, speechgen.speak(CALL, "en-us", 50, speed=150), gap])
    path = speechgen.cache_dir() / "redaction-call.wav"
    speechgen.write_wav(path, pcm)
    return path.read_bytes()


def _planted(audio: bytes) -> list[str]:
    """What the redaction must hide, as this model writes it: the words of every span found in the
    transcript made without redaction (names, digit groups of four or more)."""
    from linguaflow.privacy import detect
    from linguaflow.speech.transcribe import transcribe
    from linguaflow.speech.types import AsrOptions

    path = speechgen.cache_dir() / "redaction-call.wav"
    path.write_bytes(audio)
    text = transcribe(str(path), AsrOptions()).text
    found = detect.find(text, detect.DEFAULT)
    assert {f.type for f in found} >= {"person", "phone", "card"}, (text, found)
    return sorted({w for f in found for w in re.findall(r"[A-Za-z]{4,}|\d{4,}", text[f.start:f.end])})


def _strings(value) -> list[str]:
    """Every string inside a JSON value (numbers are timings and scores, not text)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [str(k), *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _task_data(stack, store, s3, bucket, tid: str) -> dict[str, str]:
    """Everything stored about one task, by where: its result document, its Redis keys, its objects,
    the Airflow rows that name it, its task logs."""
    out = {"mongo": " ".join(_strings(store.col.find_one({"_id": tid}) or {}))}
    for key in store.cache.client.scan_iter(match=f"*{tid}*"):
        if store.cache.client.type(key) == b"string":
            out[f"redis {key!r}"] = store.cache.client.get(key).decode(errors="replace")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"work/{tid}/"):
        for obj in page.get("Contents", []):
            body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
            try:
                text = body.decode()
            except UnicodeDecodeError:
                continue  # media
            try:
                out[f"s3 {obj['Key']}"] = " ".join(_strings(json.loads(text)))
            except json.JSONDecodeError:
                out[f"s3 {obj['Key']}"] = text
    for table, row in stack.metadata_rows(containing=tid):
        out[f"airflow {table}"] = out.get(f"airflow {table}", "") + " " + row
    for path in (stack.home / "logs").rglob("*"):
        if path.is_file() and tid in str(path):
            out[f"log {path.relative_to(stack.home)}"] = path.read_text(errors="replace")
    return out


def test_no_planted_value_reaches_a_route_a_store_or_a_log(stack, stack_store, s3, bucket):  # noqa: F811
    audio = _call_wav()
    planted = _planted(audio)
    assert any(p.isdigit() for p in planted) and any(p.isalpha() for p in planted)
    tid = f"redact-{uuid.uuid4().hex[:10]}"
    asked = len(stack.llm_requests)
    with stack.client() as c:
        r = c.post("/linguaflow/tasks/upload", files={"file": ("call.wav", io.BytesIO(audio))},
                   data={"task_id": tid, "target_languages": "it", "redact": "default"})
        assert r.status_code in (200, 201, 202), r.text
        assert wait_state(c, tid, {"done", "done_with_flags", "failed"})["state"] in ("done", "done_with_flags")
        result = c.get(f"/linguaflow/tasks/{tid}/result", params={"format": "json"}).json()
        srt = c.get(f"/linguaflow/tasks/{tid}/result", params={"format": "srt", "lang": "it"}).text

    transcript = " ".join(result["languages"]["en"]["audio"].values())
    assert re.search(r"\[PERSON_1\]", transcript) and "[PHONE_1]" in transcript and "[CARD_1]" in transcript, transcript
    found = result["redaction"]["found"]
    assert {f["type"] for f in found} >= {"person", "phone", "card"}
    assert all(set(f) == {"type", "segment", "start", "end"} for f in found)  # where, never what
    counted = stack_store.audit.find_one({"_id": tid})["redacted"]  # the audit line: how many of each
    assert counted == {t: sum(f["type"] == t for f in found) for t in {f["type"] for f in found}}
    sent = b" ".join(stack.llm_requests[asked:]).decode()
    assert "[PHONE_1]" in sent  # the route got the tags ...
    places = {"the LLM route": sent, "subtitles": srt, **_task_data(stack, stack_store, s3, bucket, tid)}
    assert any(k.startswith("log ") for k in places) and any(k.startswith("s3 ") for k in places)
    # whole words only: "0343" leaks in "4539 1488 0343 6467", not inside a timestamp's "20:34.303439"
    leaks = [f"{where}: {p}" for where, text in places.items() for p in planted
             if re.search(rf"(?<![0-9A-Za-z]){re.escape(p)}(?![0-9A-Za-z])", text)]
    assert leaks == [], leaks  # ... and nothing it stands for
