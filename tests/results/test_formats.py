"""The output-format registry: a format registered once is offered by the CLI, the task API, the
viewer and the ASR service (one module and one registration, nothing else to touch)."""

from __future__ import annotations

import uuid

import pytest

from linguaflow.errors import BadInput
from linguaflow.results import formats
from linguaflow.results.document import compact


def _doc(tid: str) -> dict:
    return {"task_id": tid, "code_map_version": 2, "status": "done", "source_language": "en",
            "media": {"uri": "s3://b/a.wav", "duration": 4.0},
            "segments": [{"id": "0", "start": 0.0, "end": 1.5}, {"id": "1", "start": 2.0, "end": 4.0}],
            "models": {"asr": "m"},
            "languages": {"en": {"status": "done", "model": "m", "audio": {"0": "hello", "1": "world"}, "text": {}},
                          "de": {"status": "done", "model": "m", "audio": {"0": "hallo", "1": "Welt"}, "text": {}}},
            "created": "c", "updated": "u"}


def _timed_lines(segments, texts) -> str:
    return "".join(f"{s['start']:.1f}\t{texts[s['id']]}\n" for s in segments)


@pytest.fixture
def toy():
    """A toy one-language format ("tsv": start time, tab, text), as a plugin would add one."""
    fmt = formats.register(formats.OutputFormat(
        "tsv", "start times and texts, tab separated", "text/tab-separated-values; charset=utf-8",
        formats.subtitles(_timed_lines), suffix="tsv", one_language=True, from_segments=_timed_lines))
    yield fmt
    formats.unregister("tsv")


def test_a_registered_format_renders_a_stored_result(toy):
    coded = compact(_doc("fmt-1"))
    assert formats.render(coded, "tsv", ["de"]) == "0.0\thallo\n2.0\tWelt\n"
    assert formats.render(coded, "tsv", ["German"]) == "0.0\thallo\n2.0\tWelt\n"  # names are normalised
    with pytest.raises(BadInput, match="one language"):
        formats.render(coded, "tsv", None)
    formats.unregister("tsv")
    with pytest.raises(BadInput, match="unknown format 'tsv'"):
        formats.render(coded, "tsv", ["de"])


def test_builtin_formats_for_several_languages():
    coded = compact(_doc("fmt-2"))
    assert set(formats.render(coded, "json", ["de", "en"])["languages"]) == {"de", "en"}
    assert formats.render(coded, "coded", ["de"]) == {"4": coded["4"]}
    text = formats.render(coded, "text", ["de"])
    assert "hallo" in text and "hello" not in text


def test_the_text_shows_each_segments_quality_estimate_and_the_languages_mean():
    doc = _doc("fmt-3")
    doc["code_map_version"] = 5
    doc["languages"]["de"] |= {"status": "done_with_flags", "flags": {"1": ["low_quality"]},
                               "reasons": {"1": "the model doubts this translation (estimate 0.10, below 0.24)"},
                               "quality": {"0": 0.8, "1": 0.1}}
    text = formats.render(compact(doc), "text", ["de"])
    assert "quality estimate 0.45 on average" in text
    assert "hallo  (estimate 0.80)" in text and "Welt  [low quality: the model doubts this translation (estimate 0.10" in text


def test_a_registered_format_is_offered_by_the_cli(toy):
    from linguaflow.cli import local_run, parser

    args = parser().parse_args(["run", "talk.wav", "--format", "tsv", "--out", "talk.tsv"])
    assert args.format == "tsv"
    assert "tsv" in parser().format_help() or "tsv" in _subcommand_help("run")
    assert "tsv" in _subcommand_help("result")
    assert formats.by_suffix(".tsv") is toy  # --out talk.tsv picks it
    # `linguaflow run` prints a one-language format in the spoken language when no --lang is given
    assert local_run.render(compact(_doc("fmt-3")), "tsv", None) == "0.0\thello\n2.0\tworld\n"


def _subcommand_help(name: str) -> str:
    import argparse

    from linguaflow.cli import parser

    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name].format_help()


def test_a_registered_format_is_offered_by_the_asr_service(toy):
    from linguaflow.asr_service import formats as service_formats
    from linguaflow.speech.types import Segment, Transcript

    assert "tsv" in service_formats.names()
    t = Transcript(language="en", language_probability=1.0, duration=4.0, engine="e", model="m", compute_type="int8",
                   segments=[Segment(id="0", start=0.0, end=1.5, text="hello")])
    assert service_formats.render(t, "tsv", "transcribe", set()) == "0.0\thello\n"
    assert service_formats.media_type("tsv").startswith("text/tab-separated-values")


def test_a_registered_format_is_served_by_the_task_api_and_linked_by_the_viewer(api, store, toy):
    client, admin, _ = api
    tid = f"fmt-{uuid.uuid4().hex}"
    store.put(compact(_doc(tid)))
    r = client.get(f"/linguaflow/tasks/{tid}/result?format=tsv&lang=de", headers=admin)
    assert r.status_code == 200 and r.text == "0.0\thallo\n2.0\tWelt\n"
    assert r.headers["content-type"].startswith("text/tab-separated-values")
    assert client.get(f"/linguaflow/tasks/{tid}/result?format=tsv", headers=admin).status_code == 400  # no language
    page = client.get(f"/linguaflow/view/{tid}", headers=admin).text
    assert "result?format=tsv&amp;lang=de" in page and ">TSV<" in page
    formats.unregister("tsv")
    assert client.get(f"/linguaflow/tasks/{tid}/result?format=tsv&lang=de", headers=admin).status_code == 422
