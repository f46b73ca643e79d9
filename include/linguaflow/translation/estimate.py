"""A quality estimate per translated segment, 0–1, from a GGUF model's own probabilities.

A translation that says something else reads fluently, keeps every number and name, and passes
every rule of `check`: only a model can doubt it. Two readings, both forced decoding (the model
reads a given answer and says how likely it finds each token; nothing is generated, so one prompt
read per segment, batched by `batched_llama`):
- `back`: the source given the translation ("could the English be read back from this?"); a
  changed room, day or sentence makes the true source unlikely;
- `forward`: the translation given the source, the model's own confidence in it.
The estimate is the geometric mean of the token probabilities (exp of the mean log-probability),
so 1 is certain and a segment's length does not move it.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

from .llm_prompt import LANGUAGE_NAMES

VERSION = "back-1"  # the reading and chat the pipeline's estimate uses
# Below its line a translation is flagged `low_quality`. Per reading model and target language
# (estimates differ: correct Japanese reads back worse than correct French), each the estimate below
# which 3 % of the correct translations the rules pass fall, on the tuning part of the error
# benchmark (bench/translation_estimate_bench.py); "*": the same over all five languages, for others.
LINES = {
    "qwen2.5-0.5b-instruct-q4": {"de": 0.23, "zh": 0.14, "ja": 0.05, "fr": 0.25, "es": 0.24, "*": 0.14},
    "qwen2.5-coder-1.5b-instruct-q4": {"de": 0.24, "zh": 0.17, "ja": 0.08, "fr": 0.36, "es": 0.17, "*": 0.17},
}


def line(target: str) -> float:
    """The estimate below which a translation into `target` is flagged: `quality_line` when set,
    else the line measured for `quality_model` (a model not measured must be given a line)."""
    from ..errors import BadInput
    from ..settings import settings

    cfg = settings()
    if cfg.quality_line is not None:
        return cfg.quality_line
    if cfg.quality_model not in LINES:
        raise BadInput(f"no measured line for quality model {cfg.quality_model!r}: set LINGUAFLOW_QUALITY_LINE")
    lines = LINES[cfg.quality_model]
    return lines.get(target, lines["*"])


def chat(text: str, source: str, target: str) -> list[dict]:
    """The plain one-segment chat whose answer is scored (the route's JSON batches would add
    punctuation the model is sure of, diluting the mean)."""
    src, tgt = LANGUAGE_NAMES.get(source, source), LANGUAGE_NAMES.get(target, target)
    return [{"role": "system", "content": f"You translate {src} into {tgt}. Reply with the translation only."},
            {"role": "user", "content": text}]


def token_logprobs(engine, source_text: str, translation: str, source: str, target: str, reading: str) -> list[float]:
    if reading == "back":
        return engine.score(chat(translation, target, source), source_text)
    return engine.score(chat(source_text, source, target), translation)


def geometric_mean(logprobs: list[float]) -> float:
    return math.exp(sum(logprobs) / len(logprobs)) if logprobs else 0.0


def estimates(engine, pairs: list[tuple[str, str]], source: str, target: str, reading: str = "back") -> list[float]:
    """The estimate of each (source text, translation) pair, asked side by side (the engine's slots)."""
    def one(pair):
        src, out = pair
        if not src.strip() or not out.strip():
            return 1.0  # nothing to doubt: empty in, empty out (other checks see a lost text)
        return geometric_mean(token_logprobs(engine, src, out, source, target, reading))

    with ThreadPoolExecutor(max(1, min(engine.slots, len(pairs))), thread_name_prefix=f"estimate-{target}") as pool:
        return list(pool.map(one, pairs))
