"""The request model's normalisation: codes and names, duplicates, caps, readable refusals."""

import pytest

from linguaflow.errors import BadInput
from linguaflow.request import MediaRequest
from linguaflow.languages import language


@pytest.mark.parametrize("given,code", [
    ("de", "de"), ("DE", "de"), (" De ", "de"), ("German", "de"), ("deutsch", "de"), ("Deutsch", "de"),
    ("Chinese", "zh"), ("中文", "zh"), ("zh-CN", "zh"), ("zh_TW", "zh"), ("Japanese", "ja"), ("日本語", "ja"),
    ("français", "fr"), ("Spanish", "es"), ("español", "es"), ("pt-BR", "pt"), ("Cantonese", "yue"),
])
def test_codes_and_names_map_to_one_code(given, code):
    assert language(given) == code


def test_unknown_language_is_refused_with_the_closest():
    with pytest.raises(BadInput, match=r"unsupported language 'Germn'; closest: de"):
        language("Germn")
    with pytest.raises(BadInput, match=r"unsupported language 'xx'"):
        language("xx")


def test_request_normalises_and_caps(monkeypatch):
    req = MediaRequest.parse({"media_uri": "s3://b/a.wav", "target_languages": ["de", "German", "ZH"], "source_language": "AUTO"})
    assert req.target_languages == ["de", "zh"] and req.source_language == "auto"
    monkeypatch.setenv("LINGUAFLOW_MAX_TARGET_LANGUAGES", "2")
    with pytest.raises(BadInput, match="3 target languages; at most 2"):
        MediaRequest.parse({"media_uri": "s3://b/a.wav", "target_languages": ["de", "fr", "ja"]})


def test_refusals_are_readable_and_never_echo_large_input():
    with pytest.raises(BadInput) as err:
        MediaRequest.parse({"media_uri": "", "asr_engine": "x" * 10_000, "bogus": 1})
    text = str(err.value)
    assert "media_uri" in text and "asr_engine" in text and "bogus" in text and len(text) < 1000


def test_task_id_rule():
    req = MediaRequest.parse({"media_uri": "s3://b/a.wav"})
    assert req.task_id_for("manual__2026-11-25T00:00:00+00:00") == "manual__2026-11-25T00:00:00+00:00"
    with pytest.raises(BadInput, match="invalid task id"):
        req.task_id_for("../etc")
    with pytest.raises(BadInput, match="task_id"):
        MediaRequest.parse({"media_uri": "s3://b/a.wav", "task_id": "a/b"})


def test_speaker_range_and_names_are_checked_and_need_diarize():
    base = {"media_uri": "s3://b/x.wav", "target_languages": []}
    r = MediaRequest.parse({**base, "diarize": True, "min_speakers": 2, "max_speakers": 4,
                            "speaker_names": ["  Front   desk ", "Guest"]})
    assert (r.min_speakers, r.max_speakers, r.speaker_names) == (2, 4, ["Front desk", "Guest"])
    for bad, says in (({"min_speakers": 2}, "only with diarize"), ({"diarize": True, "min_speakers": 4, "max_speakers": 2}, "more than"),
                      ({"diarize": True, "num_speakers": 5, "max_speakers": 3}, "outside"),
                      ({"diarize": True, "speaker_names": ["Ann", "Ann"]}, "must differ"),
                      ({"diarize": True, "speaker_names": ["<script>"]}, "without < > &"),
                      ({"diarize": True, "max_speakers": 21}, "max_speakers")):
        with pytest.raises(BadInput, match=says):
            MediaRequest.parse({**base, **bad})
