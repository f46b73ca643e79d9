"""The media DAG end to end with dag.test(): PostgreSQL metadata DB, S3-compatible storage,
MongoDB-compatible result store and Redis, all real servers on loopback."""

import re
import uuid

import pytest

from linguaflow.orchestration.embedded import run_dag
from linguaflow.results.document import expand

from conftest import SAMPLE
from llm_echo import echo_llm
from loopback import Loopback

pytestmark = pytest.mark.e2e
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _tis(dr):
    from airflow import settings
    from airflow.models.taskinstance import TaskInstance

    with settings.Session() as session:
        rows = session.query(TaskInstance).filter_by(dag_id=dr.dag_id, run_id=dr.run_id).all()
        return {(ti.task_id, ti.map_index): (str(ti.state), ti.try_number) for ti in rows}


def test_media_file_to_coded_json_in_mongodb(airflow_db, s3, bucket, store, monkeypatch):
    from linguaflow import progress

    monkeypatch.setenv("LINGUAFLOW_LANGUAGES_TOGETHER", "1")  # as the embedded default runs it
    events = []
    key = f"inbox/{uuid.uuid4().hex}/arctic.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    tid = f"e2e-{uuid.uuid4().hex[:12]}"
    conf = {
        "media_uri": f"s3://{bucket}/{key}", "target_languages": ["zh", "ja", "de"],
        "task_id": tid, "text_items": {"title": "A sentence about degrees"},
    }

    with progress.listening(lambda step, what, data: events.append((step, what, data.get("lang"), data.get("reused") or not data.get("together")))):
        dr = run_dag(conf)
    assert str(dr.state) == "success", _tis(dr)
    doc = expand(store.get(tid))
    # one Airflow task per language, all decoded at once by the first: every language began before
    # any ended, each shown once (the other tasks reuse what was made, silently), each said to be at once
    translating = [(what, lang, reused) for step, what, lang, reused in events if step == "translate"]
    assert sorted(lang for what, lang, _ in translating if what == "done") == ["de", "ja", "zh"], translating
    assert [what for what, _, _ in translating[:3]] == ["start"] * 3 and not any(r for _, _, r in translating), translating
    assert [state for (task, _), (state, _) in sorted(_tis(dr).items()) if task == "translate"] == ["success"] * 3

    # the flow ends done; the small test model's translation may be flagged, never without a reason
    assert doc["status"] in ("done", "done_with_flags") and doc["source_language"] == "en"
    assert all(set(e.get("reasons", {})) >= set(e.get("flags", {})) for lang, e in doc["languages"].items() if lang != "en")
    assert "superlative degree" in doc["languages"]["en"]["audio"]["0"].lower()
    assert set(doc["languages"]) == {"en", "zh", "ja", "de"}
    seg_ids = [s["id"] for s in doc["segments"]]
    assert seg_ids and all(s["start"] < s["end"] for s in doc["segments"])
    for lang, entry in doc["languages"].items():
        assert entry["status"] in ("done", "done_with_flags")
        assert list(entry["audio"]) == seg_ids, lang  # the same segment ids in every language
        assert set(entry["text"]) == {"title"} and all(entry["audio"].values()), lang
    assert CJK.search(doc["languages"]["zh"]["audio"]["0"]) and CJK.search(doc["languages"]["ja"]["audio"]["0"])
    assert doc["languages"]["zh"]["model"].startswith("llamacpp/")
    assert doc["media"] == {"uri": conf["media_uri"], "duration": 4.0}

    # intermediate artefacts live in object storage under work/<task id>/
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"work/{tid}/")
    names = {o["Key"].split(f"work/{tid}/")[1]: o["LastModified"] for o in listed["Contents"]}
    assert {"transcript.json", "translations/zh.json", "translations/ja.json", "translations/de.json", "result.json"} <= set(names)

    # the same task again: one document, finished work reused (transcript and translations not rewritten)
    dr2 = run_dag(conf)
    assert str(dr2.state) == "success"
    assert store.count(tid) == 1
    again = {o["Key"].split(f"work/{tid}/")[1]: o["LastModified"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=f"work/{tid}/")["Contents"]}
    for name in ("transcript.json", "translations/zh.json", "translations/ja.json", "translations/de.json"):
        assert again[name] == names[name], name
    assert expand(store.get(tid))["languages"] == doc["languages"]


def test_corrupt_media_fails_probe_at_once_with_the_reason_stored(airflow_db, s3, bucket, store):
    key = f"inbox/{uuid.uuid4().hex}/notes.mp3"
    s3.put_object(Bucket=bucket, Key=key, Body=b"meeting notes, not audio\n" * 50)
    tid = f"bad-{uuid.uuid4().hex[:12]}"

    dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": ["de"], "task_id": tid})

    assert str(dr.state) == "failed"
    tis = _tis(dr)
    assert tis[("probe", -1)] == ("failed", 1)  # failed on the first try, no retry
    assert tis[("transcribe", -1)][0] == "upstream_failed"
    doc = store.get(tid)
    assert doc["_s"] == "f" and "not a decodable media file" in doc["_err"] and doc["_err"].startswith("probe: BadInput")


def test_unknown_target_language_is_refused_before_any_work(airflow_db, s3, bucket, store):
    key = f"inbox/{uuid.uuid4().hex}/arctic.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    tid = f"lang-{uuid.uuid4().hex[:12]}"
    # a hand-written conf passes Airflow's Param schema (names are allowed there); probe parses it
    # with the request model and refuses it at once, with the closest languages in the reason
    dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": ["Germn"], "task_id": tid})
    assert str(dr.state) == "failed"
    tis = _tis(dr)
    assert tis[("probe", -1)] == ("failed", 1) and tis[("transcribe", -1)][0] == "upstream_failed"
    doc = expand(store.get(tid))
    assert doc["status"] == "failed" and "unsupported language 'Germn'; closest: de" in doc["error"]
    assert doc["languages"] == {} and doc["segments"] == []


def test_a_failed_language_keeps_the_transcript_and_finished_languages(airflow_db, s3, bucket, store, monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_ROUTES", '{"de": {"backend": "llamacpp", "model": "/models/missing-de.gguf"}}')
    key = f"inbox/{uuid.uuid4().hex}/arctic.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    tid = f"part-{uuid.uuid4().hex[:12]}"

    dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": ["zh", "de"], "task_id": tid})

    assert str(dr.state) == "failed"
    tis = _tis(dr)
    assert tis[("translate", 1)] == ("failed", 1)  # bad model path: bad input, no retry
    assert tis[("translate", 0)][0] == "success" and tis[("package", -1)][0] == "upstream_failed"
    doc = expand(store.get(tid))
    assert doc["status"] == "failed" and "missing-de.gguf" in doc["error"]
    assert "superlative degree" in doc["languages"]["en"]["audio"]["0"].lower()  # transcript kept
    assert doc["languages"]["zh"]["status"] in ("done", "done_with_flags") and CJK.search(doc["languages"]["zh"]["audio"]["0"])
    assert doc["languages"]["de"]["status"] == "failed" and "missing-de.gguf" in doc["languages"]["de"]["error"]
    assert doc["segments"][0]["id"] == "0"


def test_three_languages_two_backends_two_pools_in_one_run(airflow_db, s3, bucket, store, llama_server, monkeypatch):
    import json

    from airflow.models.pool import Pool

    Pool.create_or_update_pool("llm_endpoint", slots=1, description="rate limit of the LLM endpoint", include_deferred=False)
    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({
        "ja": {"backend": "openai", "model": "qwen2.5-0.5b", "pool": "llm_endpoint", "options": {"base_url": llama_server}},
    }))
    key = f"inbox/{uuid.uuid4().hex}/arctic.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    tid = f"pools-{uuid.uuid4().hex[:12]}"

    dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": ["zh", "ja", "de"], "task_id": tid})

    assert str(dr.state) == "success", _tis(dr)
    tis = _tis(dr)
    assert {k for k in tis if k[0].startswith("translate")} == {("translate", 0), ("translate", 1), ("translate__llm_endpoint", 0)}
    doc = expand(store.get(tid))
    models = {lang: e["model"] for lang, e in doc["languages"].items()}
    assert models["ja"] == "openai/qwen2.5-0.5b" and models["zh"] == models["de"] == "llamacpp/qwen2.5-0.5b-instruct-q4"
    assert CJK.search(doc["languages"]["ja"]["audio"]["0"]) and CJK.search(doc["languages"]["zh"]["audio"]["0"])


def test_a_copy_of_the_source_is_stored_flagged_never_as_done(airflow_db, s3, bucket, store, monkeypatch):
    """A route that hands the English back: the language is kept, flagged untranslated per
    segment, and the task reads done_with_flags, not done."""
    import json

    server = echo_llm()
    try:
        monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({
            "de": {"backend": "openai", "model": "echo", "options": {"base_url": server.url("/v1")}}}))
        key = f"inbox/{uuid.uuid4().hex}/arctic.wav"
        s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
        tid = f"echo-{uuid.uuid4().hex[:12]}"
        dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": ["de"], "task_id": tid,
                      "text_items": {"title": "A sentence about the superlative degree"}})
    finally:
        server.close()
    assert str(dr.state) == "success", _tis(dr)
    doc = expand(store.get(tid))
    de = doc["languages"]["de"]
    assert doc["status"] == "done_with_flags" and de["status"] == "done_with_flags"
    assert de["flags"] == {"0": ["untranslated"], "title": ["untranslated"]}
    assert de["audio"]["0"] == doc["languages"]["en"]["audio"]["0"]  # kept, and marked for what it is
    assert doc["languages"]["en"]["status"] == "done"


class Receiver:
    """An HTTP endpoint on loopback recording the callbacks it gets."""

    def __init__(self):
        self.got = []
        self.server = Loopback(self._answer)
        self.url = self.server.url("/done")

    def _answer(self, path, headers, body):
        self.got.append((headers, body))
        return 204, None


def test_failed_task_calls_back_signed_and_stays_failed(airflow_db, s3, bucket, store, monkeypatch):
    import json

    from linguaflow.orchestration.webhook import sign

    monkeypatch.setenv("LINGUAFLOW_CALLBACK_SECRET", "shared-secret")
    receiver = Receiver()
    key = f"inbox/{uuid.uuid4().hex}/empty.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=b"")
    tid = f"cb-{uuid.uuid4().hex[:12]}"
    try:
        dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": ["de"], "task_id": tid, "callback_url": receiver.url})
    finally:
        receiver.server.close()
    assert str(dr.state) == "failed"  # the teardown's success does not hide the failure
    assert _tis(dr)[("notify", -1)][0] == "success"
    [(headers, body)] = receiver.got
    assert headers["X-Linguaflow-Signature"] == sign(body, headers["X-Linguaflow-Timestamp"], "shared-secret")
    sent = json.loads(body)
    assert sent["task_id"] == tid and sent["state"] == "failed" and "empty" in sent["error"]
