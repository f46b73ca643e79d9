"""Listing tasks: every filter and cursor paging against the real MongoDB-compatible server."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from linguaflow.errors import BadInput
from linguaflow.results import listing
from linguaflow.results.listing import TaskQuery
from linguaflow.results.store import ResultStore

START = datetime(2026, 3, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def catalogue(services):
    """60 tasks in their own collection: varied state, languages, creator, media and flags."""
    store = ResultStore(collection=f"listing_{uuid.uuid4().hex[:8]}")
    tasks = {}
    for i in range(60):
        tid = f"t{i:03d}"
        targets = [["de"], ["zh", "ja"], ["fr"]][i % 3]
        user = ["alice", "bob"][i % 2]
        media = f"s3://b/{['inbox', 'uploads'][i % 4 == 0]}/{i}.wav"
        store.register(tid, media, targets, user)
        state = ["queued", "running", "done", "done_with_flags", "failed"][i % 5]
        created = (START + timedelta(hours=i)).isoformat(timespec="milliseconds")
        fields = {"_c": created, "_s": {"queued": "q", "running": "r", "done": "d", "done_with_flags": "w", "failed": "f"}[state],
                  "_src": ["2", "4"][i % 2 == 0 and i % 3 == 0]}  # en, or de for every sixth
        store.col.update_one({"_id": tid}, {"$set": fields})
        if state == "done_with_flags":
            store.put_language(tid, targets[0], {"0": {"A": "x"}}, "done_with_flags", "m", {"0": ["untranslated"]})
        tasks[tid] = {"state": state, "targets": targets, "user": user, "media": media, "created": START + timedelta(hours=i),
                      "source": "de" if i % 6 == 0 else "en", "flagged": state == "done_with_flags"}
    # one deleted task is never listed
    store.register("gone", "s3://b/inbox/gone.wav", ["de"], "alice")
    store.tombstone("gone")
    yield store, tasks
    store.col.drop()
    store.client.close()


def all_pages(store, query: TaskQuery, owner=None) -> list[str]:
    ids, cursor = [], None
    while True:
        page = listing.page(store, query.model_copy(update={"cursor": cursor}), owner)
        ids += [t["task_id"] for t in page["tasks"]]
        assert len(page["tasks"]) <= query.limit
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


def test_pages_return_every_task_once_newest_first(catalogue):
    store, tasks = catalogue
    ids = all_pages(store, TaskQuery(limit=7))
    assert ids == sorted(tasks, reverse=True)  # created an hour apart, in id order


@pytest.mark.parametrize("query, keep", [
    ({"state": ["failed"]}, lambda t: t["state"] == "failed"),
    ({"state": ["done", "done_with_flags"]}, lambda t: t["state"] in ("done", "done_with_flags")),
    ({"created_after": START + timedelta(hours=10), "created_before": START + timedelta(hours=20)},
     lambda t: START + timedelta(hours=10) <= t["created"] < START + timedelta(hours=20)),
    ({"source_language": "German"}, lambda t: t["source"] == "de"),
    ({"target_language": "JA"}, lambda t: "ja" in t["targets"]),
    ({"flagged": True}, lambda t: t["flagged"]),
    ({"flagged": False}, lambda t: not t["flagged"]),
    ({"media_prefix": "s3://b/uploads/"}, lambda t: "/uploads/" in t["media"]),
    ({"created_by": "bob", "state": ["queued"]}, lambda t: t["user"] == "bob" and t["state"] == "queued"),
])
def test_each_filter_across_pages(catalogue, query, keep):
    store, tasks = catalogue
    expected = sorted((tid for tid, t in tasks.items() if keep(t)), reverse=True)
    assert expected, "the catalogue has tasks for every filter"
    assert all_pages(store, TaskQuery(limit=4, **query)) == expected


def test_a_caller_who_sees_only_their_own_tasks(catalogue):
    store, tasks = catalogue
    assert all_pages(store, TaskQuery(limit=50), owner="alice") == sorted((i for i, t in tasks.items() if t["user"] == "alice"), reverse=True)
    # asking for someone else's tasks gives nothing, not theirs
    assert all_pages(store, TaskQuery(created_by="bob"), owner="alice") == []


def test_summaries_are_readable(catalogue):
    store, _ = catalogue
    t = listing.page(store, TaskQuery(state=["done_with_flags"], limit=1))["tasks"][0]
    assert t["status"] == "done_with_flags" and t["flagged"] is True and t["source_language"] in ("en", "de")
    assert t["target_languages"] and t["created_by"] in ("alice", "bob") and t["created"].startswith("2026-03")


def test_bad_cursor_and_unknown_language_are_bad_input(catalogue):
    store, _ = catalogue
    with pytest.raises(BadInput):
        listing.page(store, TaskQuery(cursor="not-a-cursor"))
    with pytest.raises(Exception, match="xx"):
        TaskQuery(target_language="xx")
