"""Translation quality benchmark: chrF++ against human references, untranslated rate, speed.

    .venv/bin/python bench/translate_quality.py [--langs de,zh,ja,fr,es] [--routes JSON] [--limit N]

The reference set (`bench/data/mt_reference.json`) is 42 ordinary spoken-style English sentences
(office, travel, health, weather, everyday) with careful references in de, zh, ja, fr and es,
written for this project. Each target is translated twice through the routing table, side by
side: `plain` is the route's own output (what was stored before every output was checked),
`checked` is what the pipeline stores now (every check, flagged items asked again one by one, told
the names and digits to keep); their times side by side are the checks' cost.
`halves` cuts every sentence into two segments at its middle word, as Whisper cuts sentences, and
translates the halves one by one; `halves+sentences` joins them back into sentences first
(`linguaflow.translation.sentences`), the pipeline's way, and splits the translation back.
`+estimate` adds the quality estimate (a request's `quality_estimate`: every sentence read back by the
bundled model, `low_quality` below the line, asked again like any flagged item); its time beside
`checked` is the estimate's cost.
`+example` variants show the model one worked example in the target language first;
`+grammar` ones constrain llama.cpp's reply with its JSON grammar (the default answers freely; the
reply is parsed and validated the same way either way).
chrF++ is sacrebleu's (word order 2); `untranslated` counts segments still in English or copied.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

from common import REPO, write_figures  # noqa: E402 - the checkout measured, its include/ and tests/ on the path


def _halves(text: str) -> list[str]:
    """A sentence cut at its middle word into two segments (the first without its sentence end)."""
    words = text.split()
    mid = max(1, len(words) // 2)
    return [" ".join(words[:mid]), " ".join(words[mid:])]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--langs", default="de,zh,ja,fr,es")
    ap.add_argument("--routes", default=None, help="LINGUAFLOW_ROUTES for this run (JSON)")
    ap.add_argument("--limit", type=int, default=0, help="first N sentences only")
    ap.add_argument("--variants", default="plain,checked")
    ap.add_argument("--figures", default="translate_quality",
                    help="keep the rows as bench/figures/NAME.json (the docs' plots read translate_quality_*.json)")
    args = ap.parse_args()
    if args.routes:
        os.environ["LINGUAFLOW_ROUTES"] = args.routes

    import sacrebleu

    from linguaflow.translation import check, llamacpp, llm_prompt, router, sentences

    data = json.loads((REPO / "bench" / "data" / "mt_reference.json").read_text())["items"]
    if args.limit:
        data = data[: args.limit]
    items = [(d["id"], d["en"]) for d in data]
    print(f"# {len(items)} sentences; {platform.machine()}, {os.cpu_count()} cores; route per language from the routing table")
    print("| target | route | variant | chrF++ | untranslated | wrong language | meaning flags | low quality | s | seg/s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    results = []
    router.translate([("w", "Warm up the model.")], "en", args.langs.split(",")[0])  # load once, outside the timing
    if "+estimate" in args.variants:
        from linguaflow.settings import settings
        from linguaflow.translation import batched_llama

        batched_llama.get(settings().quality_model)  # the estimate's reader, loaded outside the timing too
    for lang in args.langs.split(","):
        refs = [d[lang] for d in data]
        for variant in args.variants.split(","):
            llm_prompt.FEW_SHOT = "+example" in variant
            llamacpp.JSON_GRAMMAR = "+grammar" in variant
            llamacpp.REPEAT_PENALTY = float(variant.split("+penalty", 1)[1].split("+")[0]) if "+penalty" in variant else 1.0
            t0 = time.perf_counter()
            if variant.startswith("plain"):
                out, route = router.translate(items, "en", lang)
                flags = check.check(items, out, "en", lang)
            elif variant.startswith("halves"):  # each sentence cut in two segments, as Whisper does
                halves = [(f"{i}.{h}", part) for i, text in items for h, part in enumerate(_halves(text))]
                if "+sentences" in variant:
                    audio, _, route, flags = sentences.translate(router.translate_checked, halves, [], "en", lang)
                else:
                    audio, route, flags = router.translate_checked(halves, "en", lang)
                back = dict(audio)
                out = [(i, " ".join(back[f"{i}.{h}"] for h in (0, 1)) if lang not in ("zh", "ja")
                        else "".join(back[f"{i}.{h}"] for h in (0, 1))) for i, _ in items]
            else:
                out, route, flags = router.translate_checked(items, "en", lang, estimate="+estimate" in variant)
            took = time.perf_counter() - t0
            flags = {i: [x if isinstance(x, str) else x.flag for x in found] for i, found in flags.items()}  # findings: by flag
            hyps = [t for _, t in out]
            chrf = sacrebleu.corpus_chrf(hyps, [refs], word_order=2).score
            untranslated = sum(1 for f in flags.values() if check.UNTRANSLATED in f)
            wrong = sum(1 for f in flags.values() if check.WRONG_LANGUAGE in f)
            meaning = sum(1 for f in flags.values() if set(f) & set(check.MEANING))
            low = sum(1 for f in flags.values() if check.LOW_QUALITY in f)
            row = {"target": lang, "route": route, "variant": variant, "chrf++": round(chrf, 1), "untranslated": untranslated,
                   "wrong_language": wrong, "meaning_flags": meaning, "low_quality": low, "seconds": round(took, 1),
                   "seg_per_s": round(len(items) / took, 2)}
            results.append(row)
            print(f"| {lang} | {route} | {variant} | {row['chrf++']} | {untranslated}/{len(items)} | {wrong}/{len(items)} | "
                  f"{meaning}/{len(items)} | {low}/{len(items)} | {row['seconds']} | {row['seg_per_s']} |", flush=True)
    write_figures(args.figures, f"chrF++ and speed per target on the {len(items)} reference sentences, "
                  "through the routing table", results, routes=os.environ.get("LINGUAFLOW_ROUTES", ""))


if __name__ == "__main__":
    main()
