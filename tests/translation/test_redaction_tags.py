"""Redaction tags through translation: a route is told to keep them, a segment that loses or
alters one is asked again alone, and flagged `redaction` when the second answer loses it too."""

import json

from linguaflow.translation import check, router, sentences

from test_translation import Scripted  # noqa: F401 - the scripted OpenAI-compatible endpoint
from test_translation import scripted  # noqa: F401

ITEMS = [("1", "Hi, this is [PERSON_1], call me on [PHONE_1] today."), ("2", "The weather is fine in the city again.")]


def _route(monkeypatch, scripted):  # noqa: F811
    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({"de": {"backend": "openai", "model": "m", "options": {"base_url": scripted.url}}}))


def test_a_lost_tag_is_asked_again_and_kept_when_the_route_follows(scripted, monkeypatch):  # noqa: F811
    _route(monkeypatch, scripted)
    first = {"1": "Hallo, hier ist [PERSON_1], rufen Sie mich heute an.", "2": "Das Wetter in der Stadt ist wieder gut."}
    second = {"1": "Hallo, hier ist [PERSON_1], rufen Sie mich heute unter [PHONE_1] an."}
    scripted.replies = [(200, json.dumps(first), 0), (200, json.dumps(second), 0)]
    out, _, found = router.translate_checked(ITEMS, "en", "de")
    assert found == {} and dict(out)["1"] == second["1"]
    assert '"[PHONE_1]" -> "[PHONE_1]"' in scripted.bodies[0]["messages"][0]["content"]  # told from the start
    assert '"[PHONE_1]"' in scripted.bodies[1]["messages"][0]["content"]  # and again


def test_a_tag_lost_twice_is_flagged_with_its_name(scripted, monkeypatch):  # noqa: F811
    _route(monkeypatch, scripted)
    first = {"1": "Hallo, hier ist Peter, rufen Sie mich heute an.", "2": "Das Wetter in der Stadt ist wieder gut."}
    scripted.replies = [(200, json.dumps(first), 0), (200, json.dumps({"1": first["1"]}), 0)]
    _, _, found = router.translate_checked(ITEMS, "en", "de")
    assert check.flag_names(found) == {"1": ["redaction"]}
    assert found["1"][0].reason == "redaction tags lost: [PERSON_1] [PHONE_1]"


def test_a_tag_added_or_altered_is_flagged_and_tags_are_not_names_or_numbers():
    assert [f.flag for f in check.meaning_findings(ITEMS[0][1], "Hallo, hier ist [PERSON_2], Nummer [PHONE_1].", "en", "de")] == ["redaction"]
    assert check.meaning_findings(ITEMS[0][1], "Hallo, hier ist [PERSON_1], rufen Sie heute [PHONE_1] an.", "en", "de") == []


def test_a_tag_is_never_cut_between_segments_of_a_language_without_spaces():
    group = [("1", "Please call [PERSON_1]"), ("2", "now on [PHONE_1].")]
    pieces = sentences.split_back(group, "请现在打电话给[PERSON_1]，电话[PHONE_1]。", "zh")
    assert "".join(t for _, t in pieces).count("[PERSON_1]") == 1
    assert all(t.count("[") == t.count("]") for _, t in pieces)
