"""Does a translation say what its source says, in the target language? Checks on every segment.

A segment that comes back identical to its source, or still in the source language, is
`untranslated`; one in a third language is `wrong_language` (py3langid, whose model ships inside
its package, restricted to the languages in question and trusted only when it is sure). Then the
meaning checks, cheap and without a model: `number` (a number, time or day lost or changed:
`numbers`; a unit, a part of the day, "next" or "half" lost: `units`), `names` (a name, code,
e-mail or URL lost or altered: `names`), `source_words` (words of the source left as they were
that are not loanwords of the target: wordfreq's frequencies), `script` (letters of a script
foreign to the target: Cyrillic inside German, Latin words inside Chinese that are not the
source's names or codes) and `length` (far shorter or longer than translations into that language
are).
Each finding says why in words, for the reviewer. Flagged segments are kept (with the flag) rather
than failing the language: the rest of a language is never lost to one hard segment. Every check's
precision and recall are measured on bench/data/translation_errors.json (bench/RESULTS.md).
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass

from ..privacy import redact
from . import names, negation, numbers, units

UNTRANSLATED = "untranslated"
WRONG_LANGUAGE = "wrong_language"
NUMBER, NAMES, SCRIPT, LENGTH, SOURCE_WORDS, NEGATION = "number", "names", "script", "length", "source_words", "negation"
REDACTION = "redaction"  # a tag standing for redacted personal data ([PERSON_1]) lost, altered or added
LOW_QUALITY = "low_quality"  # the model's quality estimate below its line (`estimate`, applied by the router)
MEANING = (NUMBER, NAMES, SCRIPT, LENGTH, SOURCE_WORDS, NEGATION)
# A word copied from the source is a loanword of the target ("Hotel", "Team", "Meeting" in German)
# when it is common there: wordfreq's Zipf frequency in the target at least this (chosen on the tuning part).
LOANWORD_ZIPF = 3.5
PLURAL_ZIPF = 3.0  # a plural at least this common is as much a loanword as its singular (chosen on both first parts)

# The scripts a language is written in (Unicode script of each letter, by the start of its name);
# Latin letters are welcome everywhere the source has the same word (a name, a code kept).
SCRIPTS = {
    "zh": ("CJK", "IDEOGRAPHIC"), "ja": ("CJK", "IDEOGRAPHIC", "HIRAGANA", "KATAKANA"), "ko": ("HANGUL", "CJK"), "ru": ("CYRILLIC",),
    "uk": ("CYRILLIC",), "ar": ("ARABIC",), "hi": ("DEVANAGARI",), "th": ("THAI",), "el": ("GREEK",), "he": ("HEBREW",),
}
LATIN = ("LATIN",)
# Length of a translation of English, over its source, in characters, per target (other sources are
# not measured, and not checked: Japanese into German is three times as long): outside these it has lost or
# invented content. Chosen on the tuning part of the error benchmark, outside every correct pair's
# ratio there (de 0.81–1.34, fr 0.80–1.40, es 0.81–1.27, zh 0.21–0.64, ja 0.31–0.85).
LENGTH_RATIO = {"zh": (0.18, 0.7), "ja": (0.25, 0.9), "ko": (0.2, 0.9)}
LENGTH_RATIO_LATIN = (0.7, 1.6)
LENGTH_MIN_SOURCE = 20  # shorter sources vary too much to tell


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a translated segment: its flag and, in words, why."""

    flag: str
    reason: str

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


def _script(char: str) -> str:
    """LATIN, CJK, HIRAGANA, KATAKANA ("ー" is KATAKANA-HIRAGANA), CYRILLIC, ... of a letter."""
    return unicodedata.name(char, "").split(" ", 1)[0].split("-", 1)[0]


def foreign_letters(text: str, target: str, source_text: str = "") -> list[str]:
    """Runs of letters in `text` in a script foreign to `target` (Latin ones: unless they are a name,
    a code, an address or an acronym of the source, kept as written, or a unit: 2.4kg)."""
    allowed = SCRIPTS.get(target, LATIN)
    literal, named = names.names_in(source_text)
    # a place of the source by another of its Latin names ("Göteborg" for Gothenburg), folded as `names` folds them
    other_names = {o for n in named for o in names.other_names(n) if o.isascii()}
    kept_from_source = {w.casefold() for w in re.findall(r"[^\W\d_]+", " ".join(literal))} | {
        w.casefold() for name in re.findall(r"\b[^\W\d_]+(?:-[^\W\d_]+)*", source_text) if name[0].isupper()  # Łódź too
        for w in _name_parts(name)} | {  # a name of several words written as one (HyundaiIoniq)
        re.sub(r"\s+", "", name).casefold() for name in re.findall(r"\b[A-Z][^\W\d_]*(?:\s+[A-Z][^\W\d_]*)+", source_text)}
    runs: list[tuple[str, str]] = []  # (script, letters), split where the script changes
    for char in unicodedata.normalize("NFKC", text):
        script = _script(char) if char.isalpha() else ""
        if runs and script and runs[-1][0] == script:
            runs[-1] = (script, runs[-1][1] + char)
        elif script:
            runs.append((script, char))
        else:
            runs.append(("", ""))
    return [letters for script, letters in runs if script and script not in allowed
            and not (script == "LATIN" and (letters.casefold() in kept_from_source or letters.casefold() in units.SYMBOLS
                                            or names.fold(letters) in other_names
                                            or len(letters) == 1 or (letters.isupper() and len(letters) <= 5)))]  # LAN, USB, w


def _name_parts(name: str) -> list[str]:
    """The parts of a capitalised hyphenated source word that a translation may keep as written:
    all of "Min-jun" and "Wi-Fi", only "Check" of "Check-in"."""
    parts = name.split("-")
    return parts if not names.everyday(parts[0]) or all(p[:1].isupper() for p in parts) else parts[:1]


@functools.cache
def _wordfreq_languages() -> frozenset[str]:
    import wordfreq

    return frozenset(wordfreq.available_languages())


def source_words(source_text: str, translated: str, target: str) -> list[str]:
    """Words of the source left in a translation into a Latin-script language that are not names,
    codes, currencies or loanwords common in the target ("Patience" in German; not "Hotel", "yuan")."""
    if target in SCRIPTS or target not in _wordfreq_languages():
        return []  # other scripts: `foreign_letters` sees them; no word list: cannot tell a loanword
    literal, named = names.names_in(source_text)
    kept = {w.casefold() for w in re.findall(r"[^\W\d_]+", " ".join(literal + named))}
    # a name opening a sentence ("Priya Raman's flight", "Anna-Lena, please"): a known first name or surname,
    # a city or country ("Perth could hit 41 degrees"), or rare in English
    kept |= {w.casefold() for w in re.findall(r"\b[^\W\d_a-z][^\W\d_]*", source_text)
             if _name_like(w) or names.other_names(w) or (target not in NOUNS_CAPITALISED and _named_inside(w, translated))}
    # a run of capitalised words kept whole ("Porto Dental Clinic", "Kestrel Motors"): a name, even in German
    kept |= _kept_runs(source_text, translated)
    said = {w.casefold() for w in re.findall(r"[^\W\d_]{4,}", source_text)}
    return [w for w in re.findall(r"[^\W\d_]{4,}", translated)
            if w.casefold() in said and w.casefold() not in kept and _loanword_zipf(w.casefold(), target) < LOANWORD_ZIPF
            and _english_zipf(w.casefold()) >= FOREIGN_ZIPF
            and not numbers.currency_word(w, "en") and not numbers.world_currency_word(w, target)]


_CAPITALISED_RUN = re.compile(r"\b[^\W\d_a-z][\w'’-]*(?:[ -][^\W\d_a-z][\w'’-]*)+")


def _kept_runs(source_text: str, translated: str) -> set[str]:
    """The words of two or more capitalised source words in a row that the translation keeps as
    they were, together, from a word that is no everyday one ("Porto Dental Clinic", "Lakeside
    Hotel" out of "The Lakeside Hotel"; not "Aunt Lucía")."""
    kept: set[str] = set()
    for run in re.findall(_CAPITALISED_RUN, source_text):
        words = run.split()
        for i in range(len(words)):
            if names.everyday(words[i]) and len(words) - i < 3:
                continue  # "Aunt Lucía" kept whole still leaves "Aunt" in English; "Natural History Museum" is a name
            for j in range(len(words), i + 1, -1):
                if re.search(rf"(?<!\w){re.escape(' '.join(words[i:j]))}(?!\w)", translated):
                    kept |= {w.casefold() for w in re.findall(r"[^\W\d_]+", " ".join(words[i:j]))}
                    break
    return kept


NOUNS_CAPITALISED = ("de", "lb")  # every noun is capitalised there ("Ihr Luggage"): a capital says nothing of a name


def _named_inside(word: str, translated: str) -> bool:
    """A capitalised source word that the translation also capitalises inside a sentence ("El Metro
    de Osaka"): a name there, whatever its frequency."""
    for m in re.finditer(rf"\b{re.escape(word)}\b", translated):
        before = translated[:m.start()].rstrip()
        if before and before[-1] not in ".!?¿¡:\"'«“":
            return True
    return False


NAME_ZIPF = 3.5  # a capitalised source word rarer than this in English is a name when kept as written (Rahul 3.36; "Refunds" 3.37 passes too)


def _name_like(word: str) -> bool:
    """A capitalised word that is a person's name (the US Census lists the redaction step uses) or
    rare in English ("Siobhán", "Kowalczyk"); not "Refunds" opening a sentence."""
    from wordfreq import zipf_frequency

    from ..privacy.spoken_names import known_name

    return known_name(word) or zipf_frequency(word.casefold(), "en") < NAME_ZIPF


FOREIGN_ZIPF = 2.5  # a source word rarer than this in English is a term from elsewhere ("ryokan" 1.9), kept on purpose


def _english_zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _loanword_zipf(word: str, target: str) -> float:
    """How common a word is in the target; an English plural that is not rare there counts as
    common as its singular ("Laptops", "Euros" in German; not "lasts" or "chairs" in French)."""
    from wordfreq import zipf_frequency

    zipf = zipf_frequency(word, target)
    if zipf >= PLURAL_ZIPF and word.endswith("s") and len(word) >= 5:
        zipf = max(zipf, zipf_frequency(word[:-1], target))
    return zipf


def length_ratio(source_text: str, translated: str) -> float:
    return len(translated.strip()) / max(1, len(source_text.strip()))


def _language_findings(source_text: str, translated: str, source: str, target: str) -> list[Finding]:
    if _normal(translated) == _normal(source_text) or not translated.strip():
        return [Finding(UNTRANSLATED, "the translation is the source as it was")]
    lang, prob = language_of(translated, (target, source, *COMMON))
    if lang == source and prob >= SURE:
        return [Finding(UNTRANSLATED, f"the translation is still in {source}")]
    if lang != target and prob >= SURE:
        return [Finding(WRONG_LANGUAGE, f"the translation is in {lang}, not {target}")]
    return []


def meaning_findings(source_text: str, translated: str, source: str, target: str) -> list[Finding]:
    """What the meaning checks find wrong with one translated segment (redaction tags are checked
    on their own, then taken out: "[PHONE_1]" is neither a number nor a name)."""
    found = []
    said, came = redact.tags_in(source_text), redact.tags_in(translated)
    if sorted(said) != sorted(came):
        lost = [t for t in dict.fromkeys(said) if said.count(t) > came.count(t)]
        added = [t for t in dict.fromkeys(came) if came.count(t) > said.count(t)]
        found.append(Finding(REDACTION, "redaction tags " + "; ".join(
            part for part in (f"lost: {' '.join(lost)}" if lost else "", f"added: {' '.join(added)}" if added else "") if part)))
    tagged = source_text, translated  # the length check counts tags as the words they stand for
    if said or came:
        source_text, translated = redact.TAG.sub(" ", source_text), redact.TAG.sub(" ", translated)
    mismatch = numbers.compare(source_text, translated, source, target)
    unsaid = units.lost(source_text, translated, source, target)
    added = units.added(source_text, translated, source, target)
    # a number kept for another thing: a span in another unit, a room as a floor, another currency, a phone number's 0
    changed = units.respanned(source_text, translated, source, target) + units.room_as_floor(source_text, translated, source, target) \
        + numbers.currency_changed(source_text, translated, source, target) + numbers.zero_dropped(source_text, translated)
    if mismatch or unsaid or added or changed:
        reasons = [mismatch.reason] if mismatch else []
        reasons += [f"the source says {', '.join(unsaid)}, the translation has no word for it"] if unsaid else []
        reasons += [f"the source says {', '.join(changed)}"] if changed else []
        reasons += [f"the translation says {', '.join(added)}, the source does not"] if added else []
        found.append(Finding(NUMBER, "; ".join(reasons)))
    missing = names.lost(source_text, translated)
    if missing:
        found.append(Finding(NAMES, f"the source names {', '.join(missing)}, the translation does not"))
    polarity = negation.flipped(source_text, translated, source, target)
    if polarity:
        found.append(Finding(NEGATION, polarity))
    left = source_words(source_text, translated, target)
    if left:
        found.append(Finding(SOURCE_WORDS, f"the translation leaves words of the source as they were: {', '.join(left[:5])}"))
    foreign = foreign_letters(translated, target, source_text)
    if foreign:
        found.append(Finding(SCRIPT, f"the translation has words in another script: {', '.join(foreign[:5])}"))
    if source == "en" and len(source_text.strip()) >= LENGTH_MIN_SOURCE:  # the bounds hold for English sources
        low, high = LENGTH_RATIO.get(target, LENGTH_RATIO_LATIN)
        ratio = length_ratio(*tagged)
        if not low <= ratio <= high:
            found.append(Finding(LENGTH, f"the translation is {ratio:.1f}× as long as the source "
                                         f"(into {target}: {low}–{high}×): something {'is missing' if ratio < low else 'was added'}"))
    return found


def findings_for(source_text: str, translated: str, source: str, target: str) -> list[Finding]:
    """Everything the checks find wrong with one translated segment (empty: it looks right)."""
    if not source_text.strip():
        return []
    if long_enough(source_text):
        language = _language_findings(source_text, translated, source, target)
        if language:
            return language  # not a translation: nothing else to compare
    return meaning_findings(source_text, translated, source, target)


def flags_for(source_text: str, translated: str, source: str, target: str) -> list[str]:
    """The flags of one translated segment (empty: it looks right)."""
    return [f.flag for f in findings_for(source_text, translated, source, target)]


def findings(items: list[tuple[str, str]], out: list[tuple[str, str]], source: str, target: str) -> dict[str, list[Finding]]:
    """{item id: findings} for the translated items the checks find wrong."""
    sources = dict(items)
    found = {}
    for item_id, text in out:
        wrong = findings_for(sources.get(item_id, ""), text, source, target)
        if wrong:
            found[item_id] = wrong
    return found


def flag_names(found: dict[str, list[Finding]]) -> dict[str, list[str]]:
    """{item id: flags} of {item id: findings}."""
    return {i: [f.flag for f in wrong] for i, wrong in found.items()}


def check(items: list[tuple[str, str]], out: list[tuple[str, str]], source: str, target: str) -> dict[str, list[str]]:
    """{item id: flags} for the translated items the checks find wrong."""
    return flag_names(findings(items, out, source, target))
