"""Is a translation really in the target language? A check on every translated segment.

A segment that comes back identical to its source, or still in the source language, is
`untranslated`; one in a third language is `wrong_language`. Flagged segments are kept (with the
flag) rather than failing the language: the rest of a language is never lost to one hard segment.
Language identification is py3langid, whose model ships inside its package (offline), restricted
to the languages in question and the usual wrong answers, and trusted only when it is sure.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata

UNTRANSLATED = "untranslated"
WRONG_LANGUAGE = "wrong_language"

_WORD = re.compile(r"\w+", re.U)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
MIN_WORDS = 3  # shorter sources (names, numbers, "OK.") may rightly stay as they are
SURE = 0.9
COMMON = ("en", "zh", "ja", "de", "fr", "es", "ru", "ko", "pt", "it")  # the usual wrong answers
_lock = threading.Lock()  # the identifier is narrowed to a language pair per call


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _normal(text: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def long_enough(text: str) -> bool:
    """Enough words (or CJK characters) for a language identifier to be trusted on it."""
    return len(_WORD.findall(text)) >= MIN_WORDS or len(_CJK.findall(text)) >= 4


def language_of(text: str, candidates: tuple[str, ...]) -> tuple[str, float]:
    """The most likely of `candidates` for `text`, with its probability (0 when py3langid knows
    fewer than two of them, and cannot tell)."""
    with _lock:
        ident = _identifier()
        try:
            ident.set_languages(list(dict.fromkeys(candidates)))
        except ValueError:  # a language its model does not know
            return candidates[0], 0.0
        if len(ident.labels) < 2:
            return candidates[0], 0.0
        lang, prob = ident.classify(text)
    return lang, float(prob)


def flags_for(source_text: str, translated: str, source: str, target: str) -> list[str]:
    """The flags of one translated segment (empty: it looks translated)."""
    if not source_text.strip() or not long_enough(source_text):
        return []
    if _normal(translated) == _normal(source_text) or not translated.strip():
        return [UNTRANSLATED]
    lang, prob = language_of(translated, (target, source, *COMMON))
    if lang == source and prob >= SURE:
        return [UNTRANSLATED]
    if lang != target and prob >= SURE:
        return [WRONG_LANGUAGE]
    return []


def check(items: list[tuple[str, str]], out: list[tuple[str, str]], source: str, target: str) -> dict[str, list[str]]:
    """{item id: flags} for the translated items that do not look like translations into `target`."""
    sources = dict(items)
    flags = {}
    for item_id, text in out:
        found = flags_for(sources.get(item_id, ""), text, source, target)
        if found:
            flags[item_id] = found
    return flags
