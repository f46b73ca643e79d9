"""The versioned code map of languages: ISO 639-1 (or Whisper's) name -> short code.

Codes are append-only: a code once given never changes meaning, so every stored document can be
expanded with the map version it records (`_v`). What else a version changed (state codes) is
in `results/document.py`, the only reader and writer of coded documents.
"""

from __future__ import annotations

from .errors import BadInput

CODE_MAP_VERSION = 2

# Version 1: zh=1, en=2 as in the seed, then the rest of Whisper's languages.
_V1 = (
    "zh en ja de fr es ko ru pt it ar hi nl tr pl sv id vi th uk cs ro el hu da fi no he ms fa "
    "ca ta ur bn te ml mr gu kn pa sk sl hr sr bg lt lv et is mk bs sq az be ka hy kk uz tg ky "
    "mn ne si km lo my am sw yo so ha ln sn zu af cy ga eu gl br la lb fo mt oc sa bo tl tk tt "
    "ba haw jw su mg ht ps sd as yue yi nn mi"
).split()

LANGUAGE_CODES: dict[int, dict[str, str]] = {
    1: {lang: str(i + 1) for i, lang in enumerate(_V1)},
    2: {lang: str(i + 1) for i, lang in enumerate(_V1)},  # v2 changed state codes only
}


def language_code(lang: str, version: int = CODE_MAP_VERSION) -> str:
    """ISO 639-1 (or Whisper's) language name -> short code; unknown languages are bad input."""
    try:
        return LANGUAGE_CODES[version][lang]
    except KeyError:
        raise BadInput(f"unsupported language {lang!r} (code map v{version})") from None


def language_of(code: str, version: int = CODE_MAP_VERSION) -> str:
    for lang, c in LANGUAGE_CODES[version].items():
        if c == code:
            return lang
    raise KeyError(f"no language with code {code!r} in code map v{version}")


def supported_languages(version: int = CODE_MAP_VERSION) -> list[str]:
    return list(LANGUAGE_CODES[version])
