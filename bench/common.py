"""What every benchmark shares: the checkout it measures and the test helpers that build media.

A benchmark measures the code beside it (this checkout's `include/`), not whichever linguaflow the
environment has installed, so a worktree of another commit measures that commit in an A/B run.
`import common` (the script's own folder is on the path) is the one place that says so.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "include" / "linguaflow" / "samples" / "arctic_a0007.wav"
SENTENCE = "and you always want to see it in the superlative degree"  # what SAMPLE says

for folder in (REPO / "tests", REPO / "include"):  # include/ first
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

FIGURES = REPO / "bench" / "figures"  # the data behind the docs site's plots (bench/plots.py draws them)


def machine() -> str:
    """The machine a figure was measured on, in words: architecture, cores, CPU model."""
    import os
    import platform

    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores" + (f", {model}" if model else "")


def write_figures(name: str, about: str, rows: list[dict], **extra) -> Path:
    """Keep a benchmark's figures as data (`bench/figures/<name>.json`), with the machine and the
    date, so a plot can be redrawn without running the benchmark again."""
    import json
    import datetime

    FIGURES.mkdir(exist_ok=True)
    path = FIGURES / f"{name}.json"
    record = {"bench": f"bench/{Path(sys.argv[0]).name}", "args": sys.argv[1:], "about": about,
              "machine": machine(), "date": datetime.date.today().isoformat(), **extra, "rows": rows}
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    print(f"# figures written to {path.relative_to(REPO)}")
    return path
