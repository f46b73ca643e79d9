"""Damaged media: a file that decodes much shorter than its container says is kept but flagged
`truncated`; packets that will not decode are skipped, counted and reported."""

import uuid

import pytest

from linguaflow.speech import probe, transcribe
from linguaflow.speech.types import AsrOptions

from conftest import SAMPLE
from mediagen import encode


@pytest.fixture(scope="module")
def mp3s(tmp_path_factory):
    root = tmp_path_factory.mktemp("damaged")
    whole = encode(SAMPLE, root / "whole.mp3", "mp3", "libmp3lame")
    data = whole.read_bytes()
    (root / "truncated.mp3").write_bytes(data[: len(data) // 4])  # the header still says 4 s
    corrupt = bytearray(data)
    for i in range(len(data) // 3, len(data) // 3 + 2000):  # garbage in the middle of the stream
        corrupt[i] = (i * 7) % 256
    (root / "corrupt.mp3").write_bytes(bytes(corrupt))
    return root


def _decode(path):
    info = probe.probe(str(path))
    t = transcribe.transcribe(str(path), AsrOptions(model="tiny.en"))
    return info.duration, t


def test_a_truncated_file_is_transcribed_and_flagged(mp3s):
    declared, t = _decode(mp3s / "truncated.mp3")
    assert declared == pytest.approx(4.0, abs=0.1) and t.duration < 1.5
    assert probe.media_warnings(declared, t.duration, t.decode_errors) == ["truncated"]


def test_damaged_packets_are_skipped_and_counted(mp3s):
    declared, t = _decode(mp3s / "corrupt.mp3")
    assert t.decode_errors >= 1 and t.duration > 2.5  # what follows the damage still decodes
    assert "decode_errors" in probe.media_warnings(declared, t.duration, t.decode_errors)


def test_an_intact_file_has_no_warning(mp3s):
    declared, t = _decode(mp3s / "whole.mp3")
    assert t.decode_errors == 0 and probe.media_warnings(declared, t.duration, t.decode_errors) == []
    assert "superlative" in t.text.lower()


@pytest.mark.e2e
def test_the_stored_result_the_text_and_the_viewer_say_it(mp3s, airflow_db, s3, bucket, store):
    from linguaflow.api.viewer import task_page
    from linguaflow.orchestration.embedded import run_dag
    from linguaflow.results.document import expand
    from linguaflow.results.readable import to_text

    key = f"inbox/{uuid.uuid4().hex}.mp3"
    s3.put_object(Bucket=bucket, Key=key, Body=(mp3s / "truncated.mp3").read_bytes())
    tid = f"damaged-{uuid.uuid4().hex[:10]}"
    dr = run_dag({"media_uri": f"s3://{bucket}/{key}", "target_languages": [], "task_id": tid})
    assert str(dr.state).endswith("success")
    coded = store.get(tid)
    assert coded["_m"]["w"] == "t" and coded["_fl"] is True  # listed among the flagged tasks
    doc = expand(coded)
    assert doc["status"] == "done_with_flags" and doc["media"]["warnings"] == ["truncated"]
    assert doc["media"]["decoded_duration"] < 1.5 and doc["media"]["duration"] == pytest.approx(4.0, abs=0.1)
    assert "warning: the media is truncated" in to_text(doc)
    assert "id='media-warning'" in task_page(doc)
