"""`linguaflow run FILE --to zh,ja,de` as a user runs it: each language decoded on its own (today's
path) against every language at once on one batched decoder (`LINGUAFLOW_LANGUAGES_TOGETHER`, the
embedded default's setting since issue 27), side by side in one run; `together+estimate` adds the
quality estimate (`run --estimate`, issue 26).

    .venv/bin/python bench/run_languages_bench.py [--langs zh,ja,de] [--rounds 1] [--paths alone,together,together+estimate]

The file: five minutes of English speech, the 42 sentences of `bench/data/mt_reference.json`
spoken by espeak-ng (en-us) and cycled to 750 words (150 words a minute), 0.4 s between
sentences. Each run is the real command in its own process, in a fresh embedded home (Airflow's
schema made once beforehand and copied, so no run pays the migration), default engine and route:
transcription, then the languages. Paths alternate within a round. Printed per run: wall time,
the CLI's own step times, peak RSS of the command (the largest process), and chrF++ of each
language's whole translated text against the references of the sentences spoken (document
level: Whisper's segments are not the reference sentences).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, machine  # noqa: E402 - the checkout measured, its include/ and tests/ on the path

WORDS = 750
GAP_S = 0.4
CLI = str(Path(sys.executable).parent / "linguaflow")
STEP = re.compile(r"✓ (transcribe|translate to \w+|package)\s+(?:(\d+) min )?([\d.]+) s")


def speech(dst: Path) -> tuple[Path, list[dict]]:
    """The five-minute recording and the reference items it speaks, in order."""
    import numpy as np

    from speechgen import speak, write_wav

    items = json.loads((REPO / "bench" / "data" / "mt_reference.json").read_text())["items"]
    spoken, words, pcm, i = [], 0, [], 0
    while words < WORDS:
        item = items[i % len(items)]
        pcm += [speak(item["en"], "en-us"), np.zeros(int(16000 * GAP_S), dtype=np.int16)]
        spoken.append(item)
        words += len(item["en"].split())
        i += 1
    return write_wav(dst, np.concatenate(pcm)), spoken


def run_once(media: Path, langs: str, together: bool, home_template: Path, tmp: Path, n: int, extra: tuple = ()) -> dict:
    home = tmp / f"home-{n}"
    shutil.copytree(home_template, home)
    env = {**os.environ, "LINGUAFLOW_HOME": str(home), "LINGUAFLOW_LANGUAGES_TOGETHER": "1" if together else "0"}
    env = {k: v for k, v in env.items() if not k.startswith("AIRFLOW")}
    out = home / "result.json"
    began = time.monotonic()
    proc = subprocess.Popen([CLI, "run", str(media), "--to", langs, "--format", "json", "--out", str(out), *extra], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - began
    if status != 0:
        raise SystemExit(f"run failed ({status}):\n{stderr[-3000:]}")
    steps = {name: 60 * int(m or 0) + float(s) for name, m, s in STEP.findall(stderr)}
    shutil.rmtree(home / "airflow", ignore_errors=True)
    return {"wall": wall, "steps": steps, "rss_mb": usage.ru_maxrss / 1024, "doc": json.loads(out.read_text())}


def chrf(doc: dict, spoken: list[dict], lang: str) -> float:
    import sacrebleu

    from linguaflow.results.document import expand

    expanded = expand(doc)
    entry = expanded["languages"][lang]
    text = " ".join(entry["audio"][s["id"]] for s in expanded["segments"])
    return sacrebleu.corpus_chrf([text], [[" ".join(item[lang] for item in spoken)]], word_order=2).score


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--langs", default="zh,ja,de")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--paths", default="alone,together", help="alone, together, together+estimate (`run --estimate`)")
    args = ap.parse_args()
    from linguaflow.results.document import language_key

    langs, paths = args.langs.split(","), args.paths.split(",")
    print(f"# {machine()}; `linguaflow run FILE --to {args.langs}`, default engine and route; {args.rounds} round(s)")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        media, spoken = speech(tmp / "five-minutes.wav")
        print(f"# the file: {len(spoken)} sentences, {sum(len(s['en'].split()) for s in spoken)} words")
        template = tmp / "home-template"
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")} | {"LINGUAFLOW_HOME": str(template)}
        subprocess.run([sys.executable, "-c", "from linguaflow.orchestration import embedded; embedded.configure_env(); "
                        "embedded.ensure_schema()"], env=env, check=True)
        rows, n = [], 0
        for r in range(args.rounds):
            for path in paths:
                n += 1
                got = run_once(media, args.langs, path.startswith("together"), template, tmp, n,
                               ("--estimate",) if "+estimate" in path else ())
                scores = {lang: chrf(got["doc"], spoken, lang) for lang in langs}
                rows.append((path, got, scores))
                steps = " ".join(f"{k.replace('translate to ', '')} {v:.0f}" for k, v in got["steps"].items())
                flagged = {lang: sum("q" in f for f in got["doc"].get("_f", {}).get(language_key(lang), {}).values()) for lang in langs}
                low = {lang: count for lang, count in flagged.items() if count}
                print(f"round {r + 1} {path}: {got['wall']:.1f} s ({steps}), peak RSS {got['rss_mb']:.0f} MB, chrF++ "
                      + " ".join(f"{lang} {s:.1f}" for lang, s in scores.items())
                      + (f", segments flagged low quality {low}" if low else ""), flush=True)
    print()
    print("| path | wall s | transcribe s | translation s (wall − transcribe) | × alone | peak RSS MB | chrF++ " + " | ".join(langs) + " |")
    print("|---|---|---|---|---|---|" + "---|" * len(langs))
    by = {p: [row for row in rows if row[0] == p] for p in paths}
    med = {p: sorted(g["wall"] for _, g, _ in by[p])[len(by[p]) // 2] for p in paths}
    for path in paths:
        for _, got, scores in by[path]:
            asr = got["steps"].get("transcribe", 0.0)
            print(f"| {path} | {got['wall']:.1f} | {asr:.1f} | {got['wall'] - asr:.1f} | {got['wall'] / med[paths[0]]:.2f} | "
                  f"{got['rss_mb']:.0f} | " + " | ".join(f"{scores[lang]:.1f}" for lang in langs) + " |")


if __name__ == "__main__":
    main()
