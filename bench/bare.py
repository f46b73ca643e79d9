"""The bare engines, with none of the pipeline around them: the baseline the benchmarks compare
linguaflow against, one way for all of them.

Run as its own process (`run()` starts it), so its start-up, model load and peak memory are its
own: the model is loaded once, then every file is transcribed (and translated with `--to`) in
turn. It prints one JSON line:

    {"load_s": .., "run_s": .., "peak_rss_mb": .., "files": [{"seconds", "duration", "text", "segments"}, ..]}

    .venv/bin/python bench/bare.py --options '{"model": "base", "batch_size": 8}' [--to de] FILE...
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import common  # noqa: F401 - the checkout measured: its include/ on the path

HERE = Path(__file__).resolve()
DEFAULT_TEMPERATURE = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def run(files: list, options: dict | None = None, to: str | None = None, env: dict | None = None) -> dict:
    """Transcribe (and translate into `to`) the files in a fresh process with the bare engine; its
    figures. `options` are AsrOptions fields (`temperature` as a list)."""
    argv = [sys.executable, str(HERE), "--options", json.dumps(options or {}), *(["--to", to] if to else []), *map(str, files)]
    r = subprocess.run(argv, capture_output=True, text=True, env=env)
    if r.returncode:
        raise SystemExit(f"bare engine run failed ({r.returncode}): {r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def _load(options):
    from linguaflow.speech import faster_whisper, openai_whisper
    from linguaflow.speech.types import compute_type

    if options.engine == "faster-whisper":
        faster_whisper.load(options, compute_type(options))
    else:
        openai_whisper._model(str(openai_whisper.checkpoint(options.model)), options.device)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--options", default="{}", help="AsrOptions fields as JSON")
    ap.add_argument("--to", help="translate each transcript into these languages (comma-separated, the default route)")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()

    from linguaflow.speech.transcribe import transcribe
    from linguaflow.speech.types import AsrOptions

    opts = json.loads(args.options)
    opts["temperature"] = tuple(opts.get("temperature", DEFAULT_TEMPERATURE))
    options = AsrOptions(**opts)
    began = time.perf_counter()
    _load(options)
    loaded = time.perf_counter()
    files = []
    for path in args.files:
        t0 = time.perf_counter()
        t = transcribe(path, options)
        if args.to:
            from linguaflow.translation import router, sentences

            for target in args.to.split(","):  # one language after another, as one process would
                sentences.translate(router.translate_checked, [(s.id, s.text) for s in t.segments], [], t.language, target)
        files.append({"seconds": time.perf_counter() - t0, "duration": t.duration, "text": t.text, "segments": len(t.segments)})
    print(json.dumps({"load_s": loaded - began, "run_s": time.perf_counter() - loaded, "files": files,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
