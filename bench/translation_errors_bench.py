"""How right are the translation checks? Precision and recall on the labelled error benchmark.

    .venv/bin/python bench/translation_errors_bench.py [--split tune|heldout|...|heldout17|all] [--pairs] [--references] [--reviews]

Every labelled pair of `bench/data/translation_errors.json` goes through every check of
`linguaflow.translation.check` (the language checks and the meaning checks), alone and together
(`union`: what the pipeline flags). Printed per part (tune: rules and thresholds were chosen on
it; heldout: never looked at while choosing), as markdown tables:
- per check: how many pairs it flags, its precision (flagged pairs that are wrong), and how
  many of those are wrong for the class it names;
- per language: number-class errors flagged, all meaning errors flagged, correct pairs flagged;
- per class: errors of that class flagged by the union.
`--pairs` lists the misses and the false alarms, to read.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections import defaultdict

from common import REPO, write_figures

# tune and heldout were fixed before any check was written; heldout2 (s121-), heldout3 (s191-), heldout4 (s241-),
# heldout5 (s301-), heldout6 (s361-), heldout7 (s421-), heldout8 (s481-), heldout9 (s541-), heldout10 (s601-), heldout11 (s661-, 120 sources), heldout12 (s781-, 120 sources), heldout13 (s901-, 120 sources), heldout14 (s1021-, 120 sources), heldout15 (s1141-, 120 sources), heldout16 (s1261-, 120 sources) and heldout17 (s1381-, 120 sources) were written and labelled later, by writers who never saw the checks, each scored once after the rules it measures
PARTS = ("tune", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8", "heldout9", "heldout10", "heldout11", "heldout12", "heldout13", "heldout14", "heldout15", "heldout16", "heldout17")
DATA = REPO / "bench" / "data" / "translation_errors.json"
REVIEWS = REPO / "bench" / "data" / "translation_reviews.json"
CHECKS = ("untranslated", "wrong_language", "number", "names", "negation", "source_words", "script", "length")
CHECK_CLASS = {"number": "number", "names": "name", "script": "script", "length": ("omission", "addition"),
               "untranslated": "source_words", "wrong_language": "script", "source_words": "source_words",
               "negation": "negation"}
LANGS = ("de", "zh", "ja", "fr", "es")


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f} % ({a}/{b})" if b else "–"


def score(pairs: list[dict], sources: dict[str, str]) -> dict:
    from linguaflow.translation import check

    rows = []
    t0 = time.perf_counter()
    for p in pairs:
        found = check.findings_for(sources[p["source"]], p["text"], "en", p["lang"])
        rows.append({**p, "flags": [f.flag for f in found], "reasons": [f.reason for f in found]})
    took = time.perf_counter() - t0
    return {"rows": rows, "ms_per_pair": 1000 * took / max(1, len(pairs))}


def report(rows: list[dict], title: str) -> None:
    wrong = [r for r in rows if r["label"] == "wrong"]
    right = [r for r in rows if r["label"] == "correct"]
    print(f"\n### {title}: {len(rows)} pairs, {len(wrong)} wrong, {len(right)} correct\n")
    print("| check | flags | precision (flagged pairs that are wrong) | wrong for its own class |")
    print("|---|---|---|---|")
    for name in CHECKS + ("union",):
        hit = [r for r in rows if (r["flags"] if name == "union" else name in r["flags"])]
        bad = [r for r in hit if r["label"] == "wrong"]
        own = CHECK_CLASS.get(name)
        own = (own,) if isinstance(own, str) else own
        mine = [r for r in bad if own and set(r["classes"]) & set(own)]
        print(f"| {name} | {len(hit)} | {_pct(len(bad), len(hit))} | {_pct(len(mine), len(hit)) if own else '–'} |")
    print("\n| language | number errors flagged | all meaning errors flagged | correct pairs flagged |")
    print("|---|---|---|---|")
    for row in per_language(rows):
        print(f"| {row['lang']} | " + " | ".join(_pct(row[f"{k}_flagged"], row[k]) for k in ("number_errors", "all_errors", "correct"))
              + " |")
    print("\n| class | errors | flagged (union) | by the check of that class |")
    print("|---|---|---|---|")
    by_class = defaultdict(list)
    for r in wrong:
        for c in r["classes"]:
            by_class[c].append(r)
    own_check = {"number": "number", "name": "names", "script": "script", "omission": "length", "addition": "length",
                 "source_words": "source_words", "negation": "negation"}
    for c, rs in sorted(by_class.items()):
        mine = own_check.get(c)
        print(f"| {c} | {len(rs)} | {_pct(sum(1 for r in rs if r['flags']), len(rs))} | "
              f"{_pct(sum(1 for r in rs if mine in r['flags']), len(rs)) if mine else '–'} |")


def per_language(rows: list[dict]) -> list[dict]:
    """Per language: number errors, all meaning errors and correct pairs, and how many were flagged."""
    out = []
    for lang in LANGS + ("all",):
        mine = [r for r in rows if lang == "all" or r["lang"] == lang]
        groups = {"number_errors": [r for r in mine if r["label"] == "wrong" and "number" in r["classes"]],
                  "all_errors": [r for r in mine if r["label"] == "wrong"],
                  "correct": [r for r in mine if r["label"] == "correct"]}
        row = {"lang": lang}
        for key, group in groups.items():
            row[key] = len(group)
            row[f"{key}_flagged"] = sum(1 for r in group if r["flags"])
        out.append(row)
    return out


def references() -> None:
    """The checks on translations people wrote (mt_reference.json): all correct, so the share flagged is
    the false-alarm rate on fluent, careful translations, and each flag a reading bug to look at."""
    items = json.loads((REPO / "bench" / "data" / "mt_reference.json").read_text())["items"]
    print(f"# the checks on {len(items)} human reference translations per language; {platform.machine()}, {os.cpu_count()} cores")
    _flag_correct(items)


def reviews() -> None:
    """The checks on the review sets (translation_reviews.json): correct translations written to
    exercise what the checks read (clock times said the long way, dates, prices, names, negations),
    each set once flagged as it came and then read; every flag is a false alarm."""
    sets = json.loads(REVIEWS.read_text())["sets"]
    for one in sets:
        print(f"\n# review set {one['name']!r}: {len(one['items'])} sentences × 5 languages; {platform.machine()}, {os.cpu_count()} cores")
        _flag_correct(one["items"])


def _flag_correct(items: list[dict]) -> None:
    from linguaflow.translation import check

    total = 0
    for lang in ("de", "zh", "ja", "fr", "es"):
        flagged = [(it, found) for it in items for found in [check.findings_for(it["en"], it[lang], "en", lang)] if found]
        total += len(flagged)
        print(f"{lang}: {len(flagged)} of {len(items)} flagged")
        for it, found in flagged:
            print(f"  {it[lang]!r}: {'; '.join(f.flag + ': ' + f.reason for f in found)}")
    print(f"all: {total} of {5 * len(items)} flagged")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="all", choices=(*PARTS, "all"))
    ap.add_argument("--pairs", action="store_true", help="list misses and false alarms")
    ap.add_argument("--origin", default="", help="only pairs whose origin starts with this (real, injected)")
    ap.add_argument("--references", action="store_true",
                    help="flag the human reference translations of bench/data/mt_reference.json instead: every flag is a false alarm")
    ap.add_argument("--reviews", action="store_true",
                    help="flag the correct translations of the review sets (bench/data/translation_reviews.json): every flag is a false alarm")
    args = ap.parse_args()
    if args.references:
        return references()
    if args.reviews:
        return reviews()
    data = json.loads(DATA.read_text())
    sources = {s["id"]: s["en"] for s in data["sources"]}
    split = {s["id"]: s["split"] for s in data["sources"]}
    pairs = [p for p in data["pairs"] if p["label"] in ("correct", "wrong") and p["origin"].startswith(args.origin)]
    print(f"# translation checks on the error benchmark; {platform.machine()}, {os.cpu_count()} cores")
    result = score(pairs, sources)
    print(f"# {len(pairs)} labelled pairs, {result['ms_per_pair']:.2f} ms per pair for every check")
    figures = []
    for part in (PARTS if args.split == "all" else (args.split,)):
        rows = [r for r in result["rows"] if split[r["source"]] == part]
        report(rows, part)
        figures += [{"part": part, **row} for row in per_language(rows)]
        if args.pairs:
            print(f"\n#### {part}: misses (wrong, not flagged) and false alarms (correct, flagged)\n")
            for r in rows:
                if (r["label"] == "wrong") != bool(r["flags"]):
                    kind = "MISS" if r["label"] == "wrong" else "FALSE"
                    print(f"- {kind} {r['id']} [{','.join(r['classes'])}] {r['text']!r} "
                          f"{'; '.join(r['reasons'])} | {sources[r['source']]}")
    if args.split == "all" and not args.origin:
        write_figures("translation_checks", "share of labelled pairs the checks flag, per language and part",
                      figures, ms_per_pair=round(result["ms_per_pair"], 2))


if __name__ == "__main__":
    main()
