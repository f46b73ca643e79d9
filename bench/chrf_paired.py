"""Is one path's translation better or worse than another's, or is the difference noise?

Paired bootstrap over sentences (Koehn 2004): the two paths' outputs for the same sentences,
resampled together 1,000 times; the 95 % interval of the chrF++ difference per language. An
interval that holds 0 is a difference the set cannot tell from chance; issue 27 asks that no
language move by more than 1.

    .venv/bin/python bench/chrf_paired.py OUTPUTS.json --base "old de,zh,ja,fr,es" --other "new de,zh,ja,fr,es"
        [--references mt_reference.json,mt_reference_2.json] [--samples 1000]

OUTPUTS.json is what `bench/translate_languages_bench.py --keep-outputs` wrote.
"""

from __future__ import annotations

import argparse
import json
import random

from translate_languages_bench import references


def chrf(hyps: list[str], refs: list[str]) -> float:
    import sacrebleu

    return sacrebleu.corpus_chrf(hyps, [refs], word_order=2).score


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("outputs")
    ap.add_argument("--base", required=True, help='the key of the reference path, e.g. "old de,zh,ja,fr,es"')
    ap.add_argument("--other", required=True)
    ap.add_argument("--references", default="mt_reference.json,mt_reference_2.json")
    ap.add_argument("--samples", type=int, default=1000)
    args = ap.parse_args()
    kept = json.loads(open(args.outputs).read())
    refs = {item["id"]: item for item in references(args.references)}
    base, other = kept[args.base], kept[args.other]
    rng = random.Random(0)
    print(f"| language | sentences | chrF++ {args.base.split()[0]} | chrF++ {args.other.split()[0]} | difference | 95 % interval |")
    print("|---|---|---|---|---|---|")
    for lang in base:
        ids = [i for i in base[lang] if i in other[lang]]
        ref = [refs[i][lang] for i in ids]
        a, b = [base[lang][i] for i in ids], [other[lang][i] for i in ids]
        diffs = []
        for _ in range(args.samples):
            pick = [rng.randrange(len(ids)) for _ in ids]
            r = [ref[k] for k in pick]
            diffs.append(chrf([b[k] for k in pick], r) - chrf([a[k] for k in pick], r))
        diffs.sort()
        lo, hi = diffs[int(0.025 * len(diffs))], diffs[int(0.975 * len(diffs)) - 1]
        ca, cb = chrf(a, ref), chrf(b, ref)
        print(f"| {lang} | {len(ids)} | {ca:.1f} | {cb:.1f} | {cb - ca:+.1f} | {lo:+.1f} … {hi:+.1f} |")


if __name__ == "__main__":
    main()
