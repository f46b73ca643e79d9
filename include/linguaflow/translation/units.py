"""What a number or a day is counted in, which a translation must keep: units, parts of the day,
seasons and meals, next and last, halves and dozens.

`numbers` checks that "18" is still 18; it cannot see "18 kilometres" become 18 miles, "half a
litre of milk" become half a spoon, "at 8 in the evening" become 8 in the afternoon, "next
Tuesday" become any Tuesday, "after lunch" become after the afternoon, or "the half marathon"
become a marathon. Readers of the error benchmark count each as a changed number. Each entry below is an English pattern and, per target
language, the words (any one of them, any case, inside a compound too: "Abendessen" keeps the
evening) that say the same; a target without a list is not checked. The lists are lenient on
purpose (Spanish "tarde" is afternoon and evening, Japanese 午後 is any pm) so that a flag means the
word is gone, not that it was said another usual way.

Not covered: units of time (hours, days: "six a day" read as six days), rates ("per night"),
and "this" before a week or year (often rightly left out).
"""

from __future__ import annotations

import re
import unicodedata

from . import numbers

_DAYS_AND_PERIODS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|week(?:end)?|month|year"
# "last March" said as "March" reads as the coming one; "next March" as "March" is how people say it (3月に退職します)
_MONTHS_AND_SEASONS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
                       "spring|summer|autumn|winter")

# (what the source says, English pattern, {target: words that keep it})
_KEPT: list[tuple[str, str, dict[str, str]]] = [
    # units of measure
    ("litre", r"\b(?:litres?|liters?)\b", {"de": r"liter|\d\s?l\b", "fr": r"litre|\d\s?l\b", "es": r"litro|\d\s?l\b", "zh": r"升", "ja": r"リットル|ℓ|\d\s?l\b"}),
    ("kilometre", r"\b(?:kilometres?|kilometers?|km)\b", {"de": r"kilometer|km", "fr": r"kilom[èe]tre|km", "es": r"kil[óo]metro|km",
                                                         "zh": r"公里|千米|km", "ja": r"キロ|km|粁"}),
    ("metre", r"\b(?:metres?|meters?)\b", {"de": r"meter|\d\s?m\b", "fr": r"m[èe]tre|\d\s?m\b", "es": r"metro|\d\s?m\b", "zh": r"米|\d\s?m\b",
                                           "ja": r"メートル|米|\d\s?m\b"}),
    ("mile", r"\bmiles?\b", {"de": r"meile", "fr": r"mile|mille", "es": r"milla", "zh": r"英里|哩", "ja": r"マイル"}),
    ("kilogram", r"\b(?:kilograms?|kilogrammes?|kilos?|kg)\b", {"de": r"kilo|kg", "fr": r"kilo|kg", "es": r"kilo|kg",
                                                                "zh": r"公斤|千克|kg|斤", "ja": r"キロ|kg"}),
    ("gram", r"\b(?:grams?|grammes?)\b", {"de": r"gramm|\d\s?g\b", "fr": r"gramme|\d\s?g\b", "es": r"gramo|\d\s?g\b", "zh": r"克", "ja": r"グラム|\d\s?g\b"}),
    ("degree", r"\bdegrees?\b|°", {"de": r"grad|°", "fr": r"degr[ée]|°", "es": r"grado|°", "zh": r"度|°", "ja": r"度|°"}),
    ("percent", r"\bper ?cent\b|%", {"de": r"prozent|%", "fr": r"pour ?cent|%", "es": r"por ?ciento|%", "zh": r"百分|%|成", "ja": r"パーセント|%|割"}),
    ("cup", r"\bcups?\b", {"de": r"tasse|becher|cup", "fr": r"tasse|verre", "es": r"taza|vaso", "zh": r"杯", "ja": r"カップ|杯"}),
    ("spoon", r"\b(?:table|tea)?spoons?(?:ful)?\b", {"de": r"löffel", "fr": r"cuill", "es": r"cuchar", "zh": r"勺|匙", "ja": r"スプーン|匙|さじ"}),
    ("dozen", r"\ba dozen\b", {"de": r"dutzend|\b12\b|zwölf", "fr": r"douzaine|\b12\b|douze", "es": r"docena|\b12\b|doce",
                                 "zh": r"打|12|十二", "ja": r"ダース|12|十二"}),
    # the part of the day (a 24-hour clock in that part keeps it too: see `_CLOCK`)
    ("morning", r"\bmornings?\b(?<!good morning)", {"de": r"morgen|vormittag|früh", "fr": r"matin", "es": r"mañana|madrugada",
                                                  "zh": r"早|上午|凌晨|清晨", "ja": r"朝|午前"}),
    ("afternoon", r"\bafternoons?\b", {"de": r"nachmittag|mittag", "fr": r"après-midi|apres-midi", "es": r"tarde",
                                      "zh": r"下午|午后", "ja": r"午後|昼"}),
    ("evening", r"\bevenings?\b(?<!good evening)", {"de": r"abend|nacht|nächt", "fr": r"soir|nuit", "es": r"tarde|noche",
                                                                "zh": r"晚|夜|下午", "ja": r"夜|夕|晩|午後"}),
    ("night", r"\b(?:at|last|every|all|the) night\b|\bnights\b", {"de": r"nacht|nächt|abend", "fr": r"nuit|soir", "es": r"noche",
                                                                  "zh": r"夜|晚", "ja": r"夜|晩|泊"}),
    ("tonight", r"\btonight\b", {"de": r"heute|diese[nr]? (?:abend|nacht)", "fr": r"ce soir|cette nuit|aujourd|\bsoir", "es": r"esta noche|hoy",
                                  "zh": r"今晚|今夜|今天|今日", "ja": r"今夜|今晩|今日|本日|今宵"}),  # the evening and the day
    ("overnight", r"\bovernight\b", {"de": r"nacht|nächt", "fr": r"nuit|du jour au lendemain", "es": r"noche|madrugada",
                                      "zh": r"夜|晚", "ja": r"夜|晩"}),
    # seasons, public holidays and meals: when something happens, as much as a date
    ("spring", r"\bspring(?:time)?\b", {"de": r"frühling|frühjahr", "fr": r"printemps", "es": r"primavera", "zh": r"春", "ja": r"春"}),
    ("summer", r"\bsummers?\b", {"de": r"sommer", "fr": r"\bété", "es": r"verano", "zh": r"夏", "ja": r"夏"}),
    ("autumn", r"\bautumns?\b|\bfall\b(?= (?:term|semester|season)| \d|[.,!?])", {"de": r"herbst", "fr": r"automne", "es": r"otoño",
                                                                                 "zh": r"秋", "ja": r"秋"}),
    ("winter", r"\bwinters?\b", {"de": r"winter", "fr": r"hiver", "es": r"invierno", "zh": r"冬", "ja": r"冬"}),
    ("public holiday", r"\b(?:public|bank) holidays?\b", {"de": r"feiertag", "fr": r"féri|fête", "es": r"festiv|feriad",
                                                           "zh": r"节假|假日|假期|节日|公休", "ja": r"祝日|祝祭日|休日|祭日"}),
    ("breakfast", r"\bbreakfast\b", {"de": r"frühstück", "fr": r"petit[- ]déjeuner", "es": r"desayun", "zh": r"早餐|早饭|早點|早点",
                                       "ja": r"朝食|朝ご飯|朝ごはん|朝飯|モーニング"}),
    ("lunch", r"\blunch(?:time)?\b", {"de": r"mittag|lunch", "fr": r"déjeuner|d[îi]ner|(?<!-)\bmidi", "es": r"almuerzo|almorz|comida", "zh": r"午饭|午餐|中午|中饭",
                                        "ja": r"昼食|ランチ|昼|午餐"}),
    ("dinner", r"\bdinner\b", {"de": r"abend|dinner", "fr": r"d[îi]n|souper", "es": r"cena", "zh": r"晚餐|晚饭|晚宴",
                                 "ja": r"夕食|ディナー|晩ご飯|晩ごはん|夕飯|晩餐"}),
    # next and last before a day or a period
    ("next", rf"\bnext (?:{_DAYS_AND_PERIODS})\b",
     {"de": r"nächst|kommend|folgend", "fr": r"prochain|suivant", "es": r"pr[óo]xim|que viene|siguiente",
      "zh": r"下(?:个|個)?(?:周|週|星期|礼拜|禮拜|月)|明年", "ja": r"来週|来月|来年|次の|今度の|翌"}),
    ("last", rf"\blast (?:{_DAYS_AND_PERIODS}|{_MONTHS_AND_SEASONS})\b",
     {"de": r"letzt|vergangen|vorig|vor (?:einem|einer)\b", "fr": r"derni|pass[ée]|il y a", "es": r"pasad|[úu]ltim|hace (?:un|una)\b",
      "zh": r"上(?:个|個)?(?:周|週|星期|礼拜|禮拜|月)|去年", "ja": r"先週|先月|去年|昨年|前"}),
    # parts of a whole ("a quarter past" is a clock time; "a quarter of an hour" may be 15 minutes)
    ("quarter", r"\b(?:a|one|three) quarters?\b(?! (?:past|to)\b)", {"de": r"viertel|¼|¾|\b(?:15|25|45|75)\b|[.,](?:25|75)\b",
                                                                      "fr": r"quart|¼|¾|\b(?:15|25|45|75)\b|[.,](?:25|75)\b",
                                                                      "es": r"cuart|¼|¾|\b(?:15|25|45|75)\b|[.,](?:25|75)\b",
                                                                      "zh": r"四分之|刻|¼|¾|15|25|45|75|成", "ja": r"4分の|四分の|¼|¾|15|25|45|75|割"}),
    ("third", r"\b(?:a|one|two) thirds?\b", {"de": r"drittel|\b(?:33|66|67)\b", "fr": r"tiers|\b(?:33|66|67)\b", "es": r"tercio|\b(?:33|66|67)\b",
                                              "zh": r"三分之|33|66|67|成", "ja": r"3分の|三分の|33|66|67|割"}),
    # half of something ("half past" is a clock time, checked by `numbers`)
    ("half", r"\bhalf\b(?! past)", {"de": r"halb|hälfte|einhalb|½|\d[.,]5", "fr": r"demi|moitié|\bmi-|½|\d[.,]5",
                                     "es": r"medi[oa]|mitad|primer tiempo|descanso|entretiempo|½|\d[.,]5", "zh": r"半|\d\.5", "ja": r"半|ハーフ|\d\.5"}),
]

# units written the same in every script: Latin letters inside Chinese or Japanese that are no foreign word (2.4kg)
SYMBOLS = frozenset({"kg", "g", "mg", "km", "m", "cm", "mm", "ml", "l", "kw", "kwh", "mb", "gb", "tb", "hz", "mhz", "ghz", "mph"})

# hours of a 24-hour clock (as written) that keep a part of the day: "20 Uhr" is in the evening
_CLOCK = {"morning": range(4, 12), "afternoon": range(12, 19), "evening": range(17, 24), "night": (*range(19, 25), *range(0, 6))}


def lost(source_text: str, target_text: str, source: str, target: str) -> list[str]:
    """What an English source counts in (`_KEPT`'s names: "litre", "evening", "next") that the
    translation has no word for (empty: all kept, or the pair is not checked)."""
    if source != "en":
        return []
    target_text = unicodedata.normalize("NFKC", target_text)
    hours = {int(f.text.split(":")[0]) for f in numbers.facts(target_text, target) if f.kind == "time"}  # as written: 20:00
    out = []
    for name, said, words in _KEPT:
        if target not in words or not re.search(said, source_text, re.I):
            continue
        if re.search(words[target], target_text, re.I):
            continue
        if name in _CLOCK and any(h in _CLOCK[name] and (h >= 13 or target in numbers.CLOCK_24) for h in hours):
            continue
        out.append(name)
    return out
