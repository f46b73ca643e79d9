"""Collect real translations of the error benchmark's sources from the bundled routes.

    .venv/bin/python bench/translation_errors_collect.py --model qwen2.5-coder-1.5b-instruct-q4 [--langs de,zh,ja,fr,es] [--split heldout2]

Each source sentence of `bench/data/translation_errors.json` is translated by the route as the
pipeline calls it (batches of 8, no output check, no second try: what a route really says), and
stored as an unlabelled pair (`label: null`) unless that (source, language, origin) is already
there. Labels are written afterwards, by people, following the rules in the file's `about`.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from common import REPO

DATA = REPO / "bench" / "data" / "translation_errors.json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-coder-1.5b-instruct-q4")
    ap.add_argument("--langs", default="de,zh,ja,fr,es")
    ap.add_argument("--split", default="", help="only the sources of this part (e.g. heldout2, added later)")
    args = ap.parse_args()
    os.environ["LINGUAFLOW_ROUTES"] = json.dumps({"*": {"backend": "llamacpp", "model": args.model, "batch_size": 8}})
    from linguaflow.translation import router

    data = json.loads(DATA.read_text())
    items = [(s["id"], s["en"]) for s in data["sources"] if s["split"] == args.split or not args.split]
    origin = f"real:llamacpp/{args.model}"
    have = {(p["source"], p["lang"], p["origin"]) for p in data["pairs"]}
    for lang in args.langs.split(","):
        t0 = time.perf_counter()
        out, route = router.translate(items, "en", lang)
        print(f"{lang}: {len(items)} sentences in {time.perf_counter() - t0:.0f} s by {route}", flush=True)
        for sid, text in out:
            if (sid, lang, origin) not in have:
                data["pairs"].append({"id": f"{sid}-{lang}-{args.model.split('-instruct')[0]}", "source": sid, "lang": lang,
                                      "origin": origin, "text": text, "label": None, "classes": [], "note": ""})
        DATA.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
