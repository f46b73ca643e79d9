"""The plain-text form: languages and states by name, one timed line per segment, flags said."""

from linguaflow.results.readable import language_name, to_text


def _doc():
    return {
        "task_id": "t-1", "status": "done_with_flags", "source_language": "en", "media": {"uri": "file:///a.wav", "duration": 65.0},
        "segments": [{"id": "0", "start": 0.0, "end": 2.5}, {"id": "1", "start": 61.25, "end": 64.0}],
        "languages": {
            "ja": {"status": "done_with_flags", "model": "m", "audio": {"0": "こんにちは", "1": "Good morning"},
                   "text": {"title": "題名"}, "flags": {"1": ["untranslated"]}},
            "en": {"status": "done", "model": "w", "audio": {"0": "Hello", "1": "Good morning"}, "text": {"title": "Title"}},
            "de": {"status": "failed", "model": None, "audio": {}, "text": {}, "error": "model unavailable"},
        },
    }


def test_text_names_languages_and_states_and_marks_flags():
    text = to_text(_doc())
    lines = text.splitlines()
    assert lines[0] == "task t-1: done with flags, spoken English, 65.0 s of media"
    # the spoken language first, then the others by code
    heads = [line for line in lines if line.endswith(("done", "done with flags")) or "failed" in line]
    assert heads == ["English (en) transcript: done", "German (de) translation: failed (model unavailable)",
                         "Japanese (ja) translation: done with flags"]
    assert "[00:00.0 → 00:02.5] Hello" in lines and "[01:01.2 → 01:04.0] Good morning  [untranslated]" in lines
    assert "title: 題名" in lines


def test_text_of_chosen_languages_only():
    text = to_text(_doc(), ["ja"])
    assert "Japanese (ja)" in text and "English (en)" not in text and "German" not in text


def test_language_names():
    assert language_name("de") == "German" and language_name("zh") == "Chinese" and language_name("jw") == "Javanese"
    assert language_name("xx") == "xx"


def test_a_redaction_is_summed_up_by_type_never_by_value():
    from linguaflow.results.readable import redaction_summary

    found = [{"type": "person", "segment": "0", "start": 1.0, "end": 2.0}, {"type": "phone", "segment": "0", "start": 3.0, "end": 5.0},
             {"type": "person", "segment": "T:title", "start": None, "end": None}]
    assert redaction_summary({"found": found}) == "redacted: 2 person, 1 phone"
    assert redaction_summary({"found": [], "audio": "s3://b/a.flac", "patterns_only": ["de"]}) == \
        "redacted: nothing found (the audio too); names not searched in German (patterns only)"
