"""The output check: every translated segment is in the target language, or flagged."""

import pytest

from linguaflow.translation.check import UNTRANSLATED, WRONG_LANGUAGE, check, flags_for

SOURCE = "The meeting has moved to room four."


@pytest.mark.parametrize("target,text,expected", [
    ("de", "Das Meeting wurde in Raum vier verlegt.", []),
    ("de", "Die Meeting hat moved to room four.", [UNTRANSLATED]),  # half English: still English
    ("ja", SOURCE, [UNTRANSLATED]),  # a verbatim copy
    ("ja", "the meeting has moved to room four", [UNTRANSLATED]),  # a copy, but for case and punctuation
    ("ja", "", [UNTRANSLATED]),
    ("ja", "会議は4号室に変更になりました。", []),
    ("ja", "会议改到四号会议室了。", [WRONG_LANGUAGE]),  # Chinese, not Japanese
    ("de", "La réunion a été déplacée dans la salle quatre.", [WRONG_LANGUAGE]),
    ("fr", "La réunion a été déplacée dans la salle quatre.", []),
    ("es", "La reunión se ha trasladado a la sala cuatro.", []),
    ("zh", "会议改到四号会议室了。", []),
])
def test_segments_in_the_wrong_language_are_flagged(target, text, expected):
    assert flags_for(SOURCE, text, "en", target) == expected


def test_short_sources_may_stay_as_they_are():
    assert flags_for("OK.", "OK.", "en", "de") == [] and flags_for("iPhone 15", "iPhone 15", "en", "ja") == []


def test_check_names_only_the_flagged_items():
    items = [("0", SOURCE), ("1", "See you next week at the same time."), ("T:title", "Quarterly review meeting notes")]
    out = [("0", "Das Meeting wurde in Raum vier verlegt."), ("1", "See you next week at the same time."),
           ("T:title", "Notizen zur Quartalsbesprechung")]
    assert check(items, out, "en", "de") == {"1": [UNTRANSLATED]}
