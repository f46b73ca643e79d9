"""How many speakers? The automatic count and DER on a corpus the diarizer was not tuned on.

    .venv/bin/python bench/diarization_count_bench.py [--methods ge2e:eigengap,campplus:laplacian] [--sweep] [--fresh] [--overlap]
        [--short-calls]

The corpus is `bench/diarization_corpus.py` (42 synthetic recordings, 1–4 speakers, clean,
telephone band, noise, overlaps, one voice pitched apart, Japanese voices; even ones tune, odd
ones held out, 14 more a second held-out half added later) plus pyannote's real two-speaker call
as a row of its own; `--short-calls` runs the hotel call of issue 28 in twelve voice pairs. Each recording is
embedded once per encoder (`speech.diarize.embed`: Silero VAD regions, then `ge2e` windows, the
diarizer's, or `campplus`, bench/campplus_encoder.py, or `ecapa`, bench/ecapa_encoder.py; cached, `--fresh`
embeds and times again);
each counting method clusters the same windows, and DER is scored by pyannote.metrics (collar
0.25 s, overlap scored) on the turns. For `eigengap` the table also says how its doubt (the
task's `speakers_uncertain`) matches the counts that came out wrong. Methods (`encoder:method`):
- `eigengap`: what `speech.diarize.cluster` does today (one-voice floor, then the largest
  eigenvalue gap of the refined affinity);
- `given`: the true count given (the floor of what clustering can do);
- `ahc`: agglomerative clustering of the windows (average linkage, cosine distance), cut at a
  distance threshold chosen on the tuning half (`--sweep` prints the sweep);
- `silhouette`: spectral clustering for k = 2..6, the k with the best silhouette, one speaker
  when even that is under a floor chosen on the tuning half;
- `merge`: over-cluster, then merge centroids above a similarity;
- `laplacian`: 3D-Speaker's recipe (pruned affinity, Laplacian eigengap, small clusters joined,
  centroids above 0.875 merged); `--sweep` tries its settings on the tuning half only.
"""

from __future__ import annotations

import argparse
import pickle
import time
import warnings

import numpy as np

import common  # noqa: F401 - the checkout measured
import speechgen
from diarization_corpus import build
from common import write_figures
from linguaflow.speech import diarize, pitch, speaker_encoder

ENCODERS = {"ge2e": lambda: speaker_encoder.Ge2e, "campplus": lambda: __import__("campplus_encoder").CamPlusPlus,
            "ecapa": lambda: __import__("ecapa_encoder").Ecapa}
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
        labels = diarize.merge_specks(x, diarize.cluster(x, num_speakers=k).labels)
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
    labels = np.unique(diarize.cluster(x, num_speakers=min(start, max(2, len(x) // 8))).labels, return_inverse=True)[1]
    return _to_all(embeds, picked, diarize.merge_specks(x, merge_closest(x, labels, above)))


def merge_closest(x: np.ndarray, labels: np.ndarray, above: float) -> np.ndarray:
    """Merge the two closest clusters while their centroids' cosine similarity is above `above`."""
    while labels.max() > 0:
        c = diarize._centroids(x, labels)
        sim = c @ c.T
        np.fill_diagonal(sim, -1.0)
        a, b = np.unravel_index(int(np.argmax(sim)), sim.shape)
        if sim[a, b] < above:
            break
        labels = np.unique(np.where(labels == b, a, labels), return_inverse=True)[1]
    return labels


def laplacian(embeds: np.ndarray, num_speakers: int | None = None, keep: float = 0.012,
                      min_neighbours: int = 6, min_windows: int = 4, merge_above: float | None = 0.875) -> np.ndarray:
    """Spectral clustering on a pruned affinity, 3D-Speaker's recipe: each window keeps its
    `keep` share (at least `min_neighbours`) closest windows, the graph Laplacian's smallest
    eigenvalues count the speakers (largest gap), k-means on their eigenvectors; clusters of fewer
    than `min_windows` windows join the nearest centroid, and centroids closer than `merge_above`
    are one speaker."""
    from sklearn.cluster import KMeans

    n = len(embeds)
    if n < 3 or num_speakers == 1:
        return np.zeros(n, int)
    picked = np.linspace(0, n - 1, min(n, diarize.MAX_CLUSTERED)).round().astype(int)
    x = embeds[picked]
    a = x @ x.T
    kept = min(len(x), max(min_neighbours, int(np.ceil(keep * len(x)))))
    drop = np.argsort(a, axis=1)[:, : len(x) - kept]
    np.put_along_axis(a, drop, 0.0, axis=1)
    a = np.maximum((a + a.T) / 2, 0.0)
    np.fill_diagonal(a, 0.0)
    values, vectors = np.linalg.eigh(np.diag(a.sum(axis=1)) - a)
    k = num_speakers or int(np.argmax(np.diff(values[: diarize.MAX_SPEAKERS + 1]))) + 1
    k = min(k, len(x))
    if k == 1:
        return np.zeros(n, int)
    labels = KMeans(k, n_init=10, random_state=0).fit_predict(vectors[:, :k])
    labels = np.unique(labels, return_inverse=True)[1]
    if not num_speakers:
        sizes = np.bincount(labels)
        big = np.flatnonzero(sizes >= min_windows)
        if len(big) == 0:
            return np.zeros(n, int)
        c = diarize._centroids(x, labels)[big]
        small = ~np.isin(labels, big)
        labels[small] = big[np.argmax(x[small] @ c.T, axis=1)]
        labels = np.unique(labels, return_inverse=True)[1]
        if merge_above is not None:
            labels = merge_closest(x, labels, merge_above)
    return np.argmax(embeds @ diarize._centroids(x, labels).T, axis=1)


def overlap_detection(items, encoder: str, half_window_s: float) -> None:
    """Can overlapped speech be told from the windows (issue 28 item 4)? With the count given, a
    window between two voices should sit about as close to its second speaker's centroid as to its
    first: the score is second-best minus best similarity. A window is overlapped when two
    reference speakers talk at once over at least 30 % of it. AUC and precision/recall per line."""
    from sklearn.metrics import roc_auc_score

    for split in ("tune", "heldout"):
        truth, scores = [], []
        for it in items:
            if it["split"] != split or it["speakers"] < 2:
                continue
            regions, e, c, o, _ = it["embedded"][encoder]
            labels = diarize.cluster(e, num_speakers=it["speakers"]).labels
            sims = np.sort(e @ diarize._centroids(e, labels).T, axis=1)
            scores += list(sims[:, -2] - sims[:, -1])
            for t in c:
                grid = np.arange(t - half_window_s, t + half_window_s, 0.05)
                truth.append(np.mean([sum(a <= g <= b for a, b, _ in it["reference"]) >= 2 for g in grid]) >= 0.3)
        truth, scores = np.array(truth), np.array(scores)
        print(f"{encoder} {split}: {len(truth)} windows, {int(truth.sum())} overlapped, AUC {roc_auc_score(truth, scores):.3f}")
        for line in (-0.2, -0.1, -0.05):
            fired = scores >= line
            print(f"  second-best within {-line}: fires on {fired.mean():.0%}, precision "
                  f"{(fired & truth).sum() / max(fired.sum(), 1):.2f}, recall {(fired & truth).sum() / truth.sum():.2f}")


def evaluate(items, method, encoder: str, **kw) -> list[dict]:
    rows = []
    for it in items:
        regions, e, c, o, pitches = it["embedded"][encoder]
        doubt = None
        if method == "laplacian":
            labels = laplacian(e, **kw)
        elif method in ("eigengap", "timbre"):
            found = diarize.cluster(e, pitches=pitches if method == "eigengap" else None)
            labels, doubt = found.labels, found.doubt
        elif method == "given":
            labels = diarize.cluster(e, num_speakers=it["speakers"]).labels
        elif method == "ahc":
            labels = ahc(e, kw.get("threshold", AHC_THRESHOLD))
        elif method == "merge":
            labels = merge(e, kw.get("above", MERGE_ABOVE))
        else:
            labels = silhouette(e, kw.get("floor", SILHOUETTE_FLOOR))
        turns = diarize.turns_from(regions, labels, c, o) if len(e) else []
        found = len({t.speaker for t in turns})
        rows.append({"name": it["name"], "split": it["split"], "speakers": it["speakers"], "condition": it["condition"],
                     "found": found, "doubt": doubt, "der": speechgen.der(it["reference"], [(t.start, t.end, t.speaker) for t in turns])})
    return rows


def second_opinion(items, other: str) -> None:
    """Would a second encoder's count show where GE2E's is wrong? The doubt as it is, then raised
    also where `other`'s own count (3D-Speaker's recipe) differs from GE2E's, or is higher (every
    wrong count left is too few speakers)."""
    ge2e = {r["name"]: r for r in evaluate(items, "eigengap", "ge2e")}
    theirs = {r["name"]: r["found"] for r in evaluate(items, "laplacian", other)}
    variants = {"doubt as it is": lambda r: bool(r["doubt"]),
                f"or {other} differs": lambda r: bool(r["doubt"]) or theirs[r["name"]] != r["found"],
                f"or {other} finds more": lambda r: bool(r["doubt"]) or theirs[r["name"]] > r["found"]}
    halves = [h for h in ("tune", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "real")
              if any(it["split"] == h for it in items)]
    print(f"\n| doubt | {' | '.join(halves)} |\n|---|{'---|' * len(halves)}")
    for name, raised in variants.items():
        cells = [flag_summary([{**r, "doubt": raised(r)} for r in ge2e.values() if r["split"] == h]) for h in halves]
        print(f"| {name} | {' | '.join(cells)} |")


def summary(rows: list[dict]) -> str:
    if not rows:
        return "–"
    right = sum(r["found"] == r["speakers"] for r in rows)
    return f"{right}/{len(rows)} counts right, mean DER {100 * np.mean([r['der'] for r in rows]):.1f} %"


def flag_summary(rows: list[dict]) -> str:
    """How the doubt (`speakers_uncertain`) matches the wrong counts: caught / wrong, raised / right."""
    wrong = [r for r in rows if r["found"] != r["speakers"]]
    right = [r for r in rows if r["found"] == r["speakers"]]
    return (f"flagged {sum(bool(r['doubt']) for r in wrong)}/{len(wrong)} wrong counts, "
            f"{sum(bool(r['doubt']) for r in right)}/{len(right)} right ones")


SHORT_CALL_PAIRS = [  # the two alike pairs the doubt was first measured on, the pipeline test's pair, then random ones
    (("en-us+m1", 50), ("en-us+m6", 50)), (("en-gb+f2", 60), ("en-us+m2", 40)), (("en-us+f3", 70), ("en-gb-scotland+m1", 30)),
    (("en-us+m3", 35), ("en-gb+f4", 85)), (("en-gb-scotland+m5", 70), ("en-us-nyc+m2", 29)), (("en-029+m4", 66), ("en-029+m2", 84)),
    (("en-gb+m2", 31), ("en-gb-x-rp+Annie", 28)), (("en-gb+m3", 74), ("en-us+Mario", 35)), (("en-gb+Steph", 27), ("en-029+Mario", 70)),
    (("en-us+f1", 25), ("en-029+m5", 57)), (("en-gb-x-rp+m5", 35), ("en-029+f3", 43)), (("en-us+Mario", 44), ("en-gb-scotland+m4", 28)),
]


def short_calls() -> None:
    """The issue's case: a 29 s front-desk call of six one-sentence turns, two voices, count not
    given: the long corpus recordings do not show how the count behaves with this few windows."""
    folder = speechgen.cache_dir() / "short-calls"
    folder.mkdir(parents=True, exist_ok=True)
    print("| voices | 10th percentile | pitch spread (semitones) | speakers found | DER | doubt |\n|---|---|---|---|---|---|")
    for a, b in SHORT_CALL_PAIRS:
        speechgen.VOICES = {"A": a, "B": b}
        path = folder / f"hotel-{a[0]}-{a[1]}-{b[0]}-{b[1]}.wav"
        reference = speechgen.conversation(path, speechgen.HOTEL)
        regions, e, c, o, pitches = diarize.embed(str(path))
        found = diarize.cluster(e, pitches=pitches)
        turns = diarize.turns_from(regions, found.labels, c, o)
        der = speechgen.der(reference, [(t.start, t.end, t.speaker) for t in turns])
        print(f"| {a[0]} ({a[1]}) / {b[0]} ({b[1]}) | {diarize._tenth_similarity(e):.3f} | {pitch.spread(pitches):.1f} | "
              f"{found.labels.max() + 1} | "
              f"{100 * der:.1f} % | {found.doubt or ''} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--methods", default="ge2e:eigengap,ge2e:given,campplus:laplacian,campplus:given",
                    help="encoder:method pairs")
    ap.add_argument("--fresh", action="store_true", help="embed again (and time it) even when cached")
    ap.add_argument("--overlap", action="store_true", help="how well each encoder's windows tell overlapped speech")
    ap.add_argument("--sweep", action="store_true", help="print the tuning half's sweep of each method's threshold")
    ap.add_argument("--short-calls", action="store_true", help="the hotel front-desk call (29 s) in twelve voice pairs")
    ap.add_argument("--second-opinion", default="", help="an encoder whose own count adds to the doubt (campplus)")
    args = ap.parse_args()
    recordings = build()
    wav, rttm = speechgen.pyannote_sample()
    items = [{"name": r.name, "split": r.split, "speakers": r.speakers, "condition": r.condition, "path": str(r.path),
              "duration": r.duration, "reference": r.reference} for r in recordings]
    real = {"name": "pyannote sample (real call)", "split": "real", "speakers": 2, "condition": "real phone call",
            "path": str(wav), "reference": speechgen.read_rttm(rttm)}
    real["duration"] = max(b for _, b, _ in real["reference"])
    items.append(real)
    speeds = {}
    for name in dict.fromkeys(m.split(":")[0] for m in args.methods.split(",")):
        encoder = ENCODERS[name]()
        cache = speechgen.cache_dir() / f"diarization-embeds-{name}-{encoder.window_frames}-{encoder.step_frames}-pitch2.pkl"
        cached = pickle.loads(cache.read_bytes()) if cache.exists() and not args.fresh else {}
        for it in items:
            if it["name"] in cached:
                it.setdefault("embedded", {})[name] = cached[it["name"]]
        missing = [it for it in items if name not in it.get("embedded", {})]
        if not missing:
            print(f"# {name}: embeddings read from {cache} (--fresh to time them)")
            continue
        diarize.embed(missing[0]["path"], encoder=encoder)  # load the encoder outside the timing
        began = time.perf_counter()
        for it in missing:
            it.setdefault("embedded", {})[name] = diarize.embed(it["path"], encoder=encoder)
        took = time.perf_counter() - began
        cache.write_bytes(pickle.dumps({it["name"]: it["embedded"][name] for it in items}))
        audio_s = sum(it["duration"] for it in missing)
        speeds[name] = round(audio_s / took, 1)
        print(f"# {common.machine()}; {name}: {len(missing)} recordings, {audio_s / 60:.1f} min of audio embedded in "
              f"{took:.1f} s ({audio_s / took:.0f}x real time)")
    tune = [it for it in items if it["split"] == "tune"]
    if args.short_calls:
        short_calls()
        return
    if args.second_opinion:
        second_opinion(items, args.second_opinion)
        return
    if args.overlap:
        for name in dict.fromkeys(m.split(":")[0] for m in args.methods.split(",")):
            overlap_detection(items, name, ENCODERS[name]().window_frames / 200)
        return
    if args.sweep:  # the tuning half only: the held-out half is not looked at while choosing
        for keep in (0.005, 0.012, 0.025, 0.05):
            for merge in (0.7, 0.75, 0.8, 0.875, None):
                for n in (4, 6, 10):
                    rows = evaluate(tune, "laplacian", "campplus", keep=keep, merge_above=merge, min_neighbours=n)
                    print(f"campplus laplacian keep {keep} merge {merge} neighbours {n}: tune {summary(rows)}")
        return
    print("\n| method | tuning half | held-out half | second held-out half | third held-out half | fourth held-out half | "
          "pyannote sample (speakers, DER) |")
    print("|---|---|---|---|---|---|---|")
    figures, flags = [], []
    for method in args.methods.split(","):
        rows = evaluate(items, method.split(":")[1], method.split(":")[0])
        figures += [{"method": method, **r} for r in rows]
        by = {s: [r for r in rows if r["split"] == s] for s in ("tune", "heldout", "heldout2", "heldout3", "heldout4", "real")}
        [p] = by["real"]
        print(f"| {method} | {summary(by['tune'])} | {summary(by['heldout'])} | {summary(by['heldout2'])} | "
              f"{summary(by['heldout3'])} | {summary(by['heldout4'])} | {p['found']}, {100 * p['der']:.1f} % |")
        if method.endswith((":eigengap", ":timbre")):
            flags.append(f"| {method} | {flag_summary(by['tune'])} | {flag_summary(by['heldout'])} | "
                         f"{flag_summary(by['heldout2'])} | {flag_summary(by['heldout3'])} | {flag_summary(by['heldout4'])} | "
                         f"{'flagged' if p['doubt'] else 'not flagged'} |")
    if flags:
        print("\n| doubt (speakers_uncertain) | tuning half | held-out half | second held-out half | third held-out half | "
              "fourth held-out half | pyannote sample |\n|---|---|---|---|---|---|---|")
        print("\n".join(flags))
    print("\n| recording | split | speakers | " + " | ".join(args.methods.split(",")) + " |")
    print("|---|---|---|" + "---|" * len(args.methods.split(",")))
    for it in items:
        cells = [next(f for f in figures if f["method"] == m and f["name"] == it["name"]) for m in args.methods.split(",")]
        print(f"| {it['name']} | {it['split']} | {it['speakers']} | "
              + " | ".join(f"{c['found']}, {100 * c['der']:.0f} %{' (flagged)' if c['doubt'] else ''}" for c in cells) + " |")
    write_figures("diarization_count", "speaker count and DER per recording and counting method (bench/diarization_corpus.py)",
                  [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in f.items()} for f in figures],
                  embed_x_real_time=speeds)


if __name__ == "__main__":
    main()
