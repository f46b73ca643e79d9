"""The inbox: listing by data interval, deterministic run ids, sidecars, and the inbox DAG
triggering media runs exactly once per object."""

import json
import os
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from linguaflow.orchestration import inbox

from conftest import SAMPLE

DAY = timedelta(days=1)
D1 = datetime(2026, 11, 20, tzinfo=timezone.utc)


def drop(root, name: str, when: datetime, sidecar: dict | None = None):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(SAMPLE.read_bytes())
    os.utime(path, (when.timestamp(), when.timestamp()))
    if sidecar is not None:
        (root / (name + ".json")).write_text(json.dumps(sidecar))
    return path


def test_listing_follows_the_data_interval_like_a_backfill(tmp_path):
    drop(tmp_path, "a.wav", D1 + timedelta(hours=3))
    drop(tmp_path, "day2/b.mp4", D1 + DAY + timedelta(hours=23, minutes=59))
    drop(tmp_path, "c.mp3", D1 + 2 * DAY + timedelta(minutes=1))
    drop(tmp_path, "old.wav", D1 - timedelta(seconds=1))
    (tmp_path / "notes.txt").write_text("not media")
    prefix = f"file://{tmp_path}"
    two_days = inbox.list_new(D1, D1 + 2 * DAY, prefix)
    assert [r["conf"]["media_uri"].rsplit("/", 1)[1] for r in two_days] == ["a.wav", "b.mp4"]
    per_day = [inbox.list_new(D1 + n * DAY, D1 + (n + 1) * DAY, prefix) for n in range(3)]
    assert [len(x) for x in per_day] == [1, 1, 1]  # intervals split the objects exactly


def test_sidecar_and_defaults_and_deterministic_run_ids(tmp_path, monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_INBOX_TARGETS", "de,fr")
    drop(tmp_path, "talk.wav", D1, sidecar={"target_languages": ["Japanese"], "text_items": {"title": "A talk"}, "task_id": "mine"})
    drop(tmp_path, "evil.wav", D1, sidecar={"target_languages": ["ja"], "evil": 1})  # refused like at the API
    drop(tmp_path, "plain.wav", D1)
    reqs = {r["conf"]["media_uri"].rsplit("/", 1)[1]: r for r in inbox.list_new(D1, D1 + DAY, f"file://{tmp_path}")}
    assert reqs["talk.wav"]["conf"]["target_languages"] == ["ja"] and reqs["talk.wav"]["conf"]["text_items"] == {"title": "A talk"}
    assert reqs["talk.wav"]["conf"]["task_id"] == reqs["talk.wav"]["trigger_run_id"]  # the object's own id
    assert "evil.wav" not in reqs
    assert reqs["plain.wav"]["conf"]["target_languages"] == ["de", "fr"]
    again = {r["conf"]["media_uri"].rsplit("/", 1)[1]: r for r in inbox.list_new(D1, D1 + DAY, f"file://{tmp_path}")}
    assert again["plain.wav"]["trigger_run_id"] == reqs["plain.wav"]["trigger_run_id"]
    assert reqs["plain.wav"]["conf"]["task_id"] == reqs["plain.wav"]["trigger_run_id"]


def test_s3_inbox_changed_object_gets_a_new_run_id(s3, bucket):
    prefix = f"inbox-{uuid.uuid4().hex[:8]}"
    s3.put_object(Bucket=bucket, Key=f"{prefix}/a.wav", Body=SAMPLE.read_bytes(), Metadata={"linguaflow-targets": "zh, de"})
    now = datetime.now(timezone.utc)
    first = inbox.list_new(now - timedelta(hours=1), now + timedelta(hours=1), f"s3://{bucket}/{prefix}")
    assert len(first) == 1 and first[0]["conf"]["target_languages"] == ["zh", "de"]
    assert first[0]["conf"]["media_uri"] == f"s3://{bucket}/{prefix}/a.wav"
    s3.put_object(Bucket=bucket, Key=f"{prefix}/a.wav", Body=SAMPLE.read_bytes())  # identical re-upload
    same = inbox.list_new(now - timedelta(hours=1), now + timedelta(hours=1), f"s3://{bucket}/{prefix}")
    assert same[0]["trigger_run_id"] == first[0]["trigger_run_id"]
    s3.put_object(Bucket=bucket, Key=f"{prefix}/a.wav", Body=SAMPLE.read_bytes()[:-2000])  # changed content
    changed = inbox.list_new(now - timedelta(hours=1), now + timedelta(hours=1), f"s3://{bucket}/{prefix}")
    assert changed[0]["trigger_run_id"] != first[0]["trigger_run_id"]


@pytest.mark.e2e
def test_inbox_dag_triggers_one_media_run_per_object_even_when_run_twice(airflow_db, s3, bucket, monkeypatch):
    from airflow import settings
    from airflow.dag_processing.dagbag import DagBag
    from airflow.models.dagrun import DagRun

    from conftest import REPO

    prefix = f"inbox-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("LINGUAFLOW_INBOX", f"s3://{bucket}/{prefix}")
    for name in ("one.wav", "two.wav"):
        s3.put_object(Bucket=bucket, Key=f"{prefix}/{name}", Body=SAMPLE.read_bytes())
    s3.put_object(Bucket=bucket, Key=f"{prefix}/two.wav", Body=SAMPLE.read_bytes())  # dropped twice, identical
    uploaded = datetime.now(timezone.utc)
    expected = {r["trigger_run_id"] for r in inbox.list_new(uploaded - timedelta(hours=1), uploaded + timedelta(hours=1))}
    assert len(expected) == 2

    bag = DagBag(dag_folder=str(REPO / "dags"))
    dag = bag.get_dag("linguaflow_inbox")
    for attempt in range(2):  # the same interval listed twice: still one run per object
        dr = dag.test(logical_date=uploaded + timedelta(minutes=10 + attempt))
        assert str(dr.state) == "success"
    with settings.Session() as session:
        runs = session.query(DagRun).filter(DagRun.dag_id == "linguaflow_media", DagRun.run_id.in_(expected)).all()
        assert {r.run_id for r in runs} == expected
        assert all(r.conf["media_uri"].startswith(f"s3://{bucket}/{prefix}/") and r.conf["task_id"] == r.run_id for r in runs)


# -- event-driven ingest: S3 event notifications through SQS ---------------------------------------

def test_s3_event_notifications_become_one_request_per_object_version(services, s3):
    """Real notifications of the test S3 server, read from its SQS queue as the asset watcher's
    trigger hands them over (the message dicts)."""
    import boto3

    from conftest import s3_events_queue

    bucket = f"linguaflow-announce-{uuid.uuid4().hex[:8]}"  # its own: the stack's bucket notifies the stack
    s3.create_bucket(Bucket=bucket)
    prefix = "announce/"
    url = s3_events_queue(services, bucket, prefix)
    s3.put_object(Bucket=bucket, Key=f"{prefix}talk one.wav.json", Body=json.dumps({"target_languages": ["fr"]}))
    s3.put_object(Bucket=bucket, Key=f"{prefix}talk one.wav", Body=SAMPLE.read_bytes())
    s3.put_object(Bucket=bucket, Key=f"{prefix}talk one.wav", Body=SAMPLE.read_bytes())  # same content again: same ETag
    s3.put_object(Bucket=bucket, Key=f"{prefix}notes.txt", Body=b"not media")
    s3.put_object(Bucket=bucket, Key=f"elsewhere-{prefix}x.wav", Body=b"not announced")  # outside the prefix
    sqs = boto3.client("sqs", endpoint_url=services["LF_S3_ENDPOINT"], aws_access_key_id="test", aws_secret_access_key="test",
                       region_name="us-east-1")
    messages = []
    for _ in range(5):
        messages += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    assert len(messages) >= 4  # a test event, the sidecar, the media twice, the text file
    found = inbox.requests_from_events(messages)
    uri = f"s3://{bucket}/{prefix}talk one.wav"
    assert [r["conf"]["media_uri"] for r in found] == [uri]  # one per object version, the key decoded
    assert found[0]["conf"]["target_languages"] == ["fr"]  # its sidecar read
    etag = s3.head_object(Bucket=bucket, Key=f"{prefix}talk one.wav")["ETag"].strip('"')
    assert found[0]["trigger_run_id"] == inbox.run_id_for(uri, etag)  # the polling inbox's id: one run either way
    assert inbox.requests_from_events([{"Body": "not json"}, {"Body": json.dumps({"Event": "s3:TestEvent"})}]) == []
