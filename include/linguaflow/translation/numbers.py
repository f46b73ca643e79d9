"""Numbers, times and days a translation must keep: what a text says, and what its translation lost.

A wrong number is the error that hurts most (a train, a room, a price) and the one a machine can
check without a model. `facts(text, lang)` reads what a text says in any usual writing: digits
(full-width too), number words (text2num: en, de, fr, es, pt, it, nl, da), Chinese and Japanese
numerals (cn2an, with 万/億), clock times ("half past seven", "halb acht", "sept heures et demie",
"七点半", "7時半", "19:30" = "7:30 pm"), weekdays, months and the days around today (dateparser's
per-language word lists), and days of the year known by a name ("Boxing Day" is the 26th of
December). `lost(source, target, ...)` is what the source says and the target does not, with the
reason in words ("the source says 7:30, the translation 10:30").

Not covered (they never flag, so they cannot cause false alarms, but their errors pass):
fractions and compound words text2num does not split ("zweieinhalb", "dreimal"), numbers spelt
out in languages text2num does not read (ru, ko, ...), and "one"/"a" (it reads as an article in
most targets, so a lost or added 1 is not checked).
"""

from __future__ import annotations

import functools
import importlib
import re
import unicodedata
from dataclasses import dataclass

WORD_NUMBER_LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "nl", "da")  # text2num's
CJK_NUMERALS = ("zh", "ja")
CLOCK_24 = ("de", "fr", "es")  # a bare hour is read on the 24-hour clock
NUMBER = "number"


@dataclass(frozen=True)
class Fact:
    kind: str  # "number" | "time" | "weekday" | "month" | "day" (a day around today: -2..2) | "currency"
    value: object  # frozenset of readings (number), (hour % 12, minute) (time), ISO code (currency), int (the rest)
    text: str  # as written (after number words became digits)

    def __str__(self) -> str:
        return self.text


# --- days, weekdays, months: dateparser's word lists, the maintained per-language source ------

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_DAYS = {"1 day ago": -1, "in 1 day": 1, "2 day ago": -2, "in 2 day": 2}  # today is left out: "tonight", "this morning"
# Words a day name is also part of, where it does not name that day (tomorrow vs morning).
_NOT_A_DAY = {
    "en": r"\b(?:black|good|cyber|super|ash|holy|easter|palm|shrove|maundy|giving) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    "de": r"(?:heute|gestern|am|jeden|guten|den|der|diesen|dem)\s+morgen",
    "es": r"\b(?:la|esta|este|cada|una|(?<!después )de|media)\s+mañana|\bmañanas\b",  # mornings, never tomorrow (not "desde mañana")
    "zh": r"周一(?=半)|黑色星期五|网络星期一",  # 本周一半: half of this week, not Monday; Black Friday, Cyber Monday
}
_NOT_NOON = {"fr": r"après-midi"}
# written Chinese beside 昨天/明天, tomorrow and its part of the day in one word (明早, 明朝 in Japanese: tomorrow
# morning; in Chinese 明朝 is the Ming dynasty), and the day after tomorrow said word for word: not in dateparser's lists
_MORE_DAYS = {"zh": [("昨日", -1), ("明日", 1), ("明早", 1), ("明晚", 1)],  # not 昨晚: how "overnight" is said
              "ja": [("明朝", 1), ("明晩", 1)], "es": [("día después de mañana", 2), ("pasado mañana", 2)]}


@functools.cache
def _calendar(lang: str) -> dict[str, list[tuple[str, int]]]:
    """{kind: [(word, value)]} of one language, longest words first (a longer word wins)."""
    try:
        info = importlib.import_module(f"dateparser.data.date_translation_data.{lang}").info
    except ImportError:
        return {}
    cjk = bool(info.get("no_word_spacing"))

    def usable(word: str, words: list[str]) -> bool:
        """Full names only: short forms ("mo", "月", "sept", "mar") name other things too."""
        return (len(word) >= (2 if cjk else 3) and not word.startswith("(")
                and not any(len(o) > len(word) and o.lower().startswith(word.lower()) for o in words))

    words: dict[str, list[tuple[str, int]]] = {"weekday": [], "month": [], "day": []}
    for i, name in enumerate(WEEKDAYS):
        for w in info.get(name, []):
            if usable(w, info[name]):
                words["weekday"].append((w.lower(), i))
                if cjk and w.endswith("曜日"):
                    words["weekday"].append((w[:-1], i))  # 月曜 as well as 月曜日
                    words["weekday"].append((f"({w[0]})", i))  # 10月31日(木): the day in brackets after a date
    if not cjk:  # in zh/ja a month is a number before 月, read with the numbers
        for i, name in enumerate(MONTHS, 1):
            words["month"] += [(w.lower(), i) for w in info.get(name, []) if usable(w, info[name])]
    for key, offset in _DAYS.items():
        words["day"] += [(w.lower(), offset) for w in info.get("relative-type", {}).get(key, []) if len(w) >= 2]
    words["day"] += _MORE_DAYS.get(lang, [])
    return {k: sorted(set(v), key=lambda p: -len(p[0])) for k, v in words.items()}


CURRENCIES = ("EUR", "USD", "GBP", "CHF", "JPY", "CNY")
# Short forms people write that CLDR's display names ("米ドル", "dollar des États-Unis") do not hold.
_CURRENCY_WORDS = {"USD": ("dollar", "dólar", "ドル", "美元", "美金", "澳元", "加元", "港元", "纽元", "新元"),  # any dollar: "Australian dollars", 澳元
                   "GBP": ("pound", "pfund", "livre", "libra", "ポンド", "英镑", "磅", "quid", "fiver", "tenner"),  # 磅: the pound of weight, as ambiguous as "pounds"
                   "CHF": ("franc", "franken", "franco", "フラン", "スイスフラン", "法郎"), "JPY": ("yen", "円", "日元"), "CNY": ("yuan", "元", "人民币", "人民元"),
                   "EUR": ("euro", "ユーロ", "欧元")}


_SYMBOLS = {"USD": ("$",), "EUR": ("€",), "GBP": ("£",), "JPY": ("¥",), "CNY": ("¥",)}  # written in every language ("$1,480.00" in French too)


@functools.cache
def _currency_words(lang: str) -> list[tuple[str, str]]:
    """[(word or symbol, currency code)] of a language, longest first: CLDR's names and symbols."""
    from babel import Locale
    from babel.core import UnknownLocaleError

    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return []
    words = set()
    for code in CURRENCIES:
        for w in (locale.currencies.get(code), locale.currency_symbols.get(code), *_CURRENCY_WORDS[code], *_SYMBOLS.get(code, ())):
            if w and (len(w) > 1 or not w.isalpha() or lang in CJK_NUMERALS):  # 元, 円: after a number only (below)
                words.add((w.lower(), code))
    return sorted(words, key=lambda p: -len(p[0]))


def currency_word(word: str, lang: str) -> bool:
    """Whether `word` names a currency in `lang` ("yuan", "euros"): kept as it was, it is no word left untranslated."""
    word = word.lower()
    return any(word == w or (w.isalpha() and word.rstrip("s") == w) for w, _ in _currency_words(lang))


@functools.cache
def _world_currency_words(lang: str) -> frozenset[str]:
    """The words, accents folded, of `lang`'s names of every currency some country uses today
    ("rand", "dirhams", "ringgit" in French; not "rupees": roupies), singular and plural, from CLDR.
    Only the six of `CURRENCIES` are checked as amounts."""
    import datetime

    from babel import Locale
    from babel.core import UnknownLocaleError
    from babel.numbers import get_currency_name, get_territory_currencies

    from .names import fold

    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return frozenset()
    today, words = datetime.date.today(), set()
    for territory in Locale("en").territories:
        for code in get_territory_currencies(territory, today):
            words |= {fold(w) for count in (1, 2) for w in re.findall(r"[^\W\d_]{3,}", get_currency_name(code, count, lang))}
    return frozenset(words)


def world_currency_word(word: str, lang: str) -> bool:
    """Whether `word` names a currency in use anywhere, as `lang` writes it ("rand" in French: a
    source's word kept so is no English left untranslated)."""
    from .names import fold

    return fold(word) in _world_currency_words(lang)


@functools.cache
def _unit_words(lang: str) -> dict[str, frozenset[str]]:
    """{currency code: the words `lang` counts an amount of it in}, for every currency in use except
    the six of `CURRENCIES` (checked as amounts): the word of CLDR's name that is no nationality
    ("Rupien" of "Indische Rupien", "rupias" of "rupias indias", ルピー of インド ルピー, 卢比 of 印度卢比)."""
    import datetime

    from babel import Locale
    from babel.numbers import get_currency_name, get_territory_currencies

    today, out = datetime.date.today(), {}
    territories = Locale.parse(lang).territories
    for territory in Locale("en").territories:
        for code in get_territory_currencies(territory, today):
            if code in CURRENCIES:
                continue
            words = set()
            for count in (1, 2):
                name = get_currency_name(code, count, lang)
                if lang in ("de", "en", "ja"):  # the nationality first: "Indische Rupie", インド ルピー
                    words.add(name.split()[-1])
                elif lang in ("fr", "es"):  # the nationality after: "rupia india"
                    words.add(name.split()[0])
                else:  # zh: the name, and the name without its country (印度卢比: 卢比)
                    words.add(name)
                    country = territories.get(territory, "")
                    if country and name.startswith(country) and len(name) - len(country) >= 2:
                        words.add(name[len(country):])
            out.setdefault(code, set()).update(w.lower() for w in words if len(w) >= 2)
    six = {w.lower() for code in CURRENCIES for w in _CURRENCY_WORDS[code]}
    return {code: frozenset(w for w in words if w.rstrip("s") not in six and w not in six) for code, words in out.items()}


def currency_changed(source_text: str, target_text: str, source: str, target: str) -> list[str]:
    """Amounts the translation counts in another currency than the source's, for currencies other
    than the six compared as amounts ("6,500 rupees" said "6.500 Rubel", "45 zloty" said 45卢比): only
    where the translation names a currency after a number and none is the source's."""
    if source != "en" or target not in ("de", "fr", "es", "zh", "ja"):
        return []
    english, theirs = _unit_words("en"), _unit_words(target)
    said = {m.group(1).lower() for m in re.finditer(r"\d(?:[\d,.]*\d)?\s+(?:[A-Z][a-z]+\s+)?([A-Za-z]+)", source_text)}
    codes = {code for code, words in english.items() if said & words}
    if not codes:
        return []
    kept = set().union(*(theirs.get(code, frozenset()) for code in codes))
    gap = r"\s*" if target in CJK_NUMERALS else r"\s+(?:\w+\s+)?"
    text = unicodedata.normalize("NFKC", target_text)
    named = {w for words in theirs.values() for w in words
             if re.search(rf"\d{gap}{re.escape(w)}(?![^\W\d_])" if target not in CJK_NUMERALS else rf"\d{gap}{re.escape(w)}", text, re.I)}
    if not named or named & kept:
        return []
    return [f"{' / '.join(sorted(said & set().union(*(english[c] for c in codes))))} (the translation: {', '.join(sorted(named))})"]


# A number written with a leading zero is a string of digits to dial or type (a phone number "0412 338 907"):
# said "412-338-907" it keeps its value, and is another number. Six digits or more: not a time ("0800").
_ZERO_LED = re.compile(r"(?<![\d.,:])0\d(?:[ -]?\d){4,}")


def zero_dropped(source_text: str, target_text: str) -> list[str]:
    """The source's numbers that lead with a 0 the translation writes without it."""
    written = re.sub(r"\D", "", unicodedata.normalize("NFKC", target_text))
    return [f"{m.group(0)} (the translation drops its leading 0)" for m in _ZERO_LED.finditer(source_text)
            if (digits := re.sub(r"\D", "", m.group(0))) not in written and digits.lstrip("0") in written]


# Currency names that are other words after a determiner: "le livre" is a book, "la livre" a pound
_NOT_CURRENCY = {"fr": r"\b(?:le|un|du|au|ce|mon|ton|son|leur|notre|votre|des|les|mes|tes|ses|ces|nos|vos|leurs"
                       r"|nouveaux|vieux|anciens|beaux|bons|nombreux|premiers|derniers)\s+livres?\b(?!\s+sterling)"}  # 300 nouveaux livres: books (masculine: the pound is feminine)


def _currency_facts(text: str, lang: str) -> list[Fact]:
    lowered, found = text.lower(), []
    if lang in _NOT_CURRENCY:
        lowered = re.sub(_NOT_CURRENCY[lang], lambda m: " " * len(m.group(0)), lowered)
    for m in re.finditer(rf"\b(?:{'|'.join(CURRENCIES)})\b", text):  # the ISO code, written so in every language: CHF 3'750
        found.append(Fact("currency", m.group(0), m.group(0)))
        lowered = lowered[:m.start()] + " " * (m.end() - m.start()) + lowered[m.end():]
    # a plural or inflected ending, not any word that begins alike ("libra" is not "library")
    ending = r"(?!pa|pä)\w*" if lang == "de" else r"(?:s|es|n|en|e)?\b"  # German compounds: Dollarkurs, not Europa
    for word, code in _currency_words(lang):
        pattern = re.escape(word) if not word.isalpha() or lang in CJK_NUMERALS else rf"\b{re.escape(word)}{ending}"
        if re.fullmatch(r"[ァ-ヿ]+", word):  # a katakana word, not part of a longer one (フラン of フランクフルト)
            pattern = rf"(?<![ァ-ヿ]){pattern}(?![ァ-ヿ])"
        if len(word) == 1 and word.isalpha():  # 元 of 5元, not of 元々 or 单元
            pattern = rf"(?<=[\d{_ZH_NUMERAL[:-2]}])\s*{re.escape(word)}"
        for m in re.finditer(pattern, lowered):
            found.append(Fact("currency", code, text[m.start():m.end()]))
            lowered = lowered[:m.start()] + " " * (m.end() - m.start()) + lowered[m.end():]
    return found


# Words before "May" that make it the month ("from May"; not "they may")
_MAY_AFTER = ("of", "in", "from", "since", "until", "till", "by", "during", "before", "after", "early", "late", "mid", "next", "last", "this")
# Calendar words that are other words too, found by their case in the original text instead:
# (language, kind, word) -> pattern
_CASED = {
    ("en", "month", "march"): r"\bMarch(?![a-z])",  # the verb: months are capitalised in English (not Marchmont)
    ("en", "month", "may"): "|".join(rf"(?<=\b{w} )May\b" for w in _MAY_AFTER)
                            + r"|(?<=\bmid-)May\b|\bMay(?=,? \d)|(?<=\d )May\b|(?<=\d[snrt][tdh] )May\b",  # the verb too
    # tomorrow, not "am Morgen" (the morning) or "morgens", nor "Mittwoch morgen", "jeden Werktag morgen" (a morning, spelt as
    # before 1996); "Geburtstag morgen" is tomorrow
    ("de", "day", "morgen"): "".join(rf"(?<!{d} )" for d in ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag", "Werktag"))
                             + r"\bmorgen\b|^Morgen\b|(?<=[.!?] )Morgen\b",
}


# A week, month or year said relative to now ("next week", "all week"): a translation keeps its unit
# ("下个月" for "next week" is another time). Any word of the unit counts in a translation.
_EN_PERIOD = r"\b(?:next|last|this|all|the whole|the following|the coming|the previous) (week|month|year)\b"
_PERIOD_WORDS = {"de": {"week": r"woche", "month": r"monat", "year": r"jahr"},
                 "fr": {"week": r"semaine", "month": r"\bmois\b", "year": r"\bans?\b|année"},
                 "es": {"week": r"semana", "month": r"\bmes\b", "year": r"año"},
                 "zh": {"week": r"周|週|星期|礼拜|禮拜", "month": r"月", "year": r"年"},
                 "ja": {"week": r"週", "month": r"月", "year": r"年"}}


def _period_facts(text: str, lang: str) -> list[Fact]:
    if lang == "en":
        return [Fact("period", m.group(1).lower(), m.group(0)) for m in re.finditer(_EN_PERIOD, text, re.I)]
    return [Fact("period", unit, m.group(0)) for unit, pattern in _PERIOD_WORDS.get(lang, {}).items()
            for m in re.finditer(pattern, text, re.I)]


# "the seventies" is the 1970s, "in her twenties" an age: 70 or 1970 in a translation ("70年代", "années soixante-dix")
_EN_DECADES = {w: 10.0 * n for n, w in enumerate(("twenties", "thirties", "forties", "fifties", "sixties", "seventies",
                                                 "eighties", "nineties"), 2)}
_DE_TENS = ("zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig")
_DE_DECADES = rf"(?i)\b({'|'.join(_DE_TENS)})er(?:n\b|\b|(?=jahr))"  # in den Siebzigern, Siebzigerjahre: 70er


def _de_decade(m: re.Match) -> str:
    return f"{10 * (_DE_TENS.index(m.group(1).lower()) + 2)}er "


def _decade_facts(text: str) -> tuple[list[Fact], str]:
    found = []

    def take(m: re.Match) -> str:
        value = _EN_DECADES[m.group(1).lower()]
        found.append(Fact(NUMBER, frozenset({value, 1900.0 + value}), m.group(0)))
        return " " * len(m.group(0))
    return found, re.sub(rf"(?i)\b(?:nineteen[- ]?)?({'|'.join(_EN_DECADES)})\b", take, text)  # "in her twenties" too


def _calendar_facts(text: str, lang: str) -> list[Fact]:
    lowered = text.lower()
    cjk = lang in CJK_NUMERALS
    for pattern in (_NOT_A_DAY.get(lang), _NOT_NOON.get(lang)):
        if pattern:
            lowered = re.sub(pattern, lambda m: " " * len(m.group(0)), lowered)
    found = []
    for kind, words in _calendar(lang).items():
        for word, value in words:
            cased = _CASED.get((lang, kind, word))
            if cased:
                hits = list(re.finditer(cased, text))
            else:
                # a month with a plural or genitive ending only ("Augusta" is a street, "Mayor" no month)
                pattern = re.escape(word) if cjk else rf"\b{re.escape(word)}(?:s|es)?\b" if kind == "month" else rf"\b{re.escape(word)}\w*"
                hits = list(re.finditer(pattern, lowered))
            for m in hits:
                found.append(Fact(kind, value, text[m.start():m.end()]))
                lowered = lowered[:m.start()] + " " * (m.end() - m.start()) + lowered[m.end():]  # one word, one fact
    return found


# Days of the year known by a name ("on Boxing Day": "am 26. Dezember", 节礼日; "Christmas Eve": "el día de
# Navidad" is another day): read as their date in every language, so a translation may say the name or the
# date, and a name said as another holiday is a changed date. Longer names first (Christmas Eve before
# Christmas); a holiday whose date moves (Easter, Chinese New Year) is no date and is not read.
_HOLIDAYS = [
    ((12, 24), {"en": r"\bChristmas Eve\b", "de": r"heilig(?:e[nr]? )?abend|weihnachtsabend", "fr": r"veille de noël|réveillon de noël|nuit de noël",
                "es": r"nochebuena|víspera de navidad", "zh": r"平安夜|圣诞夜|圣诞前夜|圣诞节前夕", "ja": r"クリスマス・?イ[ブヴ]|聖夜"}),
    ((12, 26), {"en": r"\bBoxing Day\b", "de": r"zweite[nr]? weihnachts(?:feier)?tag|stephanstag|stefanitag",
                "fr": r"lendemain de noël|saint-étienne|boxing day", "es": r"san esteban|boxing day", "zh": r"节礼日|圣诞节(?:翌日|次日)",
                "ja": r"ボクシング・?デー"}),
    ((12, 31), {"en": r"\bNew Year'?s Eve\b", "de": r"silvester", "fr": r"saint-sylvestre|(?:réveillon|veille) du (?:nouvel an|jour de l'an)",
                "es": r"nochevieja|víspera de año nuevo", "zh": r"跨年夜|新年前夜|元旦前夜|除夕", "ja": r"大晦日|大みそか"}),
    ((1, 1), {"en": r"(?<!Chinese )(?<!Lunar )\bNew Year(?:'?s Day|'s)?\b", "de": r"neujahr", "fr": r"jour de l'an|nouvel an",
              "es": r"año nuevo", "zh": r"元旦|(?<!农历)(?<!中国)新年", "ja": r"元日|元旦|お?正月|(?<!旧暦の)新年"}),
    ((12, 25), {"en": r"\bChristmas(?: Day)?\b|\bXmas\b", "de": r"weihnacht|christkind", "fr": r"noël", "es": r"navidad", "zh": r"圣诞", "ja": r"クリスマス"}),
    ((10, 31), {"en": r"\bHallowe'?en\b", "de": r"halloween", "fr": r"halloween", "es": r"halloween", "zh": r"万圣节?前?夜|万圣节",
                "ja": r"ハロウィー?ン"}),
    ((2, 14), {"en": r"\bValentine'?s(?: Day)?\b", "de": r"valentinstag", "fr": r"saint-valentin", "es": r"san valent[íi]n|día de los enamorados",
               "zh": r"情人节", "ja": r"バレンタイン"}),
]


def _holiday_facts(text: str, lang: str) -> tuple[list[Fact], str]:
    """A named day's month and day (`_HOLIDAYS`), and the text without its name."""
    found = []
    for (month, day), words in _HOLIDAYS:
        if lang not in words:
            continue

        def take(m: re.Match, month: int = month, day: int = day) -> str:
            found.extend((Fact("month", month, m.group(0)), Fact(NUMBER, frozenset({float(day)}), m.group(0))))
            return " " * len(m.group(0))
        text = re.sub(words[lang], take, text, flags=re.I)
    return found, text


# --- numbers --------------------------------------------------------------------------------

_ZH_NUMERAL = "零〇一二两兩三四五六七八九十百\\d"
_FINANCIAL = "壹贰貳叁參肆伍陆陸柒捌玖拾佰仟"
# Words whose numeral is no number: places and brands (cn2an reads 四川 as "4川"), and a financial
# numeral with no other numeral beside it (陆 of 奥斯陆, 拾 of 拾う: to pick up).
_CJK_NOT_NUMBERS = ("四川|三星(?![期级級])|三菱|三亚|九龙|九州|六本木|千叶|千葉|万达|五角大楼|八达岭|九寨沟|十堰|七喜"
                    "|同一|唯一|统一|統一|一时间|四半期"  # the same, the only, unified, for a while; a quarter (of a year)
                    "|零件|零部件|零食|零钱|零售|零用"  # parts, snacks, change, retail, pocket money
                    "|黑色星期五|网络星期一|二维码|二維碼|二手"  # Black Friday, Cyber Monday; a QR code (a two-dimensional code); second-hand
                    rf"|(?<![{_ZH_NUMERAL}{_FINANCIAL}万亿億])[{_FINANCIAL}](?![{_ZH_NUMERAL}{_FINANCIAL}万亿億])")
# Words text2num and cn2an read wrongly, rewritten first: German "dreimal" and "zweieinhalb" as two
# words; a Chinese 点 of a clock time ("七点四十五分", "七点半") as 時, not the decimal point cn2an reads.
_SPLIT = {
    "de": lambda t: _fractions("de", re.sub(_DE_DECADES, _de_decade, re.sub(
        r"(?i)\b(ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|hundert|tausend)(mal|einhalb)\b", r"\1 \2", t))),
    "zh": lambda t: re.sub(rf"([{_ZH_NUMERAL}]+)[点點](?=[半整钟一三]刻|[半整钟]|[{_ZH_NUMERAL}]+分|[^{_ZH_NUMERAL}]|$)", _zh_clock,
                           re.sub("[两兩]", "二", t.replace("零下", "-"))),  # 两周: two weeks (cn2an reads 二); 零下: below zero
    # text2num reads "el segundo pago" as the 2nd ("segundos": seconds), "segunda mano" (second-hand) as a 2nd,
    # "ciento" as 100 and "unos 240" (about 240) as "1 240"
    "es": lambda t: _fractions("es", re.sub(r"(?i)\bun([oa])s\b", r"~", re.sub(r"(?i)\bpor ciento\b", "%", re.sub(
        r"(?i)\b(el|la|en|del|al) segund([oa])\b", r"\1 2º", re.sub(r"(?i)\bsegunda mano\b", "ocasión", t))))),
    # "vingt-un" (21, a usual slip text2num does not read); "entre neuf et onze" (text2num leaves "neuf", also "new")
    "fr": lambda t: _fractions("fr", re.sub(r"(?i)\b(vingt|trente|quarante|cinquante|soixante)-un(e?)\b", r"\1-et-un\2",
                                            re.sub(r"(?i)(?<=\bentre )neuf\b", "9", re.sub(r"(?i)\bpour cent\b", "%", t)))),
}
# Numbers an English source says that a good translation may or may not write as a number: "twice"
# (两次, "doppelt"), a dozen ("ein Dutzend", 12個), both (两个孩子), thirds and quarters ("a quarter of an hour": "eine Viertelstunde", 一刻钟), and a
# number word joined to its noun ("a fifteen-minute walk") where the target writes it in one word
# ("ein fünfzehnminütiger", `COMPOUNDING`; elsewhere it is required: 十五分钟). They explain the target's
# numbers without being required.
_EN_UNITS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
             "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred")
_EN_HYPHENED = rf"\b({_EN_UNITS})-(?!{_EN_UNITS}\b)(?=[a-z])"
_EN_SOFT = [(r"\btwice\b|\bdoubled?\b", {2.0}), (r"\b(?:a|one) third\b", {1.0, 3.0}), (r"\btwo thirds\b", {2.0, 3.0}),
            (r"\b(?:a|one) quarter\b", {1.0, 4.0, 15.0, 25.0, 0.25}), (r"\bthree quarters\b", {3.0, 4.0, 45.0, 75.0, 0.75}),
            (r"\ba dozen\b", {12.0}), (r"\bhalf a dozen\b", {6.0}), (r"\bboth\b|\bcouple\b|\bpair\b", {2.0}),
            (r"\bfiver\b", {5.0}), (r"\btenner\b", {10.0}), (r"\bfortnight", {2.0, 14.0, 15.0}), (r"\b(?:a)?round the clock\b|\b24/7\b", {24.0, 7.0}), (r"\b(?:n?either|each) of (?:them|the two|us)\b", {2.0})]  # "a dozen eggs": 12個の卵 (required as a word of its own: `units`)
COMPOUNDING = ("de", "nl", "da")  # "a two-hour meeting" is one word there ("zweistündiges"), which is not read


def _soft_values(source_text: str) -> set[float]:
    out: set[float] = set()
    for pattern, values in _EN_SOFT:
        if re.search(pattern, source_text, re.I):
            out |= values
    for m in re.finditer(_EN_HYPHENED, source_text, re.I):
        out.add(float(as_digits(m.group(1), "en")))
    return out


# Thirds and quarters as digits in a translation ("tres cuartos" is 3/4, not a fourth; 三分之一 is 1/3 by cn2an)
_FRACTIONS = {
    "de": [(r"\bein drittel\b", "1/3"), (r"\bzwei drittel\b", "2/3"), (r"\bein viertel\b(?! (?:nach|vor)\b)", "1/4"),
           (r"\bdrei ?viertel\b(?! (?:nach|vor)\b|\s*\d|\s*(?:eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf)\b)", "3/4")],
    "fr": [(r"\bun tiers\b", "1/3"), (r"\bdeux tiers\b", "2/3"), (r"\bun quart\b", "1/4"), (r"\btrois quarts\b", "3/4")],
    "es": [(r"\bun tercio\b", "1/3"), (r"\bdos tercios\b", "2/3"), (r"\bun cuarto\b", "1/4"), (r"\btres cuartos\b", "3/4")],
}


def _fractions(lang: str, text: str) -> str:
    for pattern, digits in _FRACTIONS[lang]:
        text = re.sub(pattern, digits, text, flags=re.I)
    return text


def _zh_clock(m: re.Match) -> str:
    """七点 is seven o'clock, but 一点 alone is "a little" (慢一点): a clock only with more of a time."""
    after = m.string[m.end():m.end() + 4]  # 一点零五分: 1:05
    before = m.string[max(0, m.start() - 5):m.start()]
    if m.group(1) in ("一", "1") and not re.match(r"[半整钟刻]|\d|[零〇一二三四五六七八九十]+分", after) \
            and not re.search(r"[午晚早凌上下夜]|差", before):  # 差五分一点: five to one
        return m.group(0)
    return m.group(1) + "時"


@functools.lru_cache(maxsize=4096)  # the number and unit checks of a segment read the same texts
def as_digits(text: str, lang: str) -> str:
    """The text with number words written as digits ("nine degrees": "9 degrees", 两升: 2升)."""
    text = unicodedata.normalize("NFKC", text)
    text = _SPLIT.get(lang, lambda t: t)(text)
    if lang in WORD_NUMBER_LANGUAGES:
        from text_to_num import alpha2digit

        text = _scale_words(text, lang)  # "£40 million": 40000000
        try:
            text = alpha2digit(text, lang, 0)
        except Exception:  # a sentence it cannot parse keeps its words (and is read for digits only)
            pass
        text = _scale_words(text, lang)  # and "forty million"
    elif lang in CJK_NUMERALS:
        import warnings

        import cn2an

        hidden: list[str] = []  # names with a numeral in them (四川, 三星) and a lone financial numeral (奥斯陆: Oslo)

        def hide(m: re.Match) -> str:
            hidden.append(m.group(0))
            return chr(0xE000 + len(hidden) - 1)
        if not re.search("[\uE000-\uF8FF]", text):  # the placeholders are private-use characters: only where none is
            text = re.sub(_CJK_NOT_NUMBERS, hide, text)
        text = re.sub(r"(\d+(?:\.\d+)?)\s*(万|億|亿)(\d*)", _myriad, text)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                text = cn2an.transform(text, "cn2an")
            except Exception:
                pass
        text = re.sub(r"(\d+(?:\.\d+)?)\s*(万|億|亿)(\d*)", _myriad, text)
        if hidden:
            text = re.sub("[\uE000-\uF8FF]", lambda m: hidden[ord(m.group(0)) - 0xE000], text)
    return text


# A digit and a scale word after it ("40 million", "2,5 Milliarden"), in the languages of text2num
# (a "billion" is 10^12 in German and French: "2 billions d'euros" for "2 billion euros" is wrong)
_SCALE = {"en": {"million": 10**6, "millions": 10**6, "billion": 10**9, "billions": 10**9},
          "de": {"million": 10**6, "millionen": 10**6, "mio": 10**6, "milliarde": 10**9, "milliarden": 10**9, "mrd": 10**9,
                 "billion": 10**12, "billionen": 10**12},
          "fr": {"million": 10**6, "millions": 10**6, "milliard": 10**9, "milliards": 10**9, "billion": 10**12, "billions": 10**12},
          "es": {"mil millones": 10**9, "millón": 10**6, "millones": 10**6, "billón": 10**12, "billones": 10**12},
          "it": {"milione": 10**6, "milioni": 10**6, "miliardo": 10**9, "miliardi": 10**9}}


@functools.cache
def _scale_pattern(lang: str) -> re.Pattern:
    words = "|".join(sorted(map(re.escape, _SCALE[lang]), key=len, reverse=True))
    return re.compile(rf"(\d+(?:[.,]\d+)?)\s*({words})\.?(?!\w)", re.I)


def _scale_words(text: str, lang: str) -> str:
    scale = _SCALE.get(lang)
    if not scale:
        return text

    def scaled(m: re.Match) -> str:
        number = m.group(1)
        value = float(number.replace(",", ".")) if re.fullmatch(r"\d+[.,]\d{1,2}", number) else float(re.sub(r"\D", "", number))
        value *= scale[m.group(2).lower()]
        return str(int(value)) if value == int(value) else str(value)
    return _scale_pattern(lang).sub(scaled, text)


def _myriad(m: re.Match) -> str:
    scale = 10_000 if m.group(2) == "万" else 100_000_000
    rest = int(m.group(3)) if m.group(3) else 0
    value = float(m.group(1)) * scale + rest
    return str(int(value)) if value == int(value) else str(value)


def _readings(token: str, lang: str) -> frozenset[float]:
    """The values a written number can mean ("1.200" is 1200 in German and 1.2 in English)."""
    out = set()
    token = re.sub(r"(?<=\d)['’](?=\d{3})", "", token)
    for thousands, decimal in ((",", "."), (".", ","), (" ", ",")):
        parts = token.split(decimal)
        if len(parts) > 2:
            continue
        whole = parts[0]
        if thousands in whole and not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+", whole):
            continue
        try:
            out.add(float(whole.replace(thousands, "") + ("." + parts[1] if len(parts) == 2 else "")))
        except ValueError:
            pass
    return frozenset(out or {float(re.sub(r"\D", "", token))})  # "0171 555": a phone number's digits


# Clock times, after number words became digits: (pattern, hour group, minutes or a group name).
_H, _M = r"(?P<h>\d{1,2})", r"(?P<m>\d{2})"
_HN = r"(?P<h>\d{1,2}|noon|midday|midnight)"  # "twenty to midnight": 11:40
# "ten to four" is 3:50 after a word that says a time follows ("from ten to four" is a span, "5 to 10 people" a range)
_AT = r"\b(?:at|by|until|till|before|after|around|about|since|it's|it is|it was|already|just|exactly|nearly|almost|gone|or|and|than) "
# not a range of counted things ("about 10 to 15%", "5 to 10 people"); "the score was 20 to 10" has no word above
_NOT_COUNTED = (r"(?!\s*(?:%|minutes?|hours?|days?|weeks?|months?|years?|people|persons|guests|times|percent|per|degrees?|euros?|"
                r"dollars?|pounds?|km|kg|miles?|metres?|meters?|points?)\b|\s*%)")
_TIMES: dict[str, list[tuple[str, int | str | None]]] = {
    "*": [(rf"(?<![\d.,:]){_H}\s*[:：]\s*{_M}(?![\d:])", None)],
    "en": [(rf"\bhalf past {_HN}\b", 30), (rf"\b(?:at|until|till|to|before|after|from|since) half {_H}\b{_NOT_COUNTED}", 30),  # half eight: 8:30 (British), not "by half"
           (rf"\bquarter past {_HN}\b", 15), (rf"\bquarter to {_HN}\b", -15),
           (rf"\b(?P<m>5|10|20|25)(?: minutes)? past {_HN}\b{_NOT_COUNTED}", None),
           (rf"{_AT}(?P<m>5|10|20|25)(?: minutes)? to {_HN}\b{_NOT_COUNTED}", "to"),
           (rf"\b(?:at|by|from|until|till|before|after|the) {_H} {_M}\b", None),
           (rf"\b(?:at|by|from|until|till|before|after) {_H}\.{_M}\b(?!\s*(?:%|per|percent|each|apiece|a (?:piece|share|kilo|pound)|"
            rf"euros?|dollars?|pounds?|kg|km|m)\b|\s*%)", None),  # at 8.30, not "at 4.50 each"
           (rf"\b{_H}(?:\s*o'clock|\s*[ap]\.?m\b\.?)", 0), (r"\b(?:noon|midday|midnight)\b", 0)],
    "de": [(rf"\b(?P<m>5|10) vor halb {_H}\b", "to half"), (rf"\b(?P<m>5|10) nach halb {_H}\b", "past half"),  # 5 vor halb 6: 5:25
           (rf"\b(?P<m>5|10|20|25) (?:minuten )?vor (?:{_H}|(?P<h2>mitternacht))\b(?! (?:minuten|stunden|tagen|wochen)\b)", "to"),
           (rf"\b(?P<m>5|10|20|25) (?:minuten )?nach {_H}\b(?! (?:minuten|stunden|tagen|wochen)\b)", None), (rf"\bhalb {_H}\b", -30), (rf"\bviertel nach {_H}\b", 15), (rf"\bviertel vor {_H}\b", -15),
           (rf"\b{_H}[.:]{_M}\s*uhr\b", None), (rf"\b(?:um|gegen|ab|bis) {_H}[.:]{_M}\b", None), (rf"\b{_H}\s*uhr(?:\s*{_M})?\b", None), (r"\bmitternacht\b|\b(?:um|vor|bis|gegen|ab) mittag\b", 0)],
    "fr": [(rf"\b(?:{_H}\s*(?:heures?|h)|(?P<h2>midi|minuit))\s*(?:et demie)\b", 30),
           (rf"\b(?:{_H}\s*(?:heures?|h)|(?P<h2>midi|minuit))\s*et quart\b", 15),
           (rf"\b(?:{_H}\s*(?:heures?|h)|(?P<h2>midi|minuit))\s*moins (?:le )?quart\b", -15), (rf"\b(?:{_H}\s*(?:heures?|h)|(?P<h2>minuit|midi))\s*moins (?P<m>5|10|20|25)\b", "to"),
           (rf"(?<!\bdans )(?<!\ben )(?<!pendant )(?<!depuis )(?<!durant )\b{_H}\s*(?:heures?|h)(?:\s*{_M})?\b", None),
           (r"(?<!-)\b(?:midi|minuit)\b", 0)],  # not the midi of après-midi
    "es": [(rf"\b{_H} y media\b(?!\s+horas?)", 30), (rf"\b{_H} y (?:cuarto|4º)(?!\s+horas?)", 15), (rf"\b{_H} menos (?:cuarto|4º)", -15),  # text2num: 4º
           (rf"\blas? {_H} menos (?P<m>5|10|20|25)\b", "to"), (rf"\blas? {_H} y (?P<m>5|10|20|25)\b(?! minutos)", None),
           (rf"\blas? {_H}(?:(?:[:.]| y ){_M})?\b", None), (r"\b(?:mediodía|medianoche)\b", 0)],
    "zh": [(rf"差\s*(?P<m>5|10|20|25)\s*分?\s*{_H}\s*[时時]", "to"), (rf"{_H}\s*[时時]\s*差\s*(?P<m>5|10|20|25)\s*分?", "to"),
           (rf"{_H}\s*[时時]\s*半", 30), (rf"{_H}\s*[时時]\s*1刻", 15), (rf"{_H}\s*[时時]\s*3刻", 45),  # 点 of a clock is 時 by now
           (rf"{_H}\s*[时時](?:\s*(?P<m>\d{{1,2}})\s*分?)?", None), (r"(?:中午|正午|午夜|半夜)(?!\s*\d)", 0)],
    # 9時10分前 is 8:50; 9時45分前 is before 9:45
    "ja": [(rf"{_H}\s*時\s*(?P<m>5|10|20|25)\s*分\s*前", "to"), (rf"{_H}\s*時\s*半", 30), (rf"{_H}\s*時(?:\s*(?P<m>\d{{1,2}})\s*分)?", None),
           (r"(?:正午|午前0時|お昼|昼(?=前|過ぎ|すぎ|まで|頃|ごろ))(?!\d)", 0)],
}


# The half of the day a clock time is in. An English source says it with am/pm or a part of the
# day; a translation with a 24-hour clock or a word of its own ("10 pm" -> "22 Uhr", "10 heures du
# soir", "晚上十点"): "10 heures" alone has lost it.
_EN_HALF = {"pm": r"\d\s*p\.?\s?m\b|\b(?:tonight|this evening|in the evening|this afternoon|in the afternoon|at night)\b",
            "am": r"\d\s*a\.?\s?m\b|\b(?:this morning|in the morning)\b"}
_HALF_WORDS = {
    "pm": {"de": r"abends?|nachmittags?|nachts?|p\.?\s?m\.?", "fr": r"soir|après-midi|nuit|p\.?\s?m\.?",
           "es": r"tarde|noche|p\.?\s?m\.?", "zh": r"下午|晚|傍晚|夜|pm|PM", "ja": r"午後|夜|夕方|晩|pm|PM"},
    "am": {"de": r"morgens|vormittags?|früh|a\.m\.", "fr": r"matin|a\.?\s?m\.?", "es": r"de la mañana|madrugada|a\.?\s?m\.?",
           "zh": r"上午|早|凌晨|am|AM", "ja": r"午前|朝|am|AM"},
}


# A number below zero: English says "minus five", "-5" or "five below zero"; a translation must keep
# the sign ("moins cinq", "minus fünf", 零下五度, 地下2階 for a floor), not "moins de cinq" (fewer than five).
_NUMERAL = r"(\d+(?:[.,]\d+)?)"  # no trailing full stop: "minus five." is 5
_EN_NEGATIVE = (rf"\bminus\s+{_NUMERAL}|\b{_NUMERAL}\s*(?:degrees?\s+)?below (?:zero|0)\b"
                rf"|(?<![\w.\-−–])(?<!\d\s)[-−]{_NUMERAL}")  # "-5", not the dash of "pages 10 -20"
_SIGN = r"(?<![A-Za-z0-9.\-])[-−–]\s?\d"  # 在-18度: a sign after a Chinese character too
_NEGATIVE_WORDS = {"de": r"\bminus\b|untergeschoss|\bUG\b|keller|unter null", "fr": r"\bmoins\s+(?!de\b|d['’])\S|sous[- ]sol",
                   "es": r"\bmenos\s+(?!de\b)\S|sótano|bajo cero", "zh": r"零下|负|負|地下", "ja": r"マイナス|氷点下|零下|地下"}


def _negatives_lost(source_digits: str, target_text: str, target: str) -> list[Fact]:
    """The numbers below zero of an English source (number words as digits), when the translation
    has no sign or word for one."""
    said = list(re.finditer(_EN_NEGATIVE, source_digits, re.I))
    if not said or target not in _NEGATIVE_WORDS:
        return []
    text = unicodedata.normalize("NFKC", target_text)
    if re.search(_SIGN, text) or re.search(_NEGATIVE_WORDS[target], text, re.I):
        return []
    return [Fact(NUMBER, frozenset({-float(v.replace(",", "."))}), f"-{v}") for m in said
            for v in [next(g for g in m.groups() if g)]]


def _half_said(text: str) -> str | None:
    """"am" or "pm" when an English sentence puts its clock times in one half of the day."""
    halves = [h for h, pattern in _EN_HALF.items() if re.search(pattern, text, re.I)]
    return halves[0] if len(halves) == 1 else None


def _halves_kept(text: str, lang: str, times: list[Fact]) -> set[str]:
    """The halves of the day a translation names: its words for them, else its clock (13-23 is pm;
    where the 24-hour clock is the norm, a bare 1-11 is am: "10 heures" is ten in the morning)."""
    cjk = lang in CJK_NUMERALS
    kept = {h for h, words in _HALF_WORDS.items() if lang in words
            and re.search(words[lang] if cjk else rf"\b(?:{words[lang]})\b", text, re.I)}
    hours = [int(f.text.split(":")[0]) for f in times]
    if any(12 < h <= 24 for h in hours):
        kept.add("pm")
    if lang in CLOCK_24 and any(0 < h < 12 for h in hours):  # even beside a pm word or time: "15:00 ... um 11 Uhr"
        kept.add("am")
    return kept


def _time_facts(text: str, lang: str) -> tuple[list[Fact], str]:
    """Clock times in `text` and the text with them blanked out (so their digits are not read twice)."""
    found = []
    for pattern, minutes in _TIMES["*"] + _TIMES.get(lang, []):
        def take(m: re.Match) -> str:
            h = m.groupdict().get("h")
            hour = int(h) if h and h.isdigit() else 12  # noon, midnight
            if minutes is None:
                minute = int(m.group("m")) if m.groupdict().get("m") else 0
            elif minutes == "to":  # "twenty to nine", "zehn vor neun", 9時10分前: 8:40
                hour, minute = hour - 1, 60 - int(m.group("m"))
            elif minutes in ("to half", "past half"):  # "fünf vor halb sechs": 5:25
                hour, minute = hour - 1, 30 + (int(m.group("m")) if minutes == "past half" else -int(m.group("m")))
            elif minutes < 0:  # "quarter to eight", "halb acht": before the hour named
                hour, minute = hour - 1, 60 + minutes
            else:
                minute = minutes
            if hour < 0:  # "5 vor 0 Uhr", 0時10分前: 23:55, 23:50
                hour += 24
            if hour > 24 or not 0 <= minute <= 59:
                return m.group(0)
            found.append(Fact("time", (hour % 12, minute), f"{hour}:{minute:02d}"))
            return " " * len(m.group(0))
        text = re.sub(pattern, take, text, flags=re.I)
    return found, text


_NUMBER_TOKEN = re.compile(r"(?<!\d[.,])(?<!\d)\d+(?:[.,]\d+|[  '’]\d{3}(?!\d))*")  # 3'750: Swiss thousands


# An amount said as its two units, "12 dollars 50" ("douze euros cinquante", "dos euros con cincuenta",
# "two euros and fifty cents", 两欧元五十, 3块5), is written 12.50 as often
_MAJOR_MINOR = re.compile(r"\b(\d+) ((?i:dollars?|dólar(?:es)?|pounds?|pfund|euros?|francs?|franken|livres?|libras?)) (?:(con|y|et|und|and|e) )?(\d{1,2})\b"
                          r"(?:\s*((?i:cents?|centimes?|céntimos?|centavos?|centesimi|pence|p))\b)?(?![.,:]?\d|\s*(?:%|per|mal|fois|veces|times))")
_MAJOR_MINOR_CJK = re.compile(r"(\d+)\s*(欧元|美元|英镑|镑|磅|加元|元|块|ユーロ|ドル|ポンド)\s*(\d{1,2})(?:\s*(分|角|毛|セント|ペンス|便士|美分|欧分)|(?=\s*(?:[，。,.;；!！?？、）)]|$|的|左右)))")
# "deux euros et cinquante cents": the coin, not "hundreds" (deux cents is 200)
_FRENCH_COINS = re.compile(r"\b(euros?|dollars?|livres?|francs?) et ([a-zé-]+) cents\b", re.I)


def _joined_amounts(text: str) -> str:
    """Amounts said in two units written as one ("12 dollars 50": "12.50 dollars"); a joining word
    ("et", "and") only where the coin is named ("2 euros et 50 personnes" is two amounts)."""
    def join(m: re.Match) -> str:
        major, unit, joiner, minor, coin = m.groups()
        if (joiner and joiner.casefold() != "con" and not coin) or (len(minor) < 2 and not coin):
            return m.group(0)
        return f"{major}.{int(minor):02d} {unit}"

    def join_cjk(m: re.Match) -> str:
        major, unit, minor, coin = m.groups()
        tenths = coin in ("角", "毛") or (not coin and len(minor) == 1 and unit in ("元", "块"))  # 3块5: 3.5
        if not coin and len(minor) == 1 and not tenths:
            return m.group(0)
        return f"{major}.{minor if tenths else f'{int(minor):02d}'}{unit}"
    return re.sub(_MAJOR_MINOR_CJK, join_cjk, re.sub(_MAJOR_MINOR, join, text))


def facts(text: str, lang: str) -> list[Fact]:
    """What `text` (in `lang`) says that a translation must keep: numbers, clock times, days."""
    text = unicodedata.normalize("NFKC", text)
    holidays, text = _holiday_facts(text, lang)
    periods = _period_facts(text, lang)  # before the days are taken out: 下周五 is next Friday, and next week too
    found = _calendar_facts(text, lang)
    for f in found:  # a day's name is read as a day, not as a number ("星期一", "一昨日")
        text = text.replace(f.text, " ")
    found += _currency_facts(text, lang) + periods + holidays
    if lang == "en":
        decades, text = _decade_facts(text)
        found += decades
    if lang == "fr":
        text = re.sub(_FRENCH_COINS, r"\1 et \2 centimes", text)
    written = _joined_amounts(as_digits(text, lang))  # "twelve dollars fifty": 12.50 dollars
    if lang in CJK_NUMERALS:
        def month(m: re.Match) -> str:  # 5月: May, not also a number 5; 28月 a month no calendar has (the 28th misread)
            if int(m.group(1)) >= 1 and not re.match(r"\s*[个か]", written[m.end():]):
                found.append(Fact("month", int(m.group(1)), m.group(0)))
                return " " * len(m.group(0))
            return m.group(0)
        written = re.sub(r"(\d{1,2})\s*月(?!\s*(?:间|以来))", month, written)

        def discount(m: re.Match) -> str:  # 七折: pay 70 %, 30 % off; 3割引: 30 % off
            n = float(m.group(1))
            tenths = n * 10 if n < 10 else n
            found.append(Fact(NUMBER, frozenset({tenths, 100 - tenths}) if m.group(2) == "折" else frozenset({n * 10}), m.group(0)))
            return " " * len(m.group(0))
        written = re.sub(r"(\d+(?:\.\d)?)\s*(折|割)", discount, written)
        if lang == "zh":  # 九成: 90 % (not 2成人, 成员, 成年: adults, members)
            written = re.sub(r"(?<![\d.])(\d)\s*成(?![人员員年本绩績长長立功为為果熟交品分])", lambda m: f"{int(m.group(1)) * 10}% ", written)
    times, rest = _time_facts(written, lang)
    found += times
    dates, rest = _numeric_dates(rest, lang)
    found += dates
    for m in _NUMBER_TOKEN.finditer(rest):
        token = m.group(0).strip()
        values = _readings(token.replace(" ", " "), lang)
        if values and values != frozenset({1.0}):
            found.append(Fact(NUMBER, values, token))
    return found


# Dates in digits: the month is a month ("15.04.2024" says April), the day and the year numbers. An
# English source's "04/11" is either order, so there only the numbers are read.
# (not an IP address, a version or a phone number written with dots: no digits chained on either side)
_DATES = [(r"(?<![\d.])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![.\d])", ("*",)),  # 2026-11-04, 2026/11/04
          (r"(?<![\d.])(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{2}|\d{4})(?![.\d])", ("de", "fr", "es", "it", "pt", "nl")),  # 04.11.2026
          (r"(?<![\d.])(?<!\bum )(?<!\bgegen )(?<!\bab )(?<!\bbis )(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?!\d)", ("de",))]  # am 04.11. fällig


def _numeric_dates(text: str, lang: str) -> tuple[list[Fact], str]:
    found: list[Fact] = []
    if lang == "en":
        return found, text

    def take(m: re.Match) -> str:
        month = int(m.group("m"))
        if not 1 <= month <= 12 or not 1 <= int(m.group("d")) <= 31:
            return m.group(0)
        found.append(Fact("month", month, m.group(0)))
        for part in ("d", "y"):
            if part in m.groupdict() and m.group(part):
                found.append(Fact(NUMBER, frozenset({float(m.group(part))}), m.group(part)))
        return " " * len(m.group(0))
    for pattern, langs in _DATES:
        if "*" in langs or lang in langs:
            text = re.sub(pattern, take, text)
    return found, text


def _hours(times: list[Fact]) -> set[float]:
    return {float(h + d) for f in times for h in (f.value[0],) for d in (0, 12, 24) if h + d <= 24}


@dataclass(frozen=True)
class Mismatch:
    """What a translation lost (`missing`), what it says in their place (`instead`), and days it
    named that the source does not (`added`: an invented Thursday)."""

    missing: list[Fact]
    instead: list[Fact]
    added: list[Fact]

    def __bool__(self) -> bool:
        return bool(self.missing or self.added)

    @property
    def reason(self) -> str:
        """In words: "the source says 7:30, the translation 10:30"."""
        def said(found: list[Fact]) -> str:  # a named day is two facts (month and day) written once: "Boxing Day"
            return ", ".join(dict.fromkeys(f.text for f in found))
        if self.missing:
            return f"the source says {said(self.missing)}, the translation {said(self.instead) or 'does not say it'}"
        return f"the translation says {said(self.added)}, which the source does not"


def _same(a: Fact, b: Fact) -> bool:
    return a.kind == b.kind and a.value == b.value


def _values(said: list[Fact]) -> set[float]:
    """Every value a text's facts can stand for: numbers' readings, clock hours (12- and 24-hour)
    and minutes, months."""
    times = [f for f in said if f.kind == "time"]
    return _minutes(said) | _hours(times) | {float(f.value) for f in said if f.kind == "month"}


def _minutes(said: list[Fact]) -> set[float]:
    """The values that can stand for a clock time's minutes: numbers and minutes, not the 24-hour
    reading of an hour ("drei Uhr" is 3 or 15 o'clock, which says nothing of "a quarter past")."""
    return set().union(*(f.value for f in said if f.kind == NUMBER)) | {float(f.value[1]) for f in said if f.kind == "time"}


# Noon and midnight are both twelve o'clock: only the word tells them apart ("before noon" ->
# "antes de la medianoche" is wrong by twelve hours).
_NOON = {"en": r"\bnoon\b|\bmidday\b", "de": r"\bmittags?\b|mittagszeit", "fr": r"(?<!-)\bmidi\b", "es": r"mediodía",
         "zh": r"中午|正午|下午12[点點時时]", "ja": r"正午|昼|午後(?:12|0)時"}  # 午後12時: 12 pm, noon
_TWELVE_AM = r"|\b12(?:[:.]00)?\s*a\.?\s?m\b"  # 12:00 a.m. is midnight in every language
_MIDNIGHT = {lang: words + _TWELVE_AM for lang, words in {
    "en": r"\bmidnight\b", "de": r"mitternacht|(?:12|zwölf) uhr nachts|\b(?:0|24) uhr", "fr": r"\bminuit\b|\b(?:0|24) ?h",
    "es": r"medianoche|(?:12|doce) de la noche|las (?:0|24)[:.]", "zh": r"午夜|半夜", "ja": r"深夜|真夜中|夜中|午前0時"}.items()}


# The weekend is a time the translation must keep: its own word, or a Saturday or Sunday.
_WEEKEND = {"en": r"\bweekends?\b", "de": r"wochenend", "fr": r"\bweek-?ends?\b|\bfins? de semaine\b", "es": r"\bfin(?:es)? de semana\b|\bfinde\b", "zh": r"周末|週末",
            "ja": r"週末|土日"}


def _weekend(source_text: str, target_text: str, source: str, target: str, said: list[Fact],
             got: list[Fact]) -> tuple[list[Fact], list[Fact]]:
    """([the weekend] when the source says it and the translation has no word or day for it,
    [the translation's weekend] when the translation says it and the source has no word or day for it)."""
    if source not in _WEEKEND or target not in _WEEKEND:
        return [], []
    days_said = any(f.kind == "weekday" and f.value in (5, 6) for f in said)
    days_got = any(f.kind == "weekday" and f.value in (5, 6) for f in got)
    in_source = re.search(_WEEKEND[source], source_text, re.I)
    in_target = re.search(_WEEKEND[target], target_text, re.I)
    lost = [Fact("weekday", "weekend", in_source.group(0))] if in_source and not in_target and not days_got else []
    added = [Fact("weekday", "weekend", in_target.group(0))] if in_target and not in_source and not days_said else []
    return lost, added


def _twelve_lost(source_text: str, target_text: str, source: str, target: str,
                 got_times: list[Fact]) -> list[tuple[Fact, Fact]]:
    """(said, translated instead) when noon is said and midnight translated, or the other way round;
    or midnight said and a bare 12 o'clock written where the 24-hour clock reads it as noon."""
    if source not in _NOON or target not in _NOON:
        return []
    out = []
    if re.search(_MIDNIGHT[source], source_text, re.I) and target in CLOCK_24 and not re.search(_MIDNIGHT[target], target_text, re.I) \
            and any(f.text.startswith("12:") for f in got_times):
        return [(Fact("time", (0, 0), "midnight"), Fact("time", (0, 0), "12:00 (noon)"))]
    for said, other, name in ((_NOON, _MIDNIGHT, "noon"), (_MIDNIGHT, _NOON, "midnight")):
        if re.search(said[source], source_text, re.I) and not re.search(said[target], target_text, re.I) \
                and re.search(other[target], target_text, re.I):
            out.append((Fact("time", (0, 0), name), Fact("time", (0, 0), "midnight" if name == "noon" else "noon")))
    return out


def _same_yen(a: Fact, b: Fact) -> bool:
    """¥ is the sign of the yen and of the yuan: written so on one side, either currency is kept."""
    return {a.value, b.value} <= {"JPY", "CNY"} and "¥" in unicodedata.normalize("NFKC", a.text + b.text).replace("￥", "¥")


def _number_in(fact: Fact, values: set[float], digits: str) -> bool:
    """A number among `values`, or its digits (three or more) inside `digits`: a phone number grouped otherwise."""
    own = re.sub(r"\D", "", fact.text)
    return bool(fact.value & values) or (len(own) >= 3 and own in digits)


def _digit_string(said: list[Fact]) -> str:
    return "".join(re.findall(r"\d", " ".join(f.text for f in said)))


# A capitalised number word inside a name ("the Two Oceans Aquarium", "Three Kings Day"), not a sentence's first word
_NAMED_NUMBER = re.compile(r"(?<!^)(?<![.!?] )\b(?:" + "|".join(w.capitalize() for w in _EN_UNITS.split("|") if w != "one")
                           + r")\s+[A-Z][a-z]+")


_SPACED_DECIMAL = re.compile(r"(?<![\d.,])(\d+), (\d{1,2})(?!\d)")


def _spaced_decimals(source_text: str, target_text: str) -> str:
    """A decimal comma with a space after it ("29, 50 euros", "2, 5 %", "à 7, 20"), as small models
    write it and readers accept, is the source's 29.50 or 7:20 where the source says exactly that;
    anywhere else "2, 3" stays two numbers."""
    def joined(m: re.Match) -> str:
        whole, part = m.groups()
        if re.search(rf"(?<![\d.]){whole}\.{part}(?!\d)", source_text):
            return f"{whole},{part}"
        if re.search(rf"(?<![\d:]){whole}:{part}(?!\d)", source_text):
            return f"{whole}:{part}"
        return m.group(0)

    return _SPACED_DECIMAL.sub(joined, target_text)


def compare(source_text: str, target_text: str, source: str, target: str) -> Mismatch:
    """What the source says that the target does not (any usual writing counts as saying it)."""
    if target not in CJK_NUMERALS:
        target_text = _spaced_decimals(source_text, target_text)
    source_read = source_text
    if source == "en":  # "below zero" says a sign, not a 0 to repeat (checked below); "a fifteen-minute walk" says 15,
        source_read = re.sub(r"(?i)\bbelow zero\b", "below", source_text)  # unless the target writes it in one word
        source_read = source_read if target in COMPOUNDING else re.sub(_EN_HYPHENED, r"\1 ", source_read, flags=re.I)
        # a number word in a name the translation keeps as written ("the Two Oceans Aquarium") is the name's
        source_read = re.sub(_NAMED_NUMBER, lambda m: " " if m.group(0) in target_text else m.group(0), source_read)
    said = facts(source_read, source)
    if source != "en" or target not in _PERIOD_WORDS:  # a week said relative to now: read from English, into a listed language
        said = [f for f in said if f.kind != "period"]
    got = facts(target_text, target)
    got_times = [f for f in got if f.kind == "time"]
    pool, got_minutes, got_digits = _values(got), _minutes(got), _digit_string(got)
    # an hour is an hour or a number, not the minutes of another time (noon is not the :00 of 5:00)
    hour_pool = _hours(got_times) | set().union(*(f.value for f in got if f.kind == NUMBER))
    missing = []
    for fact in said:
        if fact.kind == NUMBER:
            ok = _number_in(fact, pool, got_digits)
        elif fact.kind == "time":
            hour, minute = fact.value
            ok = any(_same(fact, t) for t in got_times) or (
                {float(hour), float(hour + 12)} & hour_pool and (minute == 0 or float(minute) in got_minutes)) or (
                hour == 1 and minute == 0 and re.search(r"(?<![\d:.,])1(?![\d:.,])", target_text))  # a 1 is read as no number
        elif fact.kind == "currency":
            ok = any(_same(fact, g) or _same_yen(fact, g) for g in got)
        else:
            ok = any(_same(fact, g) for g in got)
        if not ok:
            missing.append(fact)
    source_digits = as_digits(source_text, "en") if source == "en" else ""  # read once for both checks below
    half = _half_said(source_digits) if source == "en" and target in _HALF_WORDS["pm"] else None
    # twelve o'clock is noon or midnight, in neither half: "12 pm" -> "12 Uhr", "midi" keep it
    said_times = [f for f in said if f.kind == "time" and f not in missing and 0 < int(f.text.split(":")[0]) < 12]
    if half and said_times and got_times:
        kept = _halves_kept(target_text, target, got_times)
        # where a bare hour has one reading (the 24-hour clock) it must be the right one; where it is
        # read either way (zh, ja: "10時" for 10 pm is how people say it), only the wrong half counts
        if half not in kept and (target in CLOCK_24 or kept):
            missing += [Fact("time", f.value, f"{f.text} {half}") for f in said_times]  # "10 pm" -> "10 heures"
    if source == "en":
        missing += _negatives_lost(source_digits, target_text, target)
    twelve = _twelve_lost(source_text, target_text, source, target, got_times)
    weekend_lost, weekend_added = _weekend(source_text, target_text, source, target, said, got)
    missing += weekend_lost
    missing += [said for said, _ in twelve]
    # a month the target says as a month explains no other number there ("in June" -> "le 6 juin" adds a day)
    got_months = {g.value for g in got if g.kind == "month"}
    said_pool = _values([f for f in said if f.kind != "month" or f.value not in got_months])
    said_minutes, said_digits = _minutes(said), _digit_string(said)
    if source == "en" and re.search(r"(?i)\bhalf\b", source_text):  # "two and a half hours": 两个半小时, 2,5 h, 2h30
        said_pool, said_minutes = said_pool | {0.5, 30.0}, said_minutes | {0.5, 30.0}
    if source == "en":
        said_pool |= _soft_values(source_text)
    dated = {float(v) for m in re.finditer(r"\b(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})\b|\b(\d{1,2})/(\d{1,2})\b", source_text)
             for v in m.groups() if v}  # 15/03/2024, 16/06 (not a decimal: 2.5)
    weekend = bool(re.search(_WEEKEND["en"], source_text, re.I)) if source == "en" else False
    # "weekdays" said as "Monday to Friday" (not as one of them: "on weekdays" -> "le lundi" is wrong)
    weekdays = source == "en" and bool(re.search(r"\bweekdays?\b", source_text, re.I)) and \
        {0, 4} <= {g.value for g in got if g.kind == "weekday"}
    lost_kinds = {k for f in missing for k in ((NUMBER, "time") if f.kind in (NUMBER, "time") else (f.kind,))}

    def explained(g: Fact) -> bool:
        if any(_same(g, s) for s in said):
            return True
        if g.kind == NUMBER:
            return _number_in(g, said_pool, said_digits)
        if g.kind == "time":
            return float(g.value[0]) in said_pool | {float(v % 12) for v in said_pool if v == int(v)} and (
                g.value[1] == 0 or float(g.value[1]) in said_minutes)
        if g.kind == "weekday":  # "the weekend": Saturday and Sunday; "weekdays": Monday to Friday
            return (weekend and g.value in (5, 6)) or (weekdays and g.value in range(5))
        if g.kind == "month":  # said by the source's number ("15/03/2024"); 6月 is a month only when written so,
            # a Latin word when it follows a day ("21 de julio")
            return float(g.value) in dated or (
                target not in CJK_NUMERALS and not re.search(rf"\d\.?\s*(?:de\s+)?{re.escape(g.text)}", target_text, re.I))
        if g.kind == "currency":
            return any(_same_yen(g, s) for s in said if s.kind == "currency")
        if g.kind == "day" and g.value == -1 and source == "en":  # "last night" is yesterday evening: 昨天晚上, hier soir
            return re.search(r"\blast night\b", source_text, re.I) is not None
        return g.kind != "day"

    instead = [g for g in got if g.kind in lost_kinds and not explained(g)] + [other for _, other in twelve]
    added = [g for g in got if not explained(g)] + weekend_added
    return Mismatch(missing, instead, added)
