"""Whole sentences across Whisper's segments: joined for translation, split back onto the segments."""

from linguaflow.translation import router, sentences

from conftest import stored_transcript
from test_translation import Scripted  # noqa: F401 - the scripted OpenAI-compatible endpoint
from test_translation import scripted  # noqa: F401

SEGMENTS = [("0", "When the meeting ends"), ("1", "we will send the report."), ("2", ""), ("3", "Is it raining?"),
            ("4", "and then")]


def test_segments_are_joined_up_to_a_sentence_end_and_empty_ones_stay_alone():
    groups = [[i for i, _ in g] for g in sentences.join(SEGMENTS)]
    assert groups == [["0", "1"], ["2"], ["3"], ["4"]]
    long = [(str(n), "and so on") for n in range(10)]
    assert max(len(g) for g in sentences.join(long)) == sentences.MAX_SEGMENTS


def test_a_translation_is_split_back_in_proportion_at_word_or_character_boundaries():
    group = [("0", "When the meeting ends"), ("1", "we will send the report.")]
    de = sentences.split_back(group, "Wenn das Treffen endet, senden wir den Bericht.", "de")
    assert [i for i, _ in de] == ["0", "1"] and " ".join(t for _, t in de) == "Wenn das Treffen endet, senden wir den Bericht."
    assert de[0][1] == "Wenn das Treffen endet,"  # cut at the comma near the proportional point
    zh = sentences.split_back(group, "会议结束后，我们将发送报告。", "zh")
    assert "".join(t for _, t in zh) == "会议结束后，我们将发送报告。" and zh[0][1].endswith("，")


def test_the_pipeline_way_keeps_ids_and_never_recuts_the_source(monkeypatch):
    calls = []

    def fake_checked(items, source, target, **kw):
        calls.append(items)
        return [(i, t.upper()) for i, t in items], "r", ({"0": ["untranslated"]} if source != target else {})

    audio, texts, route, flags = sentences.translate(fake_checked, SEGMENTS, [("T:title", "Q3")], "en", "de")
    assert [i for i, _ in audio] == ["0", "1", "2", "3", "4"] and texts == [("T:title", "Q3")]
    assert calls[0][0] == ("0", "When the meeting ends we will send the report.")  # one sentence, translated whole
    assert flags == {"0": ["untranslated"], "1": ["untranslated"]}  # a sentence's flag on each of its segments
    same = sentences.translate(router.translate_checked, SEGMENTS, [], "en", "en")
    assert same[0] == SEGMENTS and same[2] == "source"


def test_translate_step_stores_a_flagged_sentence_on_each_of_its_segments(scripted, monkeypatch, store, bucket):  # noqa: F811
    import json
    import uuid

    from linguaflow import pipeline
    from linguaflow.results.document import expand

    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({"de": {"backend": "openai", "model": "m", "options": {"base_url": scripted.url}}}))
    tid = f"sent-{uuid.uuid4().hex[:8]}"
    segs = [{"id": "0", "start": 0.0, "end": 2.0, "text": "When the meeting ends"},
            {"id": "1", "start": 2.0, "end": 4.0, "text": "we will send the report."}]
    transcript = stored_transcript(tid, segs, 4.0)
    copy = "When the meeting ends we will send the report."  # the model echoes the English, twice
    scripted.replies = [(200, json.dumps({"0": copy, "T:title": "Quartalsbericht"}), 0), (200, json.dumps({"0": copy}), 0)]
    pipeline.translate_step(tid, transcript, "de", {"title": "Quarterly report"}, store=store)
    de = expand(store.get(tid))["languages"]["de"]
    assert de["status"] == "done_with_flags" and de["flags"] == {"0": ["untranslated"], "1": ["untranslated"]}
    assert " ".join(de["audio"][i] for i in ("0", "1")) == copy and de["text"] == {"title": "Quartalsbericht"}
    assert scripted.bodies[0]["messages"][-1]["content"].count("When the meeting ends we will send the report.") == 1


def test_segments_are_translated_from_their_own_language_and_kept_in_it(scripted, monkeypatch, store, bucket):  # noqa: F811
    """Mixed-language speech: a segment spoken in another language is translated from that one,
    and kept as spoken where the target is its language."""
    import json
    import uuid

    from linguaflow import pipeline
    from linguaflow.results import document

    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({lang: {"backend": "openai", "model": "m", "options": {"base_url": scripted.url}}
                                                       for lang in ("ja", "de")}))
    tid = f"mixed-{uuid.uuid4().hex[:8]}"
    segs = [{"id": "0", "start": 0.0, "end": 2.0, "text": "Good morning everyone, thank you for coming."},
            {"id": "1", "start": 2.0, "end": 4.0, "text": "おはようございます。今日は新しいプロジェクトについて話します。", "language": "ja"}]
    transcript = stored_transcript(tid, segs, 4.0)
    scripted.replies = [(200, json.dumps({"0": "皆さん、おはようございます。来てくれてありがとう。"}), 0)]
    pipeline.translate_step(tid, transcript, "ja", {}, store=store)
    assert len(scripted.bodies) == 1 and "おはようございます。今日は" not in json.dumps(scripted.bodies[0], ensure_ascii=False)
    ja = document.expand(store.get(tid))["languages"]["ja"]
    assert ja["audio"]["1"] == segs[1]["text"] and ja["audio"]["0"].startswith("皆さん")  # its own language: kept
    scripted.replies = [(200, json.dumps({"0": "Guten Morgen zusammen, danke fürs Kommen."}), 0),
                        (200, json.dumps({"1": "Guten Morgen. Heute sprechen wir über das neue Projekt."}), 0)]
    pipeline.translate_step(tid, transcript, "de", {}, store=store)
    prompts = [json.dumps(b, ensure_ascii=False) for b in scripted.bodies[1:]]
    assert len(prompts) == 2 and "Japanese" in prompts[1] and "おはようございます" in prompts[1]  # from Japanese
    de = document.expand(store.get(tid))["languages"]["de"]
    assert list(de["audio"]) == ["0", "1"] and de["audio"]["1"].startswith("Guten Morgen. Heute")
