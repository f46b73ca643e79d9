"""A task's glossary: how given terms must be rendered in each target language, and the check that
they were.

The request's `glossary` maps a source term to `"keep"` (a name or brand, kept as written in every
language) or to its rendering per language (`{"de": "Rechnung", "ja": "請求書"}`). Chat-model
routes are told the renderings of the terms in each batch; every route's output is then checked:
a segment whose source holds a term and whose translation lacks its rendering is flagged
`glossary` (kept, not failed), after one more try alone.
"""

from __future__ import annotations

import re
import unicodedata

KEEP = "keep"
FLAG = "glossary"
MAX_TERMS = 200
MAX_TERM_CHARS = 100



def renderings(glossary: dict | None, target: str) -> dict[str, str]:
    """{source term: how it must read in `target`} (terms without a rendering there are left out)."""
    out = {}
    for term, value in (glossary or {}).items():
        if value == KEEP:
            out[term] = term
        elif isinstance(value, dict) and value.get(target):
            out[term] = value[target]
    return out


_LATIN = r"[0-9a-z\u00c0-\u024f]"
_LATIN_TERM = re.compile(r"[0-9a-z\u00c0-\u024f\s.\-'&]+")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _occurs(term: str, text: str) -> bool:
    """A term in a text: as whole words where it is written with word characters, else anywhere
    (CJK has no spaces)."""
    term, text = _fold(term), _fold(text)
    if _LATIN_TERM.fullmatch(term):  # a Latin-script term is a whole word, even beside CJK ("acme製品")
        return re.search(rf"(?<!{_LATIN}){re.escape(term)}(?!{_LATIN})", text) is not None
    return term in text


def terms_in(text: str, terms: dict[str, str]) -> dict[str, str]:
    """The glossary entries whose source term occurs in `text`."""
    return {t: r for t, r in terms.items() if _occurs(t, text)}


def instruction(terms: dict[str, str]) -> str:
    """One line for a chat model's system prompt."""
    pairs = "; ".join(f'"{t}" -> "{r}"' for t, r in terms.items())
    return f" Use exactly these renderings of terms: {pairs}."


def rendered(translation: str, rendering: str) -> bool:
    """The rendering in the translation, case-insensitive and allowing inflected endings
    ("Rechnung" in "Rechnungen")."""
    return _fold(rendering) in _fold(translation)


def check(items: list[tuple[str, str]], out: list[tuple[str, str]], terms: dict[str, str]) -> dict[str, list[str]]:
    """{item id: ["glossary"]} for translations missing the rendering of a term of their source."""
    if not terms:
        return {}
    sources = dict(items)
    flags = {}
    for item_id, text in out:
        wanted = terms_in(sources.get(item_id, ""), terms)
        if any(not rendered(text, r) for r in wanted.values()):
            flags[item_id] = [FLAG]
    return flags
