"""Errors injected on purpose into correct translations of the error benchmark.

    .venv/bin/python bench/translation_errors_inject.py [--per-pair 2] [--seed 0]

Real outputs of the bundled routes hold some errors of every class, but too few of some to
measure (a route rarely flips a negation). So every real pair labelled `correct` gives
`--per-pair` wrong copies (every other one a number change first), each changed one way a
translation goes wrong: a number, time or day
changed; a name altered; a negation flipped; part of the sentence dropped; a clause added; a
word left in English; a word in another script. The edits are plain text surgery written
independently of the checks (own word lists, no call into `linguaflow`), so a check is not scored
on errors made in its own image. Injected pairs are labelled `wrong` with their class, marked
`origin: injected:<class>`, and replaced on every run (same seed, same pairs).
"""

from __future__ import annotations

import argparse
import json
import random
import re

from common import REPO

DATA = REPO / "bench" / "data" / "translation_errors.json"

NUMBER_WORDS = {
    "de": ["eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf", "zwanzig"],
    "fr": ["deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze", "vingt"],
    "es": ["dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce", "veinte"],
    "zh": list("二三四五六七八九"), "ja": list("二三四五六七八九"),
}
WEEKDAYS = {
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    "zh": ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"],
    "ja": ["月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日"],
}
DAY_SHIFT = {"de": [("übermorgen", "morgen"), ("morgen", "übermorgen")], "fr": [("demain", "après-demain")],
             "es": [("mañana", "pasado mañana")], "zh": [("明天", "后天"), ("今天", "明天")], "ja": [("明日", "明後日"), ("今日", "明日")]}
ADDED = {"de": ", und das war sehr teuer", "fr": ", et c'était très cher", "es": ", y fue muy caro",
         "zh": "，而且非常贵", "ja": "、そしてとても高かったです"}
FOREIGN = {"de": "дома", "fr": "καλά", "es": "дома", "zh": "그리고", "ja": "그리고"}
CJK = ("zh", "ja")


def _end(text: str) -> tuple[str, str]:
    m = re.search(r"[.!?。！？]+$", text)
    return (text[: m.start()], m.group(0)) if m else (text, "")


def number(text: str, lang: str, rng: random.Random, source: str) -> str | None:
    digits = list(re.finditer(r"\d+", text))
    if digits:
        m = rng.choice(digits)
        value = int(m.group(0))
        new = str(value + rng.choice([1, 2, 3, 10]) if value < 1000 else value + 100)
        return text[: m.start()] + new + text[m.end():]
    for old, new in DAY_SHIFT.get(lang, []):
        if old in text and new not in text:
            return text.replace(old, new, 1)
    for i, day in enumerate(WEEKDAYS[lang]):
        if day in text:
            return text.replace(day, WEEKDAYS[lang][(i + 2) % 7], 1)
    words = NUMBER_WORDS[lang]
    for i, w in enumerate(words):
        pattern = w if lang in CJK else rf"\b{w}\b"
        if re.search(pattern, text):
            return re.sub(pattern, words[(i + 3) % len(words)], text, count=1)
    return None


def name(text: str, lang: str, rng: random.Random, source: str) -> str | None:
    candidates = [w for w in re.findall(r"(?<!^)(?<![.!?] )\b[A-Z][a-zäöüéáí]{3,}\b", source) if w in text]
    if not candidates:
        return None
    w = rng.choice(candidates)
    i = rng.randrange(1, len(w) - 2)
    altered = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    return text.replace(w, altered if rng.random() < 0.5 and altered != w else "", 1).replace("  ", " ")


def negation(text: str, lang: str, rng: random.Random, source: str) -> str | None:
    body, end = _end(text)
    if lang == "de":
        return (re.sub(r"\bnicht\s+", "", body, count=1) if " nicht" in body else
                re.sub(r"\s+(\S+)$", r" nicht \1", body)) + end
    if lang == "fr":
        if " pas" in body:
            return re.sub(r"\b(?:ne |n')", "", body.replace(" pas", "", 1), count=1) + end
        return re.sub(r"^(\S+\s+\S+)\s+(\S+)", r"\1 ne \2 pas", body, count=1) + end
    if lang == "es":
        return (body.replace(" no ", " ", 1) if " no " in body else re.sub(r"^(\S+\s+\S+)\s+", r"\1 no ", body, count=1)) + end
    if lang == "zh":
        for verb in ("可以", "会", "是", "要", "能", "在"):
            if verb in body:
                return body.replace(verb, "不" + verb, 1) + end
        return body.replace("有", "没有", 1) + end if "有" in body else None
    if lang == "ja":
        for pos, neg in (("ます", "ません"), ("です", "ではありません"), ("ました", "ませんでした")):
            if body.endswith(pos) or (pos + "。") in text:
                return re.sub(pos + "$", neg, body) + end
        return None
    return None


def omission(text: str, lang: str, rng: random.Random, source: str) -> str | None:
    body, end = _end(text)
    parts = re.split(r"[,，、;；]", body)
    if len(parts) > 1 and len(parts[0]) >= len(body) * 0.3:
        return parts[0] + end
    if lang in CJK:
        return body[: max(2, len(body) * 3 // 5)] + end if len(body) >= 8 else None
    words = body.split()
    return " ".join(words[: max(2, len(words) * 3 // 5)]) + end if len(words) >= 5 else None


def addition(text: str, lang: str, rng: random.Random, source: str) -> str | None:
    body, end = _end(text)
    return body + ADDED[lang] + (end or ("。" if lang in CJK else "."))


def source_words(text: str, lang: str, rng: random.Random, source: str) -> str | None:
    english = sorted((w for w in re.findall(r"\b[a-z]{5,}\b", source)), key=len, reverse=True)
    if not english:
        return None
    if lang in CJK:
        chunks = re.findall(r"[\u4e00-\u9fff]{2}", text)
        return text.replace(rng.choice(chunks), english[0], 1) if chunks else None
    words = sorted((w for w in re.findall(r"\b[a-zäöüéèàáíóúñç]{5,}\b", text)), key=len, reverse=True)
    return text.replace(words[0], english[0], 1) if words else None


def script(text: str, lang: str, rng: random.Random, source: str) -> str | None:
    if lang in CJK:
        chunks = re.findall(r"[\u4e00-\u9fff]{2}", text)
        return text.replace(chunks[-1], FOREIGN[lang], 1) if chunks else None
    words = re.findall(r"\b[a-zäöüéèàáíóúñç]{4,}\b", text)
    return text.replace(rng.choice(words), FOREIGN[lang], 1) if words else None


KINDS = {"number": number, "name": name, "negation": negation, "omission": omission, "addition": addition,
         "source_words": source_words, "script": script}
OTHER = [k for k in KINDS if k != "number"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-pair", type=int, default=1,
                    help="wrong copies of each correct real pair (1 keeps injected errors fewer than real ones)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-number", type=int, default=20, help="number errors each part of each language has at least")
    ap.add_argument("--part", default="", help="inject into this part only, keeping the injected pairs of the others")
    args = ap.parse_args()
    data = json.loads(DATA.read_text())
    sources = {s["id"]: s["en"] for s in data["sources"]}
    part = {s["id"]: s["split"] for s in data["sources"]}
    ours = (lambda p: part[p["source"]] == args.part) if args.part else (lambda p: True)
    data["pairs"] = [p for p in data["pairs"] if not (p["origin"].startswith("injected:") and ours(p))]
    rng = random.Random(args.seed)
    injected = []
    seen = {name: 0 for name in set(part.values())}  # alternate within each part (pairs come in source order)
    for p in data["pairs"]:
        if p["label"] != "correct" or not p["origin"].startswith("real:") or not ours(p):
            continue
        i = seen[part[p["source"]]]
        seen[part[p["source"]]] += 1
        others = [OTHER[(i // 2 + k) % len(OTHER)] for k in range(len(OTHER))]
        kinds = ["number"] + others if i % 2 == 0 else others + ["number"]  # half number changes, half the rest
        made = 0
        for kind in kinds:
            if made >= args.per_pair:
                break
            text = KINDS[kind](p["text"], p["lang"], rng, sources[p["source"]])
            if text and text.strip() and text != p["text"]:
                injected.append({"id": f"{p['id']}-x{kind}", "source": p["source"], "lang": p["lang"],
                                 "origin": f"injected:{kind}", "text": text, "label": "wrong", "classes": [kind],
                                 "note": f"from {p['id']}"})
                made += 1
    # a part of a language short of number errors (the held-out part needs 20 each) gets a number
    # change of correct pairs whose first copy was another kind
    for key in sorted({(part[p["source"]], p["lang"]) for p in data["pairs"] if ours(p)}):
        have = sum(1 for p in data["pairs"] + injected if (part[p["source"]], p["lang"]) == key
                   and p["label"] == "wrong" and "number" in p["classes"])
        for p in data["pairs"]:
            if have >= args.min_number:
                break
            if (part[p["source"]], p["lang"]) != key or p["label"] != "correct" or not p["origin"].startswith("real:") \
                    or any(x["id"] == f"{p['id']}-xnumber" for x in injected):
                continue
            text = number(p["text"], p["lang"], rng, sources[p["source"]])
            if text and text != p["text"]:
                injected.append({"id": f"{p['id']}-xnumber", "source": p["source"], "lang": p["lang"], "origin": "injected:number",
                                 "text": text, "label": "wrong", "classes": ["number"], "note": f"from {p['id']}"})
                have += 1
    data["pairs"] += injected
    DATA.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    real = sum(1 for p in data["pairs"] if p["origin"].startswith("real:") and p["label"] == "wrong")
    print(f"{len(injected)} injected errors; {real} real errors labelled")


if __name__ == "__main__":
    main()
