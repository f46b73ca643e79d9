"""One translate step's process, for its peak memory: load a bundled model and translate the first
eight reference sentences into German through the checked route, as a translate task does.

    /usr/bin/time -v .venv/bin/python bench/translate_peak_memory.py qwen2.5-coder-1.5b-instruct-q4

Run it under a tool that reports the whole process's peak RSS ("Maximum resident set size");
bench/RESULTS.md holds the figures that size the Helm mt workers.
"""

from __future__ import annotations

import json
import os
import sys

from common import REPO  # noqa: E402 - the checkout measured, its include/ and tests/ on the path


def main() -> None:
    model = sys.argv[1] if len(sys.argv) > 1 else "qwen2.5-coder-1.5b-instruct-q4"
    os.environ["LINGUAFLOW_ROUTES"] = json.dumps({"*": {"backend": "llamacpp", "model": model}})
    from linguaflow.translation import router

    items = json.loads((REPO / "bench" / "data" / "mt_reference.json").read_text())["items"][:8]
    out, route, flags = router.translate_checked([(str(i), it["en"]) for i, it in enumerate(items)], "en", "de")
    print(f"{route}: {len(out)} sentences, {len(flags)} flagged")


if __name__ == "__main__":
    main()
