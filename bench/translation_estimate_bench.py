"""Does a model's quality estimate find the wrong translations the rules miss? Scored on the
labelled error benchmark (`bench/data/translation_errors.json`, issue 26).

    .venv/bin/python bench/translation_estimate_bench.py score [--split tune|heldout|...|heldout17] [--readings back,forward]
    .venv/bin/python bench/translation_estimate_bench.py report [--reading back] [--allowed 0.03] [--lines JSON]
    .venv/bin/python bench/translation_estimate_bench.py references

`score` reads every labelled pair with the bundled default model by forced decoding
(`linguaflow.translation.estimate`; nothing generated) and keeps each pair's token
log-probabilities in `bench/figures/translation_estimate_scores.json` (resumable: pairs already
scored are skipped), with the seconds it took. `report` prints, per part and language, how well
each reading separates wrong from correct pairs (ROC AUC) and, for a line (chosen on the tuning
part: the highest that flags at most the allowed share of the tuning part's correct pairs the rules
leave alone), what the rules flag, what the estimate adds, and the correct pairs flagged.
`references` reads the human translations of `bench/data/mt_reference.json` with the pipeline's
reader and lines: how many right translations of other, longer sentences fall below the line.
"""

from __future__ import annotations

import argparse
import json
import math
import time

from common import REPO, machine
from translation_errors_bench import PARTS  # every part of the benchmark, each scored when its pairs are

DATA = REPO / "bench" / "data" / "translation_errors.json"
SCORES = REPO / "bench" / "figures" / "translation_estimate_scores.json"
MODEL = "qwen2.5-coder-1.5b-instruct-q4"
LANGS = ("de", "zh", "ja", "fr", "es")


def _load():
    data = json.loads(DATA.read_text())
    sources = {s["id"]: s["en"] for s in data["sources"]}
    split = {s["id"]: s["split"] for s in data["sources"]}
    pairs = [p for p in data["pairs"] if p["label"] in ("correct", "wrong")]
    return pairs, sources, split


def _saved() -> dict:
    return json.loads(SCORES.read_text()) if SCORES.exists() else {"model": MODEL, "machine": machine(), "pairs": {}, "seconds": {}}


def score(args) -> None:
    import sacrebleu

    from linguaflow.translation import batched_llama, estimate

    pairs, sources, split = _load()
    saved = _saved()
    engine = batched_llama.get(args.model).engine
    for reading in args.readings.split(","):
        key = reading if args.model == MODEL else f"{reading}@{args.model}"
        todo = [p for p in pairs if split[p["source"]] == args.split and key not in saved["pairs"].get(p["id"], {})
                and p["origin"].startswith(args.origin)]
        print(f"# {reading}: {len(todo)} pairs of {args.split} to score ({machine()})", flush=True)
        t0, done = time.perf_counter(), 0
        from concurrent.futures import ThreadPoolExecutor

        priors: dict = {}

        def one(p):
            if reading == "roundtrip":  # translated back (generated), chrF++ against the source: one figure, kept as a list
                back = engine.ask(estimate.chat(p["text"], p["lang"], "en"), 96)
                return p, [math.log(max(1e-4, sacrebleu.sentence_chrf(back, [sources[p["source"]]], word_order=2).score / 100))]
            if reading == "prior":  # the source read back from nothing: how likely it is anyway
                key_ = (p["source"], p["lang"])
                if key_ not in priors:
                    priors[key_] = engine.score(estimate.chat("", p["lang"], "en"), sources[p["source"]])
                return p, priors[key_]
            return p, estimate.token_logprobs(engine, sources[p["source"]], p["text"], "en", p["lang"], reading)

        with ThreadPoolExecutor(engine.slots) as pool:
            for p, lps in pool.map(one, todo):
                saved["pairs"].setdefault(p["id"], {})[key] = [round(x, 4) for x in lps]
                done += 1
                if done % 100 == 0 or done == len(todo):
                    took = time.perf_counter() - t0
                    lot = f"{key}:{args.split}"
                    saved["seconds"][lot] = round(saved["seconds"].get(lot, 0) + took, 1)
                    t0 = time.perf_counter()
                    SCORES.write_text(json.dumps(saved, ensure_ascii=False) + "\n")
                    print(f"  {done}/{len(todo)} ({took:.0f} s for the last lot)", flush=True)
    print(f"# prompt tokens {engine.prompt_tokens}, of which reused {engine.reused_tokens}")


def auc(wrong: list[float], right: list[float]) -> float:
    """P(a wrong pair's estimate < a correct pair's): 1 separates perfectly, 0.5 is chance."""
    if not wrong or not right:
        return float("nan")
    below = sum((w < r) + 0.5 * (w == r) for w in wrong for r in right)
    return below / (len(wrong) * len(right))


def _pct(a, b):
    return f"{100 * a / b:.0f} % ({a}/{b})" if b else "–"


def report(args) -> None:
    from linguaflow.translation import check, estimate

    pairs, sources, split = _load()
    saved = _saved()["pairs"]
    rows = []
    for p in pairs:
        if p["id"] not in saved:
            continue
        found = check.findings_for(sources[p["source"]], p["text"], "en", p["lang"])
        est = {r: estimate.geometric_mean(lps) for r, lps in saved[p["id"]].items()}
        est |= {f"min {r}": math.exp(min(lps)) for r, lps in saved[p["id"]].items()}
        if "back" in est and "forward" in est:
            est["both"] = min(est["back"], est["forward"])
        rows.append({**p, "part": split[p["source"]], "rules": bool(found), "est": est})
    readings = [r for r in ("back", "forward", "roundtrip", "prior", "min back") if any(r in row["est"] for row in rows)]
    readings += sorted({k for row in rows for k in row["est"] if "@" in k and not k.startswith("min ")})  # other readers
    own = [r for r in rows if r["origin"] == "real:llamacpp/" + MODEL]
    for part, mine in [(p, [r for r in rows if r["part"] == p]) for p in PARTS] + \
            [(f"{p}, the reading model's own outputs only", [r for r in own if r["part"] == p]) for p in PARTS]:
        mine = [r for r in mine if any(k in r["est"] for k in readings)]
        if not mine:
            continue
        print(f"\n### {part}: {len(mine)} pairs scored\n")
        print("| reading | " + " | ".join(f"AUC {lang}" for lang in LANGS + ("all",)) + " | AUC on what the rules miss |")
        print("|---|" + "---|" * (len(LANGS) + 2))
        for reading in [k for k in readings if any(k in r["est"] for r in mine)]:
            cells = []
            for lang in LANGS + ("all",):
                sel = [r for r in mine if reading in r["est"] and lang in ("all", r["lang"])]
                cells.append(f"{auc([r['est'][reading] for r in sel if r['label'] == 'wrong'], [r['est'][reading] for r in sel if r['label'] == 'correct']):.2f}")
            missed = [r for r in mine if reading in r["est"] and not r["rules"]]
            cells.append(f"{auc([r['est'][reading] for r in missed if r['label'] == 'wrong'], [r['est'][reading] for r in missed if r['label'] == 'correct']):.2f}")
            print(f"| {reading} | " + " | ".join(cells) + " |")
    reading = args.reading
    chosen = {}  # per language: the highest line flagging at most `allowed` of the tuning part's correct pairs the rules pass
    for lang in LANGS + ("*",):
        ok = sorted(r["est"][reading] for r in rows if r["part"] == "tune" and r["label"] == "correct" and not r["rules"]
                    and reading in r["est"] and lang in ("*", r["lang"]))
        if ok:
            chosen[lang] = round(ok[int(args.allowed * len(ok))], 2)
    print(f"\n# lines chosen on the tuning part for `{reading}` (at most {args.allowed:.0%} of its correct pairs the rules pass): "
          f"{json.dumps(chosen)}")
    # the pipeline's lines for the reader measured; another's as chosen above
    reader = reading.split("@")[1] if "@" in reading else MODEL
    lines = json.loads(args.lines) if args.lines else estimate.LINES.get(reader, chosen)
    print(f"# lines applied: {json.dumps(lines)}")
    for part in PARTS:
        mine = [r for r in rows if r["part"] == part and reading in r["est"]]
        if not mine:
            continue
        print(f"\n#### {part}, reading `{reading}`\n")
        print("| language | line | errors flagged by the rules | with the estimate | meaning-class errors, rules | with the estimate "
              "| number errors, rules | with the estimate | correct flagged, rules | with the estimate | estimate's precision |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for lang in LANGS + ("all",):
            sel = [r for r in mine if lang in ("all", r["lang"])]
            wrong = [r for r in sel if r["label"] == "wrong"]
            meaning = [r for r in wrong if "meaning" in r["classes"]]
            number = [r for r in wrong if "number" in r["classes"]]
            right = [r for r in sel if r["label"] == "correct"]

            def low(r):
                return r["est"][reading] < lines.get(r["lang"], lines["*"])

            def flagged(group, est):
                return sum(1 for r in group if r["rules"] or (est and low(r)))

            alone = [r for r in sel if low(r)]
            print(f"| {lang} | {lines.get(lang, '–')} | "
                  + " | ".join(_pct(flagged(g, e), len(g)) for g in (wrong, meaning, number, right) for e in (False, True))
                  + f" | {_pct(sum(r['label'] == 'wrong' for r in alone), len(alone))} |")


def references(args) -> None:
    """The human reference translations of `bench/data/mt_reference.json` (42 sentences, written for
    the project, right by construction): how many fall below the pipeline's line — false alarms on
    correct translations of longer, everyday sentences than the error benchmark's — and what one
    estimate costs."""
    from linguaflow.settings import settings
    from linguaflow.translation import batched_llama, estimate

    data = json.loads((REPO / "bench" / "data" / "mt_reference.json").read_text())["items"]
    engine = batched_llama.get(settings().quality_model).engine
    estimate.estimates(engine, [("Warm up.", "Aufwärmen.")], "en", "de")
    print(f"\n# {len(data)} human reference translations per language, read by {settings().quality_model}; {machine()}\n")
    print("| language | line | below the line | lowest estimate | median | s per estimate |")
    print("|---|---|---|---|---|---|")
    rows = []
    for lang in LANGS:
        t0 = time.perf_counter()
        est = estimate.estimates(engine, [(d["en"], d[lang]) for d in data], "en", lang)
        took = (time.perf_counter() - t0) / len(data)
        below = [d["id"] for d, q in zip(data, est) if q < estimate.line(lang)]
        rows.append({"lang": lang, "below": len(below), "of": len(data), "seconds_per_estimate": round(took, 3)})
        print(f"| {lang} | {estimate.line(lang)} | {_pct(len(below), len(data))} | {min(est):.2f} | {sorted(est)[len(est) // 2]:.2f} "
              f"| {took:.2f} |", flush=True)
    total = sum(r["below"] for r in rows)
    print(f"| all | | {_pct(total, len(data) * len(LANGS))} | | | |")


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("score")
    s.add_argument("--split", default="tune", choices=PARTS)
    s.add_argument("--readings", default="back,forward")
    s.add_argument("--origin", default="", help="only pairs whose origin starts with this (real:llamacpp/qwen2.5-coder...)")
    s.add_argument("--model", default=MODEL, help="the GGUF model that reads (default: the default route's)")
    r = sub.add_parser("report")
    r.add_argument("--reading", default="back")
    r.add_argument("--allowed", type=float, default=0.03, help="share of the tuning part's correct pairs (rules silent) a line may flag")
    r.add_argument("--lines", default="", help='lines to apply, JSON {"de": 0.24, ..., "*": 0.17} (default: the pipeline\'s)')
    sub.add_parser("references")
    args = ap.parse_args()
    {"score": score, "report": report, "references": references}[args.cmd](args)


if __name__ == "__main__":
    main()
