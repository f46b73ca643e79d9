"""Task lifecycle over the task API (in-process, real PostgreSQL, MongoDB-compatible server, Redis,
S3 server): owners, listing, and deletion of everything a task left."""

import uuid

import pytest

from linguaflow.errors import NotFound

from conftest import SAMPLE


@pytest.fixture(scope="module")
def users(api):
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    def bearer(name, role):
        return {"Authorization": f"Bearer {get_auth_manager().generate_jwt(SimpleAuthManagerUser(username=name, role=role))}"}

    return {"alice": bearer("alice", "USER"), "bob": bearer("bob", "USER"), "op": bearer("op", "OP"),
            "viewer": api[2], "admin": api[1]}


def put_media(s3, bucket) -> str:
    key = f"inbox/{uuid.uuid4().hex}.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    return f"s3://{bucket}/{key}"


def create(client, headers, media, **extra) -> str:
    r = client.post("/linguaflow/tasks", headers=headers, json={"media_uri": media, "target_languages": ["de"], **extra})
    assert r.status_code == 201, r.text
    return r.json()["task_id"]


def listed(client, headers, **params) -> list[str]:
    r = client.get("/linguaflow/tasks", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return [t["task_id"] for t in r.json()["tasks"]]


def objects(s3, bucket, prefix) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


def test_a_task_is_listed_from_creation_and_seen_only_by_its_owner_and_operators(api, users, s3, bucket):
    client = api[0]
    media = put_media(s3, bucket)
    tid = create(client, users["alice"], media)
    mine = client.get("/linguaflow/tasks", headers=users["alice"], params={"media_prefix": media}).json()["tasks"]
    assert [(t["task_id"], t["status"], t["created_by"], t["target_languages"]) for t in mine] == [(tid, "queued", "alice", ["de"])]
    assert tid not in listed(client, users["bob"], media_prefix=media)
    assert tid in listed(client, users["op"], media_prefix=media, state="queued")
    assert client.get(f"/linguaflow/tasks/{tid}", headers=users["bob"]).status_code == 404
    assert client.get(f"/linguaflow/tasks/{tid}", headers=users["op"]).status_code == 200
    assert client.post(f"/linguaflow/tasks/{tid}/cancel", headers=users["bob"]).status_code == 404
    assert client.delete(f"/linguaflow/tasks/{tid}", headers=users["bob"]).status_code == 404
    assert client.delete(f"/linguaflow/tasks/{tid}", headers=users["viewer"]).status_code == 403
    assert client.get(f"/linguaflow/tasks/{tid}", headers=users["alice"]).json()["state"] == "queued"  # all refused


def test_listing_answers_bad_filters_with_4xx(api, users):
    client = api[0]
    for params in ({"cursor": "zzz"}, {"target_language": "xx"}, {"state": "bogus"}, {"limit": 0}, {"limit": 10_000},
                   {"created_after": "yesterday"}, {"unknown": "1"}):
        r = client.get("/linguaflow/tasks", headers=users["alice"], params=params)
        assert 400 <= r.status_code < 500, (params, r.status_code, r.text)


def test_delete_removes_the_task_everywhere_and_records_who(api, users, store, s3, bucket):
    from linguaflow import storage
    from linguaflow.errors import TaskDeleted
    from linguaflow.orchestration import runs
    from linguaflow.orchestration.airflow_api import AirflowApi

    client = api[0]
    r = client.post("/linguaflow/tasks/upload", headers=users["alice"], files={"file": ("talk.wav", SAMPLE.read_bytes())},
                    data={"target_languages": "de", "text_items": '{"title": "Quarterly numbers"}'})
    tid = r.json()["task_id"]
    # what the steps would have left: artefacts, a stored language, a cached copy
    storage.write_json(storage.work_uri(tid, "transcript.json"), {"segments": [{"text": "secret words"}]})
    store.put_language(tid, "de", {"0": {"A": "geheime Wörter"}}, "done", "m")
    assert store.get(tid) and store.cache.get(tid)
    root = bucket  # the tests' work root is the bucket itself
    assert objects(s3, root, f"uploads/{tid}/") and objects(s3, root, f"work/{tid}/")

    r = client.delete(f"/linguaflow/tasks/{tid}", headers=users["alice"])
    assert r.status_code == 200, r.text
    removed = r.json()["removed"]
    assert removed["result_document"] and removed["run"] and removed["objects"] == 2
    assert r.json()["purge_pending"] is False and r.json()["deleted_by"] == "alice"

    assert objects(s3, root, f"uploads/{tid}/") == [] and objects(s3, root, f"work/{tid}/") == []
    assert store.cache.client.keys(f"*{tid}*") == []
    with pytest.raises(NotFound):  # the run is gone from Airflow, as its REST API says
        runs.look_up(AirflowApi(str(client.base_url), users["admin"]["Authorization"][7:]), tid)
    assert store.col.find_one({"_id": tid}).keys() == {"_id", "_del"}  # a tombstone, nothing of the task
    audit = store.audit.find_one({"_id": tid})
    assert audit["deleted_by"] == "alice" and audit["removed"]["objects"] == 2
    assert client.get(f"/linguaflow/tasks/{tid}", headers=users["alice"]).status_code == 404
    assert client.delete(f"/linguaflow/tasks/{tid}", headers=users["alice"]).status_code == 404  # documented
    assert tid not in listed(client, users["op"])
    with pytest.raises(TaskDeleted):  # a step finishing late cannot bring it back
        store.put_language(tid, "de", {"0": {"A": "geheime Wörter"}}, "done", "m")
    assert store.get(tid) is None


def test_a_users_own_media_is_deleted_only_when_asked_by_an_operator(api, users, s3, bucket):
    client = api[0]
    media = put_media(s3, bucket)
    key = media.split("/", 3)[3]
    first = create(client, users["alice"], media)
    assert client.delete(f"/linguaflow/tasks/{first}", headers=users["alice"]).json()["removed"]["media"] is False
    assert objects(s3, bucket, key) == [key]
    second = create(client, users["alice"], media)
    r = client.delete(f"/linguaflow/tasks/{second}", headers=users["op"], params={"media": "true"})
    assert r.status_code == 200 and r.json()["removed"]["media"] is True and r.json()["deleted_by"] == "op"
    assert objects(s3, bucket, key) == []


def test_unknown_task_delete_is_404(api, users):
    assert api[0].delete(f"/linguaflow/tasks/none-{uuid.uuid4().hex}", headers=users["op"]).status_code == 404


def test_cli_list_and_delete(api, users, monkeypatch, capsys, s3, bucket):
    """`linguaflow list` (a readable table, every page with --all) and `linguaflow delete`."""
    from linguaflow import cli
    from linguaflow.client import TaskClient

    client = api[0]
    monkeypatch.setenv("LINGUAFLOW_API", str(client.base_url))  # a server is configured: the commands ask it
    monkeypatch.setattr(cli.tasks, "_client", lambda: TaskClient(http=client, token=users["alice"]["Authorization"][7:]))
    media = put_media(s3, bucket)
    ids = [create(client, users["alice"], media) for _ in range(3)]
    def table(out):  # the in-process API server logs to the same stdout (quiet CLI: issue 12)
        return [line.split() for line in out.splitlines() if not line[:2].isdigit()]

    assert cli.main(["list", "--media", media, "--limit", "2", "--state", "queued"]) == 0
    out, err = capsys.readouterr()
    assert table(out)[0][:2] == ["task", "state"]
    assert [row[0] for row in table(out)[1:]] == ids[::-1][:2] and "--all" in err
    assert cli.main(["list", "--media", media, "--limit", "2", "--all"]) == 0
    assert [row[0] for row in table(capsys.readouterr().out)[1:]] == ids[::-1]
    assert cli.main(["delete", ids[0]]) == 0
    assert f"deleted {ids[0]}: result yes" in capsys.readouterr().out
    assert cli.main(["delete", ids[0]]) == 2 and "404" in capsys.readouterr().err
    assert cli.main(["list", "--target", "Klingon"]) == 2  # a readable refusal, not a traceback
    assert "Klingon" in capsys.readouterr().err


def test_a_task_id_cannot_be_taken_over_or_reused_after_deletion(api, users, store, s3, bucket):
    client = api[0]
    media = put_media(s3, bucket)
    tid = create(client, users["alice"], media, task_id=f"mine-{uuid.uuid4().hex[:8]}")
    r = client.post("/linguaflow/tasks", headers=users["bob"], json={"media_uri": media, "task_id": tid})
    assert r.status_code == 409
    store.register(tid, media, ["de"], "bob")  # a run naming alice's task id: alice stays its creator
    assert store.get(tid)["_by"] == "alice"
    assert client.delete(f"/linguaflow/tasks/{tid}", headers=users["alice"]).status_code == 200
    r = client.post("/linguaflow/tasks", headers=users["alice"], json={"media_uri": media, "task_id": tid})
    assert r.status_code == 409 and "deleted" in r.json()["detail"]


def test_only_operators_delete_source_objects_and_paths_are_never_task_ids(api, users, s3, bucket):
    client = api[0]
    media = put_media(s3, bucket)
    tid = create(client, users["alice"], media)
    r = client.delete(f"/linguaflow/tasks/{tid}", headers=users["alice"], params={"media": "true"})
    assert r.status_code == 403
    assert client.get(f"/linguaflow/tasks/{tid}", headers=users["alice"]).status_code == 200  # nothing deleted
    for bad in ("%2e%2e", ".hidden", "a%2Fb", "x" * 200):
        assert 400 <= client.delete(f"/linguaflow/tasks/{bad}", headers=users["op"]).status_code < 500, bad


def test_a_queued_task_reads_as_an_empty_result(api, users, s3, bucket):
    client = api[0]
    tid = create(client, users["alice"], put_media(s3, bucket))
    r = client.get(f"/linguaflow/tasks/{tid}/result", headers=users["alice"], params={"format": "expanded"})
    assert r.status_code == 200 and r.json()["status"] == "queued" and r.json()["media"]["duration"] == 0.0
    assert client.get(f"/linguaflow/view/{tid}", headers=users["alice"]).status_code == 200


def test_deleting_a_task_leaves_other_tasks_cache_keys(store):
    a, b = f"t-{uuid.uuid4().hex[:6]}", None
    b = a + "2"  # an id that starts with the other
    for tid in (a, b):
        store.register(tid, "s3://b/x.wav", ["de"], "alice")
        store.get(tid)  # cached
    assert store.cache.get(b) is not None
    store.tombstone(a)
    store.cache.purge(a)
    assert store.cache.get(b) is not None


def test_a_purge_that_fails_part_way_is_finished_later_never_a_500(api, users, store, s3, bucket, monkeypatch):
    """The object store down while a task is deleted: the task is deleted (tombstone, audit) and
    answered 200 with purge_pending; its leftovers go once the grace period has passed."""
    import time

    from linguaflow import settings as settings_module
    from linguaflow import storage

    client = api[0]
    r = client.post("/linguaflow/tasks/upload", headers=users["alice"], files={"file": ("talk.wav", SAMPLE.read_bytes())},
                    data={"target_languages": "de"})
    tid = r.json()["task_id"]
    storage.write_json(storage.work_uri(tid, "transcript.json"), {"segments": []})
    monkeypatch.setenv("LINGUAFLOW_DELETE_GRACE_S", "1")
    settings_module.reload()
    real = storage.delete_tree
    calls = []

    def down_once(uri):
        calls.append(uri)
        if len(calls) == 1:
            raise ConnectionError("object store unreachable")
        return real(uri)

    monkeypatch.setattr(storage, "delete_tree", down_once)
    try:
        r = client.delete(f"/linguaflow/tasks/{tid}", headers=users["alice"])
        assert r.status_code == 200, r.text
        assert r.json()["purge_pending"] is True and r.json()["removed"]["run"] is True
        assert client.get(f"/linguaflow/tasks/{tid}", headers=users["alice"]).status_code == 404
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and store.col.find_one({"_id": tid, "_pend": True}):
            time.sleep(0.2)
        assert objects(s3, bucket, f"uploads/{tid}/") == [] and objects(s3, bucket, f"work/{tid}/") == []
        assert store.col.find_one({"_id": tid}).keys() == {"_id", "_del"}  # purge finished
    finally:
        monkeypatch.undo()
        settings_module.reload()


def test_a_clash_with_airflow_is_tried_again_and_a_refusal_is_not(monkeypatch):
    """Deleting a run may clash with the scheduler (Airflow answers 5xx on a deadlock): the call is
    tried again; a refusal (409: the run is still ending) is not."""
    from linguaflow.errors import Conflict, ServiceUnavailable
    from linguaflow.orchestration import runs

    monkeypatch.setattr(runs.time, "sleep", lambda s: None)
    tries = []

    def clash_once():
        tries.append(1)
        if len(tries) == 1:
            raise ServiceUnavailable("Airflow's API answered 500: deadlock detected")
        return len(tries)

    assert runs._retrying(clash_once) == 2
    refused = []

    def refuse():
        refused.append(1)
        raise Conflict("cannot be deleted in running state")

    with pytest.raises(Conflict):
        runs._retrying(refuse)
    assert len(refused) == 1
