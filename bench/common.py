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
