"""Spoken forms written as they would be typed, with a map back to the words as transcribed.

Whisper writes what it hears: "five five five, one two three, four five six seven", "john dot
smith at example dot com", "S-M-I-T-H". Recognisers look for written forms (digits, `@`, words), so
detection runs on a normalised copy of the text, and every span it finds is mapped back onto the
characters of the original, which are the ones redacted (and whose word timings say where in the
audio they were spoken).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

DIGIT_WORDS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
               "six": "6", "seven": "7", "eight": "8", "nine": "9"}
REPEAT_WORDS = {"double": 2, "triple": 3}
# Digits as Whisper mishears them when read out one by one (bench/data/pii_sentences*.json):
# "zero" as "Nero" (a zero beside a digit: "375 Nero, 29666", "Nero6"); "three" as "free", "nine"
# as "I'm" or "ion"-like words (digits only between two digits: "6, free 2", "07700, I'm 100");
# "nine" spelled "I-N" inside a digit group ("345-I-N-8").
MISHEARD_ZERO = re.compile(r"nero(\d*)", re.I)
MISHEARD_BETWEEN = {"free": "3", "i'm": "9", "ion": "0"}
_SPELLED_NINE = re.compile(r"(?<=\d-)I-N(?=-\d|$)|^I-N(?=-\d)")
AT, DOT = {"at"}, {"dot", "period", "point"}
NOT_LOCAL = {"in", "me", "us", "him", "her", "them", "it", "you", "up", "on", "out", "back", "here", "there", "home", "work",
             "online", "is", "are", "was", "be", "one", "anyone", "someone", "everyone", "somebody"}
JOINERS = {"underscore": "_", "dash": "-", "hyphen": "-"}
_TOKEN = re.compile(r"\S+")
_GROUP = re.compile(r"\d+(?:[-.]\d+)*")  # digits as Whisper writes them: 555, 555-1234, 4111
_SPELLED = re.compile(r"[A-Za-z](?:[-.][A-Za-z])+\.?")  # S-M-I-T-H, J.O.H.N.
_EMAIL_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]*")
# The last part of a spoken domain: the common generic top-level domains and every two-letter
# country code ("at the office dot" is no address; "mary.jones" is no domain).
TOP_LEVEL = {"com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "io", "ai", "app", "dev", "mail",
             "online", "email"} | {a + b for a in "abcdefghijklmnopqrstuvwxyz" for b in "abcdefghijklmnopqrstuvwxyz"}
MIN_SPELLED = 3  # single letters in a row that spell a word (fewer: "a", "I", initials)


@dataclass
class Normalised:
    """The normalised text and, for each of its pieces, where that piece came from in the original."""

    text: str
    starts: list[int]  # piece start offsets in `text`, ascending
    origin: list[tuple[int, int]]  # the original (start, end) of each piece, without its trailing punctuation

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The characters of the original that a span of the normalised text came from: whole
        pieces (a redacted digit word is redacted whole)."""
        first = max(0, bisect.bisect_right(self.starts, start) - 1)
        last = max(0, bisect.bisect_right(self.starts, max(start, end - 1)) - 1)
        return self.origin[first][0], self.origin[last][1]


@dataclass
class _Token:
    start: int  # of the core (the token without surrounding punctuation), in the original
    end: int
    core: str
    trail: str  # punctuation after the core (a comma ends a group of spoken digits)


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        lead = re.match(r"^[\"'“‘(\[]*", raw).end()
        tail = re.search(r"[\"'”’)\].,;:!?]*$", raw[lead:]).start() + lead
        if tail <= lead:  # punctuation only
            continue
        out.append(_Token(m.start() + lead, m.start() + tail, raw[lead:tail], raw[tail:]))
    return out


def _digits_of(tokens: list[_Token], i: int) -> tuple[str, int, bool] | None:
    """The digits the tokens from i on say (one digit word, "double five", or a written group),
    how many tokens that took, and whether it was written in digits."""
    word = tokens[i].core.lower()
    if word in DIGIT_WORDS and (word != "o" or _digit_near(tokens, i)):
        return DIGIT_WORDS[word], 1, False
    if word in REPEAT_WORDS and i + 1 < len(tokens) and tokens[i].trail == "":
        nxt = tokens[i + 1].core.lower()
        if nxt in DIGIT_WORDS:
            return DIGIT_WORDS[nxt] * REPEAT_WORDS[word], 2, False
        if _GROUP.fullmatch(nxt):  # "double 427": Whisper wrote the digits after "double" ("four four two seven")
            digits = re.sub(r"\D", "", nxt)
            return digits[0] * (REPEAT_WORDS[word] - 1) + digits, 2, True
    core = _SPELLED_NINE.sub("9", tokens[i].core) if "I-N" in tokens[i].core else tokens[i].core
    if _GROUP.fullmatch(core):
        return re.sub(r"\D", "", core), 1, True
    zero = MISHEARD_ZERO.fullmatch(core)
    if zero and (zero.group(1) or _is_digit(tokens, i - 1) or _is_digit(tokens, i + 1)):
        return "0" + zero.group(1), 1, bool(zero.group(1))
    if word in MISHEARD_BETWEEN and _is_digit(tokens, i - 1) and _is_digit(tokens, i + 1):
        return MISHEARD_BETWEEN[word], 1, False
    return None


def _is_digit(tokens: list[_Token], j: int) -> bool:
    """Token j is a spoken digit ("double" included) or a written digit group."""
    return 0 <= j < len(tokens) and (tokens[j].core.lower() in DIGIT_WORDS or tokens[j].core.lower() in REPEAT_WORDS
                                     or _GROUP.fullmatch(tokens[j].core) is not None)


def _digit_near(tokens: list[_Token], i: int) -> bool:
    """"o" is a zero only beside other spoken digits ("four o seven")."""
    return any(0 <= j < len(tokens) and tokens[j].core.lower() in DIGIT_WORDS and tokens[j].core.lower() != "o"
               for j in (i - 1, i + 1))


def normalise(text: str) -> Normalised:
    """`text` with spoken digits, spelled-out letters and spoken e-mail addresses written out."""
    tokens = _tokens(text)
    pieces: list[tuple[str, int, int]] = []  # (written form, original start, original end)
    i = 0
    while i < len(tokens):
        email = _email_at(tokens, i)
        if email:
            written, used = email
        else:
            written, used = _digit_run(tokens, i) or _spelled_run(tokens, i) or ("", 0)
        if used:  # the punctuation after the last word stays (a sentence still ends)
            trail = tokens[i + used - 1].trail
            pieces.append((written + trail, tokens[i].start, tokens[i + used - 1].end))
            i += used
            continue
        pieces.append((tokens[i].core + tokens[i].trail, tokens[i].start, tokens[i].end))
        i += 1
    out, starts, origin, at = [], [], [], 0
    for written, start, end in pieces:
        if out:
            out.append(" ")
            at += 1
        starts.append(at)
        origin.append((start, end))
        out.append(written)
        at += len(written)
    return Normalised("".join(out), starts, origin)


def _digit_run(tokens: list[_Token], i: int) -> tuple[str, int] | None:
    """Consecutive digits as one number ("five five five, one two three" -> "555-123"): groups are
    kept apart by a dash where a comma or a written group separated them. Two tokens at least (a
    lone number word is a count, not an identifier)."""
    groups: list[str] = []
    j, current, spoken = i, "", 0
    while j < len(tokens):
        got = _digits_of(tokens, j)
        if got is None:
            break
        digits, used, written = got
        if written:
            if current:
                groups.append(current)
            groups.append(digits)
            current = ""
        else:
            current += digits
            spoken += 1
        j += used
        if tokens[j - 1].trail and tokens[j - 1].trail not in (",", "-"):
            break  # a sentence ends
        if tokens[j - 1].trail == "," and current:
            groups.append(current)
            current = ""
    if current:
        groups.append(current)
    if j - i < 2:
        return None
    return "-".join(groups), j - i


def _spelled_run(tokens: list[_Token], i: int) -> tuple[str, int] | None:
    """Letters spelled out ("s m i t h", "S-M-I-T-H") as the word they spell."""
    if _SPELLED.fullmatch(tokens[i].core) and len(re.sub(r"[^A-Za-z]", "", tokens[i].core)) >= MIN_SPELLED:
        return re.sub(r"[^A-Za-z]", "", tokens[i].core), 1
    j = i
    while j < len(tokens) and re.fullmatch(r"[A-Za-z]\.?", tokens[j].core) and (j == i or not tokens[j - 1].trail.strip(",")):
        j += 1
    if j - i >= MIN_SPELLED:
        return "".join(t.core.rstrip(".") for t in tokens[i:j]), j - i
    return None


def _email_at(tokens: list[_Token], i: int) -> tuple[str, int] | None:
    """A spoken address from token i: `local [dot local]* at domain [dot part]+`, where "dot" may
    already be written ("john.smith at example.com"); the local part may be spelled out."""
    local, j = _dotted(tokens, i)
    if local is None or j >= len(tokens) or tokens[j].core.lower() not in AT:
        return None
    if tokens[j - 1].trail and not (tokens[j - 1].trail == "." and tokens[j].core == "at"):  # "ccneas.pl. at ..."
        return None
    if local.lower() in NOT_LOCAL or re.fullmatch(r"[ap]\.?m\.?", local, re.I):  # "log in at outlook.com", "3 p.m. at zoom.us"
        return None
    domain, k = _dotted(tokens, j + 1)
    # a top-level domain after the name, last or not: Whisper may run a word on ("oilaran.com.nts")
    if domain is None or not any(label.lower() in TOP_LEVEL for label in domain.split(".")[1:]):
        return None
    return f"{local}@{domain}", k - i


def _dotted(tokens: list[_Token], i: int) -> tuple[str | None, int]:
    """Parts joined by spoken "dot"/"underscore"/"dash" (or written dots) from token i."""
    parts, j = [], i
    while j < len(tokens):
        spelled = _spelled_run(tokens, j)
        if spelled:
            part, used = spelled
        elif _EMAIL_PART.fullmatch(tokens[j].core) and tokens[j].core.lower() not in AT | DOT | set(JOINERS):
            part, used = tokens[j].core, 1
        else:
            break
        parts.append(part)
        j += used
        if j >= len(tokens) or (tokens[j - 1].trail and not (tokens[j - 1].trail == "," and tokens[j].core.lower() in JOINERS)):
            break  # a comma Whisper put before a spoken joiner ("zara underscore K, underscore 99") does not end the name
        word = tokens[j].core.lower()
        if word in DOT and not tokens[j].trail:
            parts.append(".")
        elif word in JOINERS and not tokens[j].trail:
            parts.append(JOINERS[word])
        else:
            break
        j += 1
    if not parts or parts[-1] in (".", "_", "-"):
        if parts:
            j -= 1
            parts.pop()
        if not parts:
            return None, i
    return "".join(parts), j
