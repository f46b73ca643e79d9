"""Languages: the one home of their rules.

What a caller may write for a language (`language()`: codes case-insensitive, regions dropped,
English and native names -> codes, an unknown one refused with the closest supported ones), and
the versioned code map (ISO 639-1 or Whisper's name -> short code) the stored documents use.

Codes are append-only: a code once given never changes meaning, so every stored document can be
expanded with the map version it records (`_v`). What else a version changed (state codes) is
in `results/document.py`, the only reader and writer of coded documents.
"""

from __future__ import annotations

import difflib
import functools
import os

from .errors import BadInput
from .settings import settings

CODE_MAP_VERSION = 5

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
    3: {lang: str(i + 1) for i, lang in enumerate(_V1)},  # v3 added flag letters only
    4: {lang: str(i + 1) for i, lang in enumerate(_V1)},  # v4 added the media warning speakers_uncertain only
    5: {lang: str(i + 1) for i, lang in enumerate(_V1)},  # v5 added the flag low_quality and quality estimates only
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


@functools.cache
def _language_index() -> dict[str, str]:
    """Lower-cased code, English name and native name -> supported code.

    Building it loads a hundred babel locales (~0.7 s), so it is kept as JSON in the model cache,
    per babel and code-map version, and a plain code never needs it (`language`)."""
    import json
    from importlib.metadata import version

    cached = settings().model_cache_dir / f"language-index-babel{version('babel')}-v{CODE_MAP_VERSION}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    index = _build_language_index()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cached)
    except OSError:  # a read-only cache: build it each time
        pass
    return index


def _build_language_index() -> dict[str, str]:
    from babel import Locale, UnknownLocaleError

    index: dict[str, str] = {}
    for code in supported_languages():
        index[code] = code
        try:
            locale = Locale.parse({"jw": "jv", "haw": "haw"}.get(code, code))
        except (UnknownLocaleError, ValueError):
            continue
        for name in (locale.get_display_name("en"), locale.get_display_name(), locale.english_name):
            if name:
                index.setdefault(name.lower(), code)
                index.setdefault(name.split(" (")[0].lower(), code)
    index.update({"chinese": "zh", "mandarin": "zh", "cantonese": "yue", "norwegian": "no", "javanese": "jw"})
    return index


def language(value: str) -> str:
    """A language code or name -> the supported code; BadInput with the closest ones otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"language must be a non-empty string, not {value!r}")
    key = value.strip().lower().replace("_", "-")
    codes = supported_languages()
    if key in codes:  # the common case, without the name index
        return key
    if key.split("-")[0] in codes and len(key.split("-")[0]) <= 3:  # zh-CN, pt-BR: the language, not the region
        return key.split("-")[0]
    index = _language_index()
    if key in index:
        return index[key]
    close = difflib.get_close_matches(key, list(index), n=3, cutoff=0.6)
    hint = f"; closest: {', '.join(dict.fromkeys(index[c] for c in close))}" if close else ""
    raise BadInput(f"unsupported language {value[:40]!r}{hint}")
