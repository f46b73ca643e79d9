"""The media route behind the viewer's player: the task's own object, byte ranges, same owner rule."""

from __future__ import annotations

from test_lifecycle import create, put_media, users  # noqa: F401 - users is a fixture

from conftest import SAMPLE


def test_media_whole_and_in_ranges(api, users, s3, bucket):  # noqa: F811
    client = api[0]
    tid = create(client, users["alice"], put_media(s3, bucket))
    url = f"/linguaflow/tasks/{tid}/media"
    data = SAMPLE.read_bytes()

    whole = client.get(url, headers=users["alice"])
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["accept-ranges"] == "bytes" and whole.headers["content-type"].startswith("audio/")

    first = client.get(url, headers={**users["alice"], "Range": "bytes=0-99"})
    assert first.status_code == 206 and first.content == data[:100]
    assert first.headers["content-range"] == f"bytes 0-99/{len(data)}"
    tail = client.get(url, headers={**users["alice"], "Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    middle = client.get(url, headers={**users["alice"], "Range": f"bytes=1000-{len(data) + 50}"})
    assert middle.status_code == 206 and middle.content == data[1000:]  # the end is clipped to the object

    for bad in (f"bytes={len(data)}-", "bytes=5-2", "bytes=0-1,5-9", "pages=1-2", "bytes=-"):
        r = client.get(url, headers={**users["alice"], "Range": bad})
        assert r.status_code == 416 and r.headers["content-range"] == f"bytes */{len(data)}", bad

    # another user's task is unknown to them; an operator may play it
    assert client.get(url, headers=users["bob"]).status_code == 404
    assert client.get(url, headers=users["op"]).status_code == 200
    assert client.get("/linguaflow/tasks/none-such/media", headers=users["op"]).status_code == 404


def test_media_gone_is_404(api, users, s3, bucket):  # noqa: F811
    client = api[0]
    media = put_media(s3, bucket)
    tid = create(client, users["alice"], media)
    s3.delete_object(Bucket=bucket, Key=media.split("/", 3)[3])
    r = client.get(f"/linguaflow/tasks/{tid}/media", headers=users["alice"])
    assert r.status_code == 404 and "gone" in r.json()["detail"]


def test_a_redacted_task_plays_its_bleeped_audio_and_only_operators_get_the_original(api, users, s3, bucket, store):  # noqa: F811
    client = api[0]
    media = put_media(s3, bucket)
    tid = create(client, users["alice"], media, redact=["default"], redact_audio=True)
    url = f"/linguaflow/tasks/{tid}/media"
    pending = client.get(url, headers=users["alice"])  # not transcribed yet: nothing plays, the media least of all
    assert pending.status_code == 409 and "not made yet" in pending.json()["detail"]
    assert client.get(url, params={"original": "true"}, headers=users["alice"]).status_code == 403
    assert client.get(url, params={"original": "true"}, headers=users["op"]).content == SAMPLE.read_bytes()
    bleeped = b"fLaC" + bytes(range(256)) * 8  # what the transcribe step stores beside the transcript
    key = f"work/{tid}/redacted-audio.flac"
    s3.put_object(Bucket=bucket, Key=key, Body=bleeped)
    store.merge({"_id": tid, "_rd": {"k": ["person"], "y": "n", "r": [["person", "0", 0.5, 1.0]], "a": f"s3://{bucket}/{key}"}})

    played = client.get(url, headers=users["alice"])
    assert played.status_code == 200 and played.content == bleeped and played.headers["content-type"] == "audio/flac"
    part = client.get(url, headers={**users["alice"], "Range": "bytes=4-9"})
    assert part.status_code == 206 and part.content == bleeped[4:10]
    refused = client.get(url, params={"original": "true"}, headers=users["alice"])
    assert refused.status_code == 403 and "operators" in refused.json()["detail"]
    assert client.get(url, params={"original": "true"}, headers=users["op"]).content == SAMPLE.read_bytes()
    assert client.get(url, headers=users["op"]).content == bleeped  # the player's default, for everyone


def test_the_transcript_as_heard_is_for_operators_and_goes_with_the_task(api, users, s3, bucket, store):  # noqa: F811
    import time

    from linguaflow import storage
    from linguaflow.artefacts import StoredTranscript
    from linguaflow.speech.types import Segment, Transcript

    client = api[0]
    tid = create(client, users["alice"], put_media(s3, bucket), redact=["default"], keep_original=True)
    url = f"/linguaflow/tasks/{tid}/original"
    assert client.get(url, headers=users["op"]).status_code == 404  # nothing kept yet
    heard = Transcript("en", 1.0, 3.0, "faster-whisper", "base", "int8", [Segment("0", 0.0, 3.0, "This is Maria Lopez.")])
    uri = StoredTranscript(heard, {}, {"title": "Maria's call"}).write(storage.original_uri(tid, "transcript.json"))
    store.merge({"_id": tid, "_rd": {"k": ["person"], "y": "n", "r": [["person", "0", 0.8, 2.0]], "o": uri}})

    assert client.get(url, headers=users["alice"]).status_code == 403  # the owner sees the redacted result only
    assert client.get(url, headers=users["bob"]).status_code == 404
    got = client.get(url, headers=users["op"]).json()
    assert got["segments"][0]["text"] == "This is Maria Lopez." and got["text_items"] == {"title": "Maria's call"}

    assert client.delete(f"/linguaflow/tasks/{tid}", headers=users["op"]).status_code == 200
    deadline = time.monotonic() + 60
    while s3.list_objects_v2(Bucket=bucket, Prefix=f"originals/{tid}/").get("KeyCount") and time.monotonic() < deadline:
        time.sleep(1)
    assert s3.list_objects_v2(Bucket=bucket, Prefix=f"originals/{tid}/").get("KeyCount", 0) == 0
