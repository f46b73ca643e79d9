"""Does a translation say "not" where its source does, and only there? A cheap polarity check.

A flipped negation turns a sentence into its opposite ("do not park" -> "park"), reads fluently,
and keeps every number and name, so only a check of its own sees it. Each language's markers of
negation are a short list (no library holds them); a translation is flagged when the source
negates and the translation does not, or the other way round. Languages without a list are not
checked. Precision and recall: bench/translation_errors_bench.py.
"""

from __future__ import annotations

import re

# Words (Latin scripts: whole words, any case) or characters (CJK) that negate a clause; "instead
# of" is one ("rather than", 而不是), and so are the words translations say it with.
MARKERS = {
    "en": r"\b(?:not|no|never|nobody|nothing|none|neither|nor|cannot|without|instead of|rather than)\b|n't\b",
    "de": r"\b(?:nicht|kein\w*|nie|niemals|niemand\w*|nichts|weder|ohne)\b|\b(?:an)?statt(?=\s+(?:d\w+|ein\w*|zu|mein\w*|sein\w*|ihr\w*|am|an|im|in|um|bei|auf|vo[nm]?|mit|für|nach|(?-i:[A-ZÄÖÜ])\w*)\b)",  # not "den Weg anstatt." (instead)  # not "findet ... statt"
    "fr": r"\b(?:ne|pas|jamais|personne|rien|aucun\w*|sans|ni|non|au lieu d[eu]|plutôt que)\b|\bn'",
    "es": r"\b(?:no|nunca|nadie|nada|ningun\w*|ningún|sin|ni|tampoco|en lugar del?|en vez del?)\b",
    "it": r"\b(?:non|mai|nessun\w*|niente|nulla|senza|né)\b",
    "pt": r"\b(?:não|nunca|ninguém|nada|nenhum\w*|sem|nem)\b",
    "nl": r"\b(?:niet|geen|nooit|niemand|niets|zonder)\b",
    "zh": r"[从决绝]不|禁止|不(?!错|过|久|同|少|但|仅|断|管|得不|然)|没|別|别|无|未|勿|非|(?<![避以难])免(?!费|税)",  # 不然: otherwise; 免入会费: no joining fee (not 避免: avoid)
    "ja": r"ない|なかっ|(?<!少)(?<!危)なく(?:な|て)|(?:で|じゃ)は?なく|ません|ず(?:に|、|。)|無|なし|禁止|しないで|ぬ(?!い)|不要|不可|対象外",
}
# "if not, phone 111" says "otherwise" (sonst, それ以外の場合は): no negation in the source, and in
# `_ABSENCE` a translation's "wenn nicht" passes
_IF_NOT = r"\bif not\b(?=\s*[,;:.!?—-])"
# "no" as a noun or a number sign, a request or an apology (对不起, 申し訳ありません) that only looks negative: not negations.
_NOT_NEGATION = {"en": rf"\bno\.\s*\d|\bno (?:later|more|longer|less|fewer) than\b|\bnot only\b|{_IF_NOT}",
                 # "avant qu'il ne pleuve": the ne of a clause after avant que, à moins que, de peur que says no "not"
                 "fr": r"\bau lieu de (?:cela|ça)\b|"  # "prenez le 9:02 au lieu de cela": instead, said as "instead of that"
                       r"\b(?:avant|moins|peur|crainte) qu(?:e\b|')(?:[^.,;:!?]{0,80}?\bne\b|[^.,;:!?]{0,80}?\bn')"
                       r"|\b(?:par|une|la|les|chaque|cette|toute|des|aux|de) personnes?\b|\bnon seulement\b",  # par personne: per person
                 "zh": r"对不起|不好意思|不客气|不用谢|不超过|不多于|不少于|一不小心|非常|那不勒斯|不来梅|不列颠|不丹|不幸|淹没|沉没|埋没|没收|出没|(.)不\1|未满|未滿|不[到足](?=\s*[\d一二三四五六七八九十几两半百千])",  # 非常: very; 能不能: a question; 未满, 不到: under, fewer than
                 "ja": r"すみません|済みません|申し訳(?:ありません|ございません|ない)|少ない|危ない|まもない|間もない|くない|未満|無料|無休|かもしれ(?:ない|ません)|しか(?:ない|ありません)"  # might; only
                       r"|(?:くれ|もらえ|いただけ)(?:ない|ません)か?[？?]"}  # 貸してくれない？: a request


def negates(text: str, lang: str) -> bool | None:
    """Whether `text` holds a negation (None: no list for `lang`)."""
    pattern = MARKERS.get(lang)
    if pattern is None:
        return None
    return re.search(pattern, _without_lookalikes(text, lang), flags=re.I) is not None


def _without_lookalikes(text: str, lang: str) -> str:
    """`text` with the words that only look like negations (`_NOT_NEGATION`) blanked out."""
    return re.sub(_NOT_NEGATION.get(lang, r"(?!x)x"), " ", text, flags=re.I)


# English that says an absence without "not", which translations say with one ("out of paper": kein
# Papier, 没纸, sin papel; "the battery is dead": 没电)
_ABSENCE = (r"\bout of (?!the|a|an|my|your|his|her|our|their|this|that|order|town|office)\w|\b(?:ran|run|runs|running) out\b"
            r"|\bexcluding\b|\bfree of\b|\bexempt\b|\brefus\w*|\bdeclin\w*|\bden(?:y|ied|ies)\b|\b(?:hardly|scarcely|rarely|seldom)\b"  # "excluding utilities": ohne Nebenkosten, 不含
            r"|\b(?:be|is|are|was|were|been|'s|'re) off\b|\bno later than\b"  # "may be off": findet nicht statt; "no después del 17", 不晚于
            r"|\bempty\b|\bdead\b|\bmissed\b|\bfail(?:s|ed)?\b|\black(?:s|ed|ing)?\b|\bforg[eo]t\b|\bunable\b"
            r"|\bprohibit\w*|\bforb[ia]d\w*|\bbann(?:ed|ing)\b|\bbans?\b"  # "smoking is prohibited": 禁止吸烟, 禁煙
            r"|\b(?!(?:nevertheless|regardless)\b)[a-z]{3,}less\b"  # "contactless": 无接触, sin contacto
            rf"|{_IF_NOT}")


def _says_absence(text: str) -> bool:
    """An English word negated by its prefix ("unread", "unpaid", "unless") or one that says an
    absence (`_ABSENCE`): a translation may say it with its own "not" (未读, "no leídos"). Not the
    nouns ("unemployment" is 失业, no 不) nor the adverbs ("Unfortunately, ... nicht genehmigt"
    negates on its own)."""
    from wordfreq import zipf_frequency

    if re.search(_ABSENCE, text, re.I):
        return True
    return any(zipf_frequency(m.group(1).lower(), "en") >= UN_STEM_ZIPF
               for m in re.finditer(r"\b(?:[Uu]n|[Nn]on-?)([a-z]{4,}(?<!ment)(?<!ness)(?<!tion)(?<!ly))\b", text))  # non-residents: 非居民


UN_STEM_ZIPF = 3.0  # the rest of an un- word is a word of its own ("read", "less"; not "iversity")


def flipped(source_text: str, translated: str, source: str, target: str) -> str | None:
    """Why a translation's polarity differs from its source's, or None."""
    said, got = negates(source_text, source), negates(translated, target)
    if said is None or got is None or (said == got and not said):
        return None
    if got and not said and source == "en" and _says_absence(source_text):
        return None
    if said and source == "en" and re.search(_NOT_UNTIL, source_text, re.I) and re.search(_ONLY_FROM.get(target, r"(?!x)x"), translated, re.I):
        return None  # "not until 14 February": "erst ab dem 14. Februar", 要到2月14日才
    if said and source == "en" and re.search(_NO_LONGER, source_text, re.I) and re.search(_STOPPED.get(target, r"(?!x)x"), translated, re.I):
        return None  # "will no longer stop here": "dejará de parar aquí"
    if got and not said and source == "en" and _said_with_a_not(source_text, translated, target):
        return None  # "remember to bring your card": "n'oubliez pas votre carte", 别忘了
    if said and not got and source == "en" and _said_as_opposite(source_text, translated, target):
        return None  # "not open on holidays": "fermée les jours fériés"
    if said and got and target in DOUBLE_NEGATION_FLIPS and _twice(translated, target) and not _twice(source_text, source):
        return "the translation says not twice in one clause (a double negation), the source once"
    return None if said == got else (
        "the source says not, the translation does not" if said else "the translation says not, the source does not")


# Languages where two negations in one clause cancel (no negative concord: "nie ... nicht" says
# "always"); French "ne ... pas" and Spanish "no ... nada" are one negation said twice.
DOUBLE_NEGATION_FLIPS = ("de", "zh")
_CLAUSE = re.compile(r"[,;:.!?，。；：！？、]|\b(?:und|aber|oder|weil|dass|wenn|sondern|denn)\b|而|但|因为|所以|如果")


def _twice(text: str, lang: str) -> bool:
    """Whether one clause of `text` holds two negation markers."""
    pattern = MARKERS.get(lang)
    if pattern is None:
        return False
    text = re.sub(_NOT_COUNTED_TWICE.get(lang, r"(?!x)x"), " ", _without_lookalikes(text, lang), flags=re.I)
    return any(len(re.findall(pattern, clause, flags=re.I)) >= 2 for clause in _CLAUSE.split(text))


# Negations that sit beside a "not" without cancelling it: "without" and "instead of" ("ohne sie
# kann er nicht" is "cannot without them"), and a place said inside a phrase (不在, "not at")
_NOT_COUNTED_TWICE = {"de": r"\b(?:ohne|(?:an)?statt)\b",
                      "zh": r"不在"}  # 不再向地址不在M25的客户送货: "no longer ... outside the M25"


# "no longer" says "stops", which translations may say with a verb of their own
_NO_LONGER = r"\bno longer\b|(?:\bnot\b|n't\b)[^.;:!?]{0,40}\bany ?more\b"
_STOPPED = {"fr": r"\b(?:cess|arrêt)\w* d[e']", "es": r"\bdej\w* de\b", "it": r"\bsmett\w* di\b", "pt": r"\bdeix\w* de\b",
            "de": r"\bhör\w* \w+ auf\b|aufhör"}
# "not ... until" says "only from", which translations say without a "not"
_NOT_UNTIL = r"(?:\b(?:not|no)\b|n't\b)[^.;:!?]{0,60}\buntil\b|\bnot before\b"
_ONLY_FROM = {"de": r"\berst\b", "fr": r"\bqu'(?:à|au|le|en|après)|\bseulement\b|\bà partir d", "es": r"\bsolo\b|\bsólo\b|\ba partir d|\bhasta\b",
              # zh, ja: or the day said with no word of "until" or "before" at all ("won't be ready until
              # Thursday": 周四准备好, ready on Thursday), as their readers accept
              "zh": r"才|要到|^(?!.*(?:直到|为止|為止|之前|以前|前))", "ja": r"から|以降|以後|^(?!.*(?:まで|迄|前))", "it": r"\bsolo\b|\bsoltanto\b|\ba partire d", "pt": r"\bsó\b|\bsomente\b|\ba partir d",
              "nl": r"\bpas\b|\bvanaf\b"}


# A bound under a negation ("shouldn't cost more than 12 rials") is an upper bound, which translations
# say with their own words for one ("weniger als", 以下) and no "not"
NOT_MORE = r"(?:\bnot\b|n't\b)\s+(?:\w+\s+){0,2}(?:more than|over)\b"
AT_MOST = {"de": r"weniger als|höchstens|maximal|bis zu", "fr": r"moins de|au maximum|au plus",
           "es": r"menos de|como máximo|a lo sumo", "zh": r"以下|最多|少于", "ja": r"以下|最大|未満"}  # not "until" or "within" (以内, まで)


# A negated English predicate that translations say with its opposite and no "not" ("isn't open":
# fermé, 关门; "didn't pass": 失敗しました; "don't eat": vermeiden Sie zu essen). Per target, the words of that opposite.
_OPPOSITES = [
    (r"(?:\bnot\b|n't\b)\s+(?:be\s+)?open\b",
     {"de": r"geschlossen|\bzu\b", "fr": r"ferm[ée]", "es": r"cerrad", "zh": r"关闭|关门|休息|停业", "ja": r"閉ま|閉館|休み|休館|定休"}),
    (r"(?:\bnot\b|n't\b)\s+(?:\w+\s+)?pass(?:ed)?\b",
     {"de": r"durchgefallen|durchgerasselt", "fr": r"échou|raté|recalé", "es": r"suspend|reprob", "zh": r"失败|挂科", "ja": r"失敗|落ち|不合格"}),
    (r"(?:\bnot\b|n't\b)\s+(?:\w+\s+)?in the office\b|(?:\bnot\b|n't\b)\s+(?:\w+\s+)?at work\b",
     {"de": r"abwesend|außer Haus", "fr": r"absent", "es": r"ausente|fuera de la oficina", "ja": r"不在|留守|休み|外出"}),
    (r"\bno (?:school|classes|lessons)\b", {"de": r"schulfrei|\bfrei\b", "fr": r"congé|vacances", "es": r"libre|vacaciones",
                                             "zh": r"放假|停课|休息", "ja": r"休み|休校|休講"}),
    (r"\bno longer (?:works?|working) (?:at|for)\b",
     {"de": r"verlassen|gekündigt|ruhestand", "fr": r"quitt|retrait", "es": r"dej[óo]|jubil|retir", "zh": r"离职|辞职|退休|离开", "ja": r"退職|辞め|退社|離れ"}),
    (NOT_MORE, AT_MOST),  # "shouldn't cost more than 12": "weniger als 12"
    (r"(?:\bdo not\b|\bdon't\b|\bnever\b)\s+\w+",
     {"de": r"vermeid", "fr": r"évit", "es": r"evit", "zh": r"避免", "ja": r"避け|控え"}),
]


def _said_as_opposite(source_text: str, translated: str, target: str) -> bool:
    """Whether the translation says the source's negated predicate by its opposite (`_OPPOSITES`)."""
    return any(target in words and re.search(pattern, source_text, re.I) and re.search(words[target], translated, re.I)
               for pattern, words in _OPPOSITES)


# "remember to" said "don't forget to", the way most languages say it
_DONT_FORGET = {"de": r"vergiss\w* nicht|vergessen Sie nicht|nicht vergessen", "fr": r"n'oubli\w* pas|ne pas oublier",
                "es": r"no (?:te )?olvid|no se olvide", "zh": r"别忘|不要忘|勿忘|不忘", "ja": r"忘れないで|忘れずに|忘れぬ"}
# An upper bound said as "not over" ("no more than 100 ml": 不要…超过100毫升, "pas plus de", "nicht mehr als")
_NOT_OVER = {"de": r"\b(?:nicht|keine?\w*)\b[^.,;]{0,40}\b(?:mehr|länger) als\b", "fr": r"\b(?:ne|n')[^.,;]{0,40}\b(?:pas|jamais) plus\b",
             "es": r"\bno\b[^.,;]{0,40}\bmás\b", "zh": r"不(?:要|能|得|可|应)?[^，。；]{0,20}(?:超过|超出|多于)", "ja": r"(?:超え|越え|超過し)(?:ない|ません|ず)"}
# A lower bound said as "not under" ("no less than half a tank": "pas moins d'un demi-réservoir"; 至少 says it with no "not")
_NOT_UNDER = {"de": r"\b(?:nicht|keine?\w*)\b[^.,;]{0,40}\bweniger als\b", "fr": r"\b(?:(?:ne|n')[^.,;]{0,40}\b)?pas moins\b",
              "es": r"\bno\b[^.,;]{0,40}\bmenos\b", "zh": r"(?:不|没有?)(?:要|能|得|可|应)?[^，。；]{0,20}(?:少于|低于|不足)", "ja": r"(?:下回ら|切ら)(?:ない|ず)"}
# "instead" said with what it replaces ("Sunday instead": "au lieu de lundi", "而不是周一"): a marker of
# negation in `MARKERS`, no negation where the source says "instead" alone
_INSTEAD = {"de": r"\b(?:an)?statt\b", "fr": r"\bau lieu d(?:e|u|')|\bplutôt que\b", "es": r"\ben (?:lugar|vez) del?\b",
            "zh": r"而不是|而非", "ja": r"ではなく|じゃなく"}
# English with no "not" that translations say with one: (English pattern, {target: the words with the "not"})
_WITH_A_NOT = [(r"\bremember\b", _DONT_FORGET),  # "remember to bring your card": "n'oubliez pas", 别忘了
               (r"\bno (?:more|longer) than\b", _NOT_OVER),  # "pack no more than 100 ml": 不要携带超过100毫升
               (r"\bno (?:less|fewer) than\b", _NOT_UNDER),  # "no less than half a tank": "pas moins d'un demi-réservoir"
               (r"\binstead\b", _INSTEAD)]  # "we'll celebrate Sunday instead": "dimanche au lieu de lundi"


def _said_with_a_not(source_text: str, translated: str, target: str) -> bool:
    """Whether every negation of the translation is the "not" of a `_WITH_A_NOT` phrase the source says."""
    return any(target in words and re.search(pattern, source_text, re.I)
               and not negates(re.sub(words[target], " ", translated, flags=re.I), target)
               for pattern, words in _WITH_A_NOT)
