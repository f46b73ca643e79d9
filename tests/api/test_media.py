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
