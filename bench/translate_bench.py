"""Translation benchmark: segments/second per backend, batched vs one segment per request.

Same 16 English sentences, target zh for the LLM backends and de for the seq2seq ones:
- llamacpp: the bundled Qwen2.5-0.5B-Instruct Q4 GGUF in-process;
- openai: the same GGUF behind llama.cpp's OpenAI-compatible server on loopback (HTTP + JSON);
- transformers / ctranslate2: a tiny random-weight MarianMT built on the spot (tests/mtgen.py) and
  its CTranslate2 conversion: only their relative speed on identical weights means anything.

    .venv/bin/python bench/translate_bench.py
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import common  # noqa: E402,F401 - the checkout measured: its include/ and tests/ on the path

from linguaflow.translation.llamacpp import LlamaCppTranslator  # noqa: E402
from linguaflow.translation.openai_compat import OpenAICompatTranslator  # noqa: E402
from linguaflow.translation.seq2seq import CTranslate2Translator, TransformersTranslator  # noqa: E402
from linguaflow.weights import resolve_gguf  # noqa: E402

SENTENCES = [
    "The weather is nice today.", "I like green tea.", "We will meet at the station at nine.",
    "Please send me the report by Friday.", "The train was late again this morning.",
    "She plays the piano every evening.", "How much does this book cost?", "The museum is closed on Mondays.",
    "My brother lives in a small town.", "Could you speak a little more slowly?", "The children are playing in the park.",
    "We need more time to finish the project.", "This restaurant serves excellent fish.", "It will probably rain tomorrow.",
    "The meeting has been moved to Thursday.", "Thank you very much for your help.",
]
ITEMS = [(str(i), s) for i, s in enumerate(SENTENCES)]


def rate(backend, target: str, batch_size: int) -> float:
    t = time.perf_counter()
    out = backend.translate(ITEMS, "en", target, batch_size=batch_size)
    assert [i for i, _ in out] == [i for i, _ in ITEMS]
    return len(ITEMS) / (time.perf_counter() - t)


def start_server() -> tuple[subprocess.Popen, str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(resolve_gguf("qwen2.5-0.5b-instruct-q4")),
                             "--model_alias", "q", "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(600):
        try:
            if httpx.get(url + "/models", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("llama.cpp server did not start")


def main() -> None:
    from mtgen import build_marian, convert_ct2

    tmp = Path(tempfile.mkdtemp(prefix="lf-mt-"))
    hf_dir = build_marian(tmp / "hf")
    ct_dir = convert_ct2(hf_dir, tmp / "ct2")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, CPU only\n")
    print("| backend | model | batch of 8 | one by one |\n|---|---|---|---|")
    rows = [
        ("transformers", "tiny MarianMT (random weights)", lambda: TransformersTranslator(str(hf_dir), max_new_tokens=32), "de"),
        ("ctranslate2 int8", "same model, converted", lambda: CTranslate2Translator(str(ct_dir), max_decoding_length=32), "de"),
        ("llamacpp (in-process)", "Qwen2.5-0.5B-Instruct Q4", lambda: LlamaCppTranslator("qwen2.5-0.5b-instruct-q4"), "zh"),
    ]
    for name, model, make, target in rows:
        backend = make()
        backend.translate(ITEMS[:1], "en", target, batch_size=1)  # warm up
        print(f"| {name} | {model} | {rate(backend, target, 8):.2f} seg/s | {rate(backend, target, 1):.2f} seg/s |", flush=True)
        del backend
    proc, url = start_server()
    try:
        backend = OpenAICompatTranslator("q", base_url=url)
        backend.translate(ITEMS[:1], "en", "zh", batch_size=1)
        print(f"| openai (llama.cpp server, HTTP) | Qwen2.5-0.5B-Instruct Q4 | {rate(backend, 'zh', 8):.2f} seg/s "
              f"| {rate(backend, 'zh', 1):.2f} seg/s |")
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
