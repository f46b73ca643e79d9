"""Draw the docs site's benchmark plots from the figures the benchmarks keep (bench/figures/*.json).

    .venv/bin/python bench/plots.py          # writes docs/img/bench/*.svg
    .venv/bin/python bench/plots.py --out DIR

No benchmark runs here: each plot is redrawn from the data its benchmark wrote, and says the
machine and the date it was measured on. The SVGs are reproducible (fixed ids, no timestamp).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from common import FIGURES, REPO  # noqa: E402

OUT = REPO / "docs" / "img" / "bench"
plt.rcParams.update({"svg.hashsalt": "linguaflow", "svg.fonttype": "path", "font.size": 9,
                     "axes.spines.top": False, "axes.spines.right": False})
COLOURS = ("#3f51b5", "#e67e22", "#2e7d32", "#8e24aa", "#c62828")


def _load(name: str) -> dict:
    return json.loads((FIGURES / f"{name}.json").read_text())


def _footer(fig, *records: dict) -> None:
    seen = []
    for r in records:
        line = f"{r['bench']} · {r['machine']} · {r['date']}"
        if line not in seen:
            seen.append(line)
    fig.text(0.01, 0.01, "\n".join(seen), fontsize=7, color="#666666", va="bottom")


def _save(fig, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.svg"
    fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return path


def asr_length() -> Path:
    rec = _load("asr_length")
    rows = [r for r in rec["rows"] if r["decoding"].startswith("windows")]
    minutes = [r["audio_s"] / 60 for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.4))
    left.plot(minutes, [r["transcribe_s"] for r in rows], "o-", color=COLOURS[0], label="transcription time (× real time)")
    left.plot(minutes, [r["audio_s"] for r in rows], "--", color="#999999", label="real time")
    left.set(xlabel="audio (minutes)", ylabel="seconds", title=f"Whisper {rec['model']} on the CPU: time", ylim=(0, None))
    for m, r in zip(minutes, rows):
        left.annotate(f"{r['rtf']:.2f}×", (m, r["transcribe_s"]), textcoords="offset points", xytext=(-6, 7), fontsize=7)
    left.legend(frameon=False)
    right.plot(minutes, [r["peak_rss_mb"] for r in rows], "o-", color=COLOURS[1])
    right.set(xlabel="audio (minutes)", ylabel="peak RSS (MB)", title="peak memory", ylim=(0, None))
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    _footer(fig, rec)
    return _save(fig, "asr_length")


def _quality_records() -> list[dict]:
    paths = sorted(FIGURES.glob("translate_quality_*.json"))
    if not paths:
        raise FileNotFoundError(2, "no figures", str(FIGURES / "translate_quality_*.json"))
    return [json.loads(p.read_text()) for p in paths]


def translation_quality() -> Path:
    recs = _quality_records()
    routes: dict[str, dict[str, float]] = {}
    for rec in recs:
        for row in rec["rows"]:
            routes.setdefault(row["route"], {})[row["target"]] = row["chrf++"]
    langs = sorted({lang for scores in routes.values() for lang in scores}, key=["de", "zh", "ja", "fr", "es"].index)
    fig, ax = plt.subplots(figsize=(8, 3.4))
    width = 0.8 / len(routes)
    for i, (route, scores) in enumerate(routes.items()):
        xs = [j + i * width for j in range(len(langs))]
        bars = ax.bar(xs, [scores.get(lang, 0) for lang in langs], width, label=route, color=COLOURS[i % len(COLOURS)])
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks([j + width * (len(routes) - 1) / 2 for j in range(len(langs))], langs)
    ax.set(ylabel="chrF++ (higher is better)", title="Translation quality per language and route (42 reference sentences)")
    ax.legend(frameon=False, fontsize=7)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    _footer(fig, *recs)
    return _save(fig, "translation_quality")


def translation_frontier() -> Path:
    recs = _quality_records()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    markers = "osD^v"
    for i, rec in enumerate(recs):
        rows = rec["rows"]
        label = rows[0]["route"]
        ax.scatter([r["seg_per_s"] for r in rows], [r["chrf++"] for r in rows], marker=markers[i % len(markers)],
                   color=COLOURS[i % len(COLOURS)], label=label, s=30)
        for r in rows:
            ax.annotate(r["target"], (r["seg_per_s"], r["chrf++"]), textcoords="offset points", xytext=(4, 2), fontsize=7)
    ax.set(xlabel="segments per second (higher is faster)", ylabel="chrF++ (higher is better)",
           title="Translation routes: quality against speed, per target language")
    ax.legend(frameon=False, fontsize=7)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    _footer(fig, *recs)
    return _save(fig, "translation_frontier")


def translate_languages() -> Path:
    rec = _load("translate_languages")
    fig, ax = plt.subplots(figsize=(8, 3.4))
    paths = (("old", "one language after another"), ("new", "all at once (llamacpp-batched)"),
             ("service", "all at once, warm service (serve-mt)"))
    for i, (path, label) in enumerate(paths):
        rows = [r for r in rec["rows"] if r["path"] == path]
        if not rows:
            continue
        ax.plot([r["languages"] for r in rows], [r["wall_s"] for r in rows], "o-" if path != "service" else "s--",
                color=COLOURS[i], label=label)
        for r in rows:
            if path != "service":  # it lies on the batched line: its figures are in the table
                ax.annotate(f"{r['wall_s']:.0f} s", (r["languages"], r["wall_s"]), textcoords="offset points",
                            xytext=(4, 6) if path == "old" else (4, -12), fontsize=7)
    ax.set(xlabel="target languages", ylabel="wall time (s)", ylim=(0, None),
           title=f"Several languages on one model ({rec['model']}, {rec['rows'][0]['segments']} segments a language)")
    ax.set_xticks(sorted({r["languages"] for r in rec["rows"]}))
    ax.legend(frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    _footer(fig, rec)
    return _save(fig, "translate_languages")


def translation_checks() -> Path:
    rec = _load("translation_checks")
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.4), sharey=True)
    kinds = (("number_errors", "number errors flagged"), ("all_errors", "all meaning errors flagged"),
             ("correct", "correct translations flagged"))
    titles = {"tune": "tuning part", "heldout": "first held-out part (read since 12-06)",
              "heldout6": "seventh part (after its first score)"}
    for ax, part in zip(axes, titles):
        rows = [r for r in rec["rows"] if r["part"] == part]
        width = 0.27
        for i, (key, label) in enumerate(kinds):
            xs = [j + i * width for j in range(len(rows))]
            shares = [100 * r[f"{key}_flagged"] / r[key] if r[key] else 0 for r in rows]
            ax.bar(xs, shares, width, label=label, color=COLOURS[i])
        ax.set_xticks([j + width for j in range(len(rows))], [r["lang"] for r in rows])
        ax.set(title=titles[part], ylim=(0, 100))
        ax.axhline(10, color="#999999", lw=0.8, ls="--")
    axes[0].set_ylabel("% of labelled pairs")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False, fontsize=7, bbox_to_anchor=(0.5, 0.07))
    fig.suptitle("Translation meaning checks on the labelled error benchmark (dashed: 10 %)", fontsize=9)
    fig.tight_layout(rect=(0, 0.14, 1, 1))
    _footer(fig, rec)
    return _save(fig, "translation_checks")


PLOTS = (asr_length, translation_quality, translation_frontier, translate_languages, translation_checks)


def main() -> int:
    global OUT
    if "--out" in sys.argv:  # elsewhere than the docs (the test compares a redraw with them)
        OUT = Path(sys.argv[sys.argv.index("--out") + 1])
    for plot in PLOTS:
        try:
            path = plot()
        except FileNotFoundError as exc:
            print(f"skipped {plot.__name__}: no figures yet ({exc.filename})", file=sys.stderr)
            continue
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
