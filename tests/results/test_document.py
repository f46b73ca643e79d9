import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from linguaflow.languages import CODE_MAP_VERSION, language_code, language_of, supported_languages
from linguaflow.errors import BadInput
from linguaflow.results.document import (MEDIA_WARNING_CODES, FLAG_CODES, STATES, compact, expand, language_errors, language_states,
                                         quality_summaries, state_of, summary)

import pytest

ids = st.text(alphabet="abcdefghij0123456789_-", min_size=1, max_size=6)
texts = st.text(max_size=40)
langs = st.sampled_from(supported_languages())


@st.composite
def documents(draw):
    seg_ids = draw(st.lists(ids, unique=True, max_size=6))
    segments = [
        {"id": i, "start": draw(st.floats(0, 1e4, allow_nan=False)), "end": draw(st.floats(0, 1e4, allow_nan=False))}
        for i in seg_ids
    ]
    languages = {}
    for lang in draw(st.lists(langs, unique=True, min_size=1, max_size=4)):
        status = draw(st.sampled_from(STATES))
        entry = {
            "status": status,
            "model": draw(st.none() | st.text(max_size=10)),
            "audio": {i: draw(texts) for i in seg_ids},
            "text": draw(st.dictionaries(ids, texts, max_size=3)),
        }
        if status == "failed":
            entry["error"] = draw(st.text(max_size=20))
        if draw(st.booleans()):
            entry["flags"] = draw(st.dictionaries(ids, st.lists(st.sampled_from(list(FLAG_CODES)), min_size=1, max_size=2),
                                                  min_size=1, max_size=3))
            if draw(st.booleans()):  # why, in words, for some of them
                entry["reasons"] = {i: draw(st.text(min_size=1, max_size=30)) for i in entry["flags"]}
        if seg_ids and draw(st.booleans()):  # quality estimates, in hundredths
            entry["quality"] = {i: draw(st.integers(0, 100)) / 100 for i in seg_ids}
        languages[lang] = entry
    doc = {
        "task_id": draw(ids),
        "code_map_version": CODE_MAP_VERSION,
        "status": draw(st.sampled_from(STATES)),
        "source_language": draw(st.none() | langs),
        "media": {"uri": draw(st.text(max_size=20)), "duration": draw(st.floats(0, 1e5, allow_nan=False))},
        "segments": segments,
        "models": {"asr": draw(st.none() | st.text(max_size=10))},
        "languages": languages,
        "created": "2026-11-24T00:00:00.000+00:00",
        "updated": "2026-11-24T00:00:01.000+00:00",
    }
    if draw(st.booleans()):
        doc["error"] = draw(st.text(max_size=20))
    warnings = draw(st.lists(st.sampled_from(list(MEDIA_WARNING_CODES)), unique=True, max_size=3))
    if warnings:  # what is wrong with the media, and what was heard in it
        doc["media"]["warnings"] = warnings
        if {"truncated", "decode_errors"} & set(warnings):
            doc["media"].update(decoded_duration=draw(st.none() | st.floats(0, 1e5, allow_nan=False)),
                                decode_errors=draw(st.integers(0, 1000)))
        if "speakers_uncertain" in warnings:
            doc["media"]["speakers_doubt"] = draw(st.none() | st.text(max_size=40))
    if draw(st.booleans()):  # a redacted task: what and where, never the values
        doc["redaction"] = {
            "types": draw(st.lists(st.sampled_from(["person", "phone", "email", "card"]), unique=True, min_size=1)),
            "style": draw(st.sampled_from(["numbered", "type"])),
            "found": [{"type": draw(st.sampled_from(["person", "phone"])), "segment": i,
                       "start": draw(st.floats(0, 1e4, allow_nan=False)), "end": draw(st.floats(0, 1e4, allow_nan=False))}
                      for i in draw(st.lists(st.sampled_from(seg_ids), max_size=3))] if seg_ids else [],
            "patterns_only": draw(st.lists(langs, unique=True, max_size=2)),
        }
        doc["redaction"]["found"] += [{"type": "person", "segment": f"T:{i}", "start": None, "end": None}  # text items
                                      for i in draw(st.lists(ids, max_size=2))]
        for key in ("audio", "original"):
            if draw(st.booleans()):
                doc["redaction"][key] = "s3://b/work/" + draw(ids)
    return doc


@settings(max_examples=300, deadline=None)
@given(documents())
def test_expand_inverts_compact(doc):
    coded = compact(doc)
    assert expand(coded) == doc
    # survives a JSON round trip too (what Redis and object storage hold)
    assert expand(json.loads(json.dumps(coded))) == doc


def test_coded_shape_follows_the_seed():
    doc = {
        "task_id": "t1", "code_map_version": 1, "status": "done", "source_language": "en",
        "media": {"uri": "s3://b/a.wav", "duration": 4.0},
        "segments": [{"id": "0", "start": 0.0, "end": 4.0}],
        "models": {"asr": "faster-whisper/base/int8"},
        "languages": {
            "en": {"status": "done", "model": "asr", "audio": {"0": "hello"}, "text": {"title": "Hi"}},
            "zh": {"status": "done", "model": "llm", "audio": {"0": "你好"}, "text": {"title": "嗨"}},
        },
        "created": "c", "updated": "u",
    }
    coded = compact(doc)
    assert coded["1"] == {"0": {"A": "你好"}, "title": {"T": "嗨"}}  # zh = 1
    assert coded["2"] == {"0": {"A": "hello"}, "title": {"T": "Hi"}}  # en = 2
    assert coded["_src"] == "2" and coded["_t"] == {"0": [0.0, 4.0]}


def test_code_map_is_stable_and_rejects_unknown():
    assert language_code("zh") == "1" and language_code("en") == "2"
    assert all(language_of(language_code(l)) == l for l in supported_languages())
    assert len(set(language_code(l) for l in supported_languages())) == len(supported_languages())
    with pytest.raises(BadInput, match="unsupported language 'xx'"):
        language_code("xx")


def test_compact_refuses_a_malformed_document():
    from pydantic import ValidationError

    bad = {"task_id": "t", "code_map_version": 1, "status": "finished", "source_language": "en",
           "media": {"uri": "u", "duration": 1.0}, "segments": [], "models": {}, "languages": {},
           "created": "c", "updated": "u"}
    with pytest.raises(ValidationError, match="status"):
        compact(bad)


FIXTURES = Path(__file__).parent / "fixtures"


def test_a_stored_v1_document_stays_readable():
    """Written by the v1 code (states r/d/f/c, per language p/d/f:); read by today's code."""
    fixture = json.loads((FIXTURES / "result_v1.json").read_text())
    coded, old = fixture["coded"], fixture["expanded_by_v1_code"]
    doc = expand(coded)
    assert doc["code_map_version"] == 1 and doc["status"] == "failed" and doc["error"] == old["error"]
    assert doc["languages"]["zh"]["audio"] == {"0": "你好", "1": "再见"} and doc["languages"]["en"]["text"] == {"title": "Hi"}
    assert doc["languages"]["ja"]["status"] == "queued"  # v1's "pending"
    assert doc["languages"]["de"] == {**old["languages"]["de"], "status": "failed"}
    assert {k: v for k, v in doc.items() if k != "languages"} == {k: v for k, v in old.items() if k != "languages"}
    assert language_states(coded) == {"en": "done", "zh": "done", "ja": "queued", "de": "failed"}
    assert language_errors(coded) == {"de": "translate: ServiceUnavailable: 503"}
    assert state_of(coded) == "failed" and summary(coded)["languages"]["ja"] == "queued"


def test_a_stored_v2_document_stays_readable_and_v3_adds_flags_with_reasons():
    """v2 flag letters read the same under v3; v3's new flags and their reasons round-trip."""
    fixture = json.loads((FIXTURES / "result_v2.json").read_text())
    assert expand(fixture["coded"]) == fixture["expanded_by_v2_code"]
    doc = {**fixture["expanded_by_v2_code"], "code_map_version": CODE_MAP_VERSION}
    doc["languages"]["de"] = {**doc["languages"]["de"], "audio": {"0": "Der Zug fährt um 10:30.", "1": "Danke."},
                              "flags": {"0": ["number"]}, "reasons": {"0": "the source says 7:30, the translation 10:30"}}
    coded = compact(doc)
    assert coded["_f"]["4"] == {"0": "d"} and coded["_fr"]["4"] == {"0": "the source says 7:30, the translation 10:30"}
    assert expand(coded) == doc and CODE_MAP_VERSION >= 3


def test_v4_adds_speakers_uncertain_beside_the_damage_warnings():
    """A v3 document's damage warnings read as before; v4's speaker doubt is a media warning with its reason."""
    v3 = {"_id": "t", "_v": 3, "_s": "w", "_src": "2", "_m": {"u": "s3://b/a.wav", "d": 9.0, "w": "t", "x": 4.5, "n": 0},
          "_t": {}, "_e": {"asr": "m"}, "_ls": {"2": "d"}, "2": {}, "_c": "c", "_u": "u"}
    assert expand(v3)["media"] == {"uri": "s3://b/a.wav", "duration": 9.0, "warnings": ["truncated"],
                                   "decoded_duration": 4.5, "decode_errors": 0}
    doc = {**expand(v3), "code_map_version": 4}
    doc["media"] = {"uri": "s3://b/a.wav", "duration": 9.0, "warnings": ["speakers_uncertain"],
                    "speakers_doubt": "3 or 2 speakers: the count was a close call"}
    coded = compact(doc)
    assert coded["_m"] == {"u": "s3://b/a.wav", "d": 9.0, "w": "s", "sd": "3 or 2 speakers: the count was a close call"}
    assert coded["_fl"] is True  # listed among the flagged tasks
    assert expand(coded) == doc


def test_every_state_has_one_code_and_reads_back():
    for state in STATES:
        doc = {"task_id": "t", "code_map_version": CODE_MAP_VERSION, "status": state, "source_language": "en",
               "media": {"uri": "u", "duration": 1.0}, "segments": [], "models": {"asr": None},
               "languages": {"de": {"status": state, "model": None, "audio": {}, "text": {}}},
               "created": "c", "updated": "u"}
        coded = compact(doc)
        assert state_of(coded) == state and language_states(coded) == {"de": state}
    assert len({compact({**doc, "status": s})["_s"] for s in STATES}) == len(STATES)


def test_a_partial_document_reads_with_the_skeleton():
    """v1 code recorded a failure before anything else as a bare document; it still reads."""
    bare = {"_id": "t", "_s": "f", "_err": "probe: BadInput: empty", "_c": "c", "_u": "u"}
    doc = expand(bare)
    assert doc["status"] == "failed" and doc["error"] == "probe: BadInput: empty" and doc["languages"] == {}
    assert doc["code_map_version"] == 1 and doc["segments"] == [] and doc["media"] == {"uri": "", "duration": 0.0}


def test_v5_adds_quality_estimates_and_the_low_quality_flag():
    """A v4 document reads as before; v5 stores each segment's estimate in percent and the flag `q`."""
    v4 = {"_id": "t", "_v": 4, "_s": "w", "_src": "2", "_m": {"u": "s3://b/a.wav", "d": 9.0}, "_t": {"0": [0.0, 2.0]},
          "_e": {"asr": "m", "4": "r"}, "_ls": {"2": "d", "4": "w"}, "2": {"0": {"A": "Hi."}}, "4": {"0": {"A": "Hallo."}},
          "_f": {"4": {"0": "d"}}, "_c": "c", "_u": "u"}
    assert "quality" not in expand(v4)["languages"]["de"] and expand(v4)["languages"]["de"]["flags"] == {"0": ["number"]}
    doc = {**expand(v4), "code_map_version": 5}
    doc["languages"]["de"] = {**doc["languages"]["de"], "flags": {"0": ["low_quality"]},
                              "reasons": {"0": "the model doubts this translation says what the source says (estimate 0.07, below 0.22)"},
                              "quality": {"0": 0.07}}
    coded = compact(doc)
    assert coded["_f"]["4"] == {"0": "q"} and coded["_q"] == {"4": {"0": 7}}
    assert expand(coded) == doc
    assert quality_summaries(coded) == {"de": {"estimated": 1, "low_quality": 1, "mean": 0.07}}
