"""How many speakers? The automatic count and DER on a corpus the diarizer was not tuned on.

    .venv/bin/python bench/diarization_count_bench.py [--methods eigengap,ahc,silhouette] [--sweep]

The corpus is `bench/diarization_corpus.py` (28 synthetic recordings, 1–4 speakers, clean,
telephone band, noise, overlaps, one voice pitched apart, Japanese voices; even ones tune, odd
ones held out) plus pyannote's real two-speaker call as a row of its own. Each recording is
embedded once (`speech.diarize.embed`: Silero VAD regions, GE2E windows); each counting method
clusters the same windows, and DER is scored by pyannote.metrics (collar 0.25 s, overlap
scored) on the turns. Methods:
- `eigengap`: what `speech.diarize.cluster` does today (one-voice floor, then the largest
  eigenvalue gap of the refined affinity);
- `given`: the true count given (the floor of what clustering can do);
- `ahc`: agglomerative clustering of the windows (average linkage, cosine distance), cut at a
  distance threshold chosen on the tuning half (`--sweep` prints the sweep);
- `silhouette`: spectral clustering for k = 2..6, the k with the best silhouette, one speaker
  when even that is under a floor chosen on the tuning half.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

import common  # noqa: F401 - the checkout measured
import speechgen
from diarization_corpus import build
from common import write_figures
from linguaflow.speech import diarize

AHC_THRESHOLD = 0.25  # the tuning half's best (--sweep)
SILHOUETTE_FLOOR = 0.25  # the tuning half's best
MERGE_ABOVE = 0.9  # the tuning half's best
warnings.filterwarnings("ignore", message="'uem' was approximated")


def _to_all(embeds: np.ndarray, picked: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return np.argmax(embeds @ diarize._centroids(embeds[picked], labels).T, axis=1)


def ahc(embeds: np.ndarray, threshold: float) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(embeds) < 3:
        return np.zeros(len(embeds), int)
    picked = np.linspace(0, len(embeds) - 1, min(len(embeds), diarize.MAX_CLUSTERED)).round().astype(int)
    x = embeds[picked]
    labels = fcluster(linkage(x, method="average", metric="cosine"), t=threshold, criterion="distance") - 1
    return _to_all(embeds, picked, diarize.merge_specks(x, labels))


def silhouette(embeds: np.ndarray, floor: float) -> np.ndarray:
    from sklearn.metrics import silhouette_score

    if len(embeds) < 6:
        return np.zeros(len(embeds), int)
    picked = np.linspace(0, len(embeds) - 1, min(len(embeds), diarize.MAX_CLUSTERED)).round().astype(int)
    x = embeds[picked]
    best, best_labels = -1.0, np.zeros(len(x), int)
    for k in range(2, min(6, len(x) - 1) + 1):
        labels = diarize.merge_specks(x, diarize.cluster(x, num_speakers=k))
        if labels.max() == 0:
            continue
        score = float(silhouette_score(x, labels, metric="cosine"))
        if score > best:
            best, best_labels = score, labels
    if best < floor:
        return np.zeros(len(embeds), int)
    return _to_all(embeds, picked, best_labels)


def merge(embeds: np.ndarray, above: float, start: int = 8) -> np.ndarray:
    """Over-cluster (spectral, `start` clusters), then merge the two closest clusters while their
    centroids' cosine similarity is above `above`; specks join their neighbour."""
    n = len(embeds)
    if n < 3:
        return np.zeros(n, int)
    picked = np.linspace(0, n - 1, min(n, diarize.MAX_CLUSTERED)).round().astype(int)
    x = embeds[picked]
    labels = np.unique(diarize.cluster(x, num_speakers=min(start, max(2, len(x) // 8))), return_inverse=True)[1]
    while labels.max() > 0:
        c = diarize._centroids(x, labels)
        sim = c @ c.T
        np.fill_diagonal(sim, -1)
        a, b = np.unravel_index(int(np.argmax(sim)), sim.shape)
        if sim[a, b] < above:
            break
        labels = np.unique(np.where(labels == b, a, labels), return_inverse=True)[1]
    return _to_all(embeds, picked, diarize.merge_specks(x, labels))


def evaluate(items, method, **kw) -> list[dict]:
    rows = []
    for it in items:
        regions, e, c, o = it["embedded"]
        if method == "eigengap":
            labels = diarize.cluster(e)
        elif method == "given":
            labels = diarize.cluster(e, num_speakers=it["speakers"])
        elif method == "ahc":
            labels = ahc(e, kw.get("threshold", AHC_THRESHOLD))
        elif method == "merge":
            labels = merge(e, kw.get("above", MERGE_ABOVE))
        else:
            labels = silhouette(e, kw.get("floor", SILHOUETTE_FLOOR))
        turns = diarize.turns_from(regions, labels, c, o) if len(e) else []
        found = len({t.speaker for t in turns})
        rows.append({"name": it["name"], "split": it["split"], "speakers": it["speakers"], "condition": it["condition"],
                     "found": found, "der": speechgen.der(it["reference"], [(t.start, t.end, t.speaker) for t in turns])})
    return rows


def summary(rows: list[dict]) -> str:
    if not rows:
        return "–"
    right = sum(r["found"] == r["speakers"] for r in rows)
    return f"{right}/{len(rows)} counts right, mean DER {100 * np.mean([r['der'] for r in rows]):.1f} %"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--methods", default="eigengap,given,ahc,silhouette,merge")
    ap.add_argument("--sweep", action="store_true", help="print the tuning half's sweep of each method's threshold")
    args = ap.parse_args()
    recordings = build()
    wav, rttm = speechgen.pyannote_sample()
    items = [{"name": r.name, "split": r.split, "speakers": r.speakers, "condition": r.condition, "path": str(r.path),
              "duration": r.duration, "reference": r.reference} for r in recordings]
    real = {"name": "pyannote sample (real call)", "split": "real", "speakers": 2, "condition": "real phone call",
            "path": str(wav), "reference": speechgen.read_rttm(rttm)}
    real["duration"] = max(b for _, b, _ in real["reference"])
    items.append(real)
    diarize.embed(items[0]["path"])  # load the encoder outside the timing
    began = time.perf_counter()
    for it in items:
        it["embedded"] = diarize.embed(it["path"])
    took = time.perf_counter() - began
    audio_s = sum(it["duration"] for it in items)
    print(f"# {common.machine()}; {len(items)} recordings, {audio_s / 60:.1f} min of audio embedded in {took:.1f} s "
          f"({audio_s / took:.0f}x real time)")
    tune = [it for it in items if it["split"] == "tune"]
    if args.sweep:
        for t in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4):
            print(f"ahc threshold {t}: tune {summary(evaluate(tune, 'ahc', threshold=t))}")
        for f in (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3):
            print(f"silhouette floor {f}: tune {summary(evaluate(tune, 'silhouette', floor=f))}")
        for m in (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
            print(f"merge above {m}: tune {summary(evaluate(tune, 'merge', above=m))}")
    print("\n| method | tuning half | held-out half | pyannote sample (speakers, DER) |")
    print("|---|---|---|---|")
    figures = []
    for method in args.methods.split(","):
        rows = evaluate(items, method)
        figures += [{"method": method, **r} for r in rows]
        by = {s: [r for r in rows if r["split"] == s] for s in ("tune", "heldout", "real")}
        [p] = by["real"]
        print(f"| {method} | {summary(by['tune'])} | {summary(by['heldout'])} | {p['found']}, {100 * p['der']:.1f} % |")
    print("\n| recording | split | speakers | " + " | ".join(args.methods.split(",")) + " |")
    print("|---|---|---|" + "---|" * len(args.methods.split(",")))
    for it in items:
        cells = [next(f for f in figures if f["method"] == m and f["name"] == it["name"]) for m in args.methods.split(",")]
        print(f"| {it['name']} | {it['split']} | {it['speakers']} | "
              + " | ".join(f"{c['found']}, {100 * c['der']:.0f} %" for c in cells) + " |")
    write_figures("diarization_count", "speaker count and DER per recording and counting method (bench/diarization_corpus.py)",
                  [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in f.items()} for f in figures],
                  embed_x_real_time=round(audio_s / took, 1))


if __name__ == "__main__":
    main()
