"""Several target languages at once: today's path (one language after another, one chat at a time
on llama-cpp-python's chat completion) against one model decoding every chat side by side
(`linguaflow.translation.batched_llama`), in-process (`new`) and behind the warm translation
service (`service`: `linguaflow serve-mt`, the `openai` route with `parallel` 8, the
languages asked from their own threads as mapped tasks on workers would), same sentences, one run.

    .venv/bin/python bench/translate_languages_bench.py [--model qwen2.5-coder-1.5b-instruct-q4] [--sets 1,3,5] [--limit 16] [--paths old,new,service]
        [--references mt_reference.json,mt_reference_2.json] [--keep-outputs FILE]

The sentences are the first N of bench/data/mt_reference.json (spoken-style English with human
references; `--references` names the sets under bench/data/, taken in that order), targets de, zh, ja, fr, es in that order; chrF++ per language is sacrebleu's. Each
(path, language set) runs in its own process: the model load is outside the wall time, peak RSS
is the process's. `new` asks every batch of every language at once (8 segments a chat, as the
route packs them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from common import REPO, write_figures  # noqa: E402 - the checkout measured

TARGETS = ("de", "zh", "ja", "fr", "es")


def references(names: str) -> list[dict]:
    """The reference sets named (files under bench/data/), their items in order."""
    return [item for name in names.split(",") for item in json.loads((REPO / "bench/data" / name).read_text())["items"]]


def child(path: str, model: str, langs: list[str], limit: int, reference_sets: str = "mt_reference.json") -> dict:
    from concurrent.futures import ThreadPoolExecutor

    from linguaflow.translation import llamacpp, llm_prompt

    data = references(reference_sets)[:limit]
    items = [(d["id"], d["en"]) for d in data]
    t0 = time.perf_counter()
    if path == "old":
        engine = llamacpp.LlamaCppTranslator(model)
        loaded = time.perf_counter()
        out = {lang: engine.translate(items, "en", lang) for lang in langs}
        extra = {}
    elif path.startswith("service="):  # the service runs (and was loaded) in its own process
        from linguaflow.translation import backends

        route = backends.translator("openai", model, {"base_url": path.split("=", 1)[1], "parallel": 8, "timeout_s": 600})
        loaded = time.perf_counter()
        with ThreadPoolExecutor(len(langs)) as pool:
            futures = {lang: pool.submit(route.translate, items, "en", lang) for lang in langs}
            out = {lang: f.result() for lang, f in futures.items()}
        extra = {}
    else:
        from linguaflow.translation.batched_llama import BatchedLlama

        engine = BatchedLlama(model)
        loaded = time.perf_counter()

        def ask(messages):
            return engine.ask(messages, llamacpp.max_tokens_for(messages))

        with ThreadPoolExecutor(len(langs)) as pool:
            futures = {lang: pool.submit(llm_prompt.translate_batches, ask, items, "en", lang, parallel=8) for lang in langs}
            out = {lang: f.result() for lang, f in futures.items()}
        extra = {"steps": engine.steps, "tokens": engine.tokens}
    wall = time.perf_counter() - loaded
    import sacrebleu

    chrf = {lang: sacrebleu.corpus_chrf([t for _, t in out[lang]], [[d[lang] for d in data]], word_order=2).score
            for lang in langs}
    return {"load_s": loaded - t0, "wall_s": wall, "chrf": chrf, "segments": len(items) * len(langs),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "outputs": {lang: dict(out[lang]) for lang in langs}, **extra}


def _start_service(model: str):
    """`linguaflow serve-mt` on a free port, loaded; (process, base URL)."""
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cli = os.path.join(os.path.dirname(sys.executable), "linguaflow")
    proc = subprocess.Popen([cli, "serve-mt", "--port", str(port), "--model", model],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "LINGUAFLOW_SERVE_API_KEY": ""})
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if json.loads(urllib.request.urlopen(f"{url}/health", timeout=2).read())["status"] == "ok":
                return proc, f"{url}/v1"
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the translation service did not start")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-coder-1.5b-instruct-q4")
    ap.add_argument("--sets", default="1,3,5")
    ap.add_argument("--limit", type=int, default=16)
    ap.add_argument("--references", default="mt_reference.json", help="reference sets under bench/data/, comma-separated")
    ap.add_argument("--keep-outputs", help="write every path's translations here (JSON), for paired comparisons")
    ap.add_argument("--paths", default="old,new")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--langs", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.model, args.langs.split(","), args.limit, args.references)))
        return
    print(f"# {platform.machine()}, {os.cpu_count()} cores; {args.model}; first {args.limit} sentences of {args.references}")
    print("| languages | path | wall s | x one language (same path) | segments/s | chrF++ per language | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    one: dict[str, float] = {}
    rows, kept = [], {}
    paths = args.paths.split(",")
    service = _start_service(args.model) if "service" in paths else None
    for n in map(int, args.sets.split(",")):
        langs = ",".join(TARGETS[:n])
        for path in paths:
            how = f"service={service[1]}" if path == "service" else path
            r = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", how, "--langs", langs,
                                "--model", args.model, "--limit", str(args.limit), "--references", args.references],
                               capture_output=True, text=True)
            if r.returncode:
                raise SystemExit(r.stderr[-3000:])
            res = json.loads(r.stdout.strip().splitlines()[-1])
            if service:  # the service's own peak, not its client's
                res["peak_rss_mb"] = _peak_rss_mb(service[0].pid) if path == "service" else res["peak_rss_mb"]
            one.setdefault(path, res["wall_s"])
            chrf = " ".join(f"{k} {v:.1f}" for k, v in res["chrf"].items())
            print(f"| {n} ({langs}) | {path} | {res['wall_s']:.1f} | {res['wall_s'] / one[path]:.2f} | "
                  f"{res['segments'] / res['wall_s']:.2f} | {chrf} | {res['peak_rss_mb']:.0f} |", flush=True)
            kept[f"{path} {langs}"] = res["outputs"]
            rows.append({"languages": n, "targets": langs, "path": path, "wall_s": round(res["wall_s"], 2),
                         "segments": res["segments"], "chrf": {k: round(v, 2) for k, v in res["chrf"].items()},
                         "peak_rss_mb": round(res["peak_rss_mb"])})
    if service:
        service[0].terminate()
        service[0].wait(30)
    if args.keep_outputs:
        Path(args.keep_outputs).write_text(json.dumps(kept, ensure_ascii=False, indent=1))
    write_figures("translate_languages", f"{args.model}, first {args.limit} sentences of {args.references}: "
                  "old = one language after another, new = every language at once on one batched model", rows,
                  model=args.model)


if __name__ == "__main__":
    main()
