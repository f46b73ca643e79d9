"""Speech recognition: one options type, one result shape, two engines.

- `faster-whisper` (CTranslate2): the default; int8 on CPU, float16 on GPU, VAD filter.
- `openai-whisper` (the reference implementation, torch): same model names, loaded from a
  checkpoint (bundled CTranslate2 weights are converted once; production mounts real `.pt` files).

Audio is fed to either engine in windows (`audio.chunks`), so memory stays flat on long files.
Segments that look like hallucinations are kept but flagged.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import audio
from .errors import BadInput, ResourceExhausted
from .models import cache_dir, resolve_asr_model

log = logging.getLogger(__name__)

ENGINES = ("faster-whisper", "openai-whisper")


@dataclass
class Segment:
    id: str
    start: float
    end: float
    text: str
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 0.0
    flags: list[str] = field(default_factory=list)  # "repetition", "low_confidence"
    words: list[dict] | None = None


@dataclass
class Transcript:
    language: str
    language_probability: float
    duration: float
    engine: str
    model: str
    compute_type: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments).strip()

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Transcript:
        return cls(**{**d, "segments": [Segment(**s) for s in d["segments"]]})


@dataclass(frozen=True)
class AsrOptions:
    engine: str = "faster-whisper"
    model: str = "base"
    device: str = "cpu"
    compute_type: str = "auto"  # faster-whisper: int8 on CPU, float16 on CUDA
    language: str | None = None  # None = detect
    task: str = "transcribe"  # or "translate" (any language -> English)
    beam_size: int = 5
    vad_filter: bool = True
    word_timestamps: bool = False
    condition_on_previous_text: bool = True
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)  # fallback ladder
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    chunk_s: float = 600.0
    cpu_threads: int = 0


def _compute_type(opts: AsrOptions) -> str:
    if opts.engine == "openai-whisper":
        return "float16" if opts.device == "cuda" else "float32"
    if opts.compute_type != "auto":
        return opts.compute_type
    return "float16" if opts.device == "cuda" else "int8"


_REPEAT = re.compile(r"(\b.{3,}?\b)(?:\W*\1){3,}", re.I | re.S)


def flags_for(seg: Segment, opts: AsrOptions) -> list[str]:
    """Whisper's own hallucination signals, applied per segment."""
    flags = []
    if seg.compression_ratio > opts.compression_ratio_threshold or _REPEAT.search(seg.text):
        flags.append("repetition")
    if seg.avg_logprob < opts.log_prob_threshold and seg.no_speech_prob > opts.no_speech_threshold:
        flags.append("low_confidence")
    return flags


# -- engines: each maps (samples, language) -> (raw segments, language, probability) ----------


@functools.lru_cache(maxsize=2)
def _faster_whisper_model(model_dir: str, device: str, compute_type: str, cpu_threads: int):
    from faster_whisper import WhisperModel

    return WhisperModel(model_dir, device=device, compute_type=compute_type, cpu_threads=cpu_threads)


def _faster_whisper(samples, language, opts: AsrOptions, compute_type: str):
    model = _faster_whisper_model(str(resolve_asr_model(opts.model)), opts.device, compute_type, opts.cpu_threads)
    segments, info = model.transcribe(
        samples, language=language, task=opts.task, beam_size=opts.beam_size, vad_filter=opts.vad_filter,
        word_timestamps=opts.word_timestamps, condition_on_previous_text=opts.condition_on_previous_text,
        temperature=list(opts.temperature), compression_ratio_threshold=opts.compression_ratio_threshold,
        log_prob_threshold=opts.log_prob_threshold, no_speech_threshold=opts.no_speech_threshold,
    )
    raw = (
        {"start": s.start, "end": s.end, "text": s.text, "avg_logprob": s.avg_logprob,
         "no_speech_prob": s.no_speech_prob, "compression_ratio": s.compression_ratio,
         "words": [{"start": w.start, "end": w.end, "word": w.word, "probability": w.probability} for w in s.words]
         if s.words else None}
        for s in segments
    )
    return raw, info.language, info.language_probability


def openai_whisper_checkpoint(name: str) -> Path:
    """A model name or checkpoint path -> a `.pt` openai-whisper can load, never downloaded.

    Looks for `<name>.pt` in LINGUAFLOW_OPENAI_WHISPER_DIR (production: a mounted volume); for the
    bundled CTranslate2 models, converts their weights once into the model cache.
    """
    path = Path(name).expanduser()
    if path.suffix == ".pt" and path.is_file():
        return path
    mounted = Path(os.environ.get("LINGUAFLOW_OPENAI_WHISPER_DIR", "/models/openai-whisper")) / f"{name}.pt"
    if mounted.is_file():
        return mounted
    out = cache_dir() / "openai-whisper" / f"{name}.pt"
    if not out.is_file():
        from .ct2_convert import convert

        convert(resolve_asr_model(name), out)
    return out


@functools.lru_cache(maxsize=2)
def _openai_whisper_model(checkpoint: str, device: str):
    import whisper

    return whisper.load_model(checkpoint, device=device)


def _has_speech(samples) -> bool:
    """Silero VAD (shipped inside faster-whisper) over the window."""
    from faster_whisper.vad import get_speech_timestamps

    return bool(get_speech_timestamps(samples))


def _openai_whisper(samples, language, opts: AsrOptions, compute_type: str):
    import whisper

    model = _openai_whisper_model(str(openai_whisper_checkpoint(opts.model)), opts.device)
    if opts.vad_filter and not _has_speech(samples):
        return iter(()), language or "en", 0.0  # the reference engine invents text on silence
    prob = 1.0
    if language is None:
        mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(samples), model.dims.n_mels).to(model.device)
        _, probs = model.detect_language(mel)
        language = max(probs, key=probs.get)
        prob = float(probs[language])
    result = whisper.transcribe(
        model, samples, language=language, task=opts.task, beam_size=opts.beam_size, verbose=None,
        word_timestamps=opts.word_timestamps, condition_on_previous_text=opts.condition_on_previous_text,
        temperature=opts.temperature, compression_ratio_threshold=opts.compression_ratio_threshold,
        logprob_threshold=opts.log_prob_threshold, no_speech_threshold=opts.no_speech_threshold,
        fp16=compute_type == "float16",
    )
    raw = (
        {"start": s["start"], "end": s["end"], "text": s["text"], "avg_logprob": s["avg_logprob"],
         "no_speech_prob": s["no_speech_prob"], "compression_ratio": s["compression_ratio"],
         "words": [{"start": w["start"], "end": w["end"], "word": w["word"], "probability": w["probability"]}
                   for w in s.get("words", [])] or None}
        for s in result["segments"]
    )
    return raw, language, prob


_RUN = {"faster-whisper": _faster_whisper, "openai-whisper": _openai_whisper}


def transcribe(path: str, opts: AsrOptions = AsrOptions(), progress=None, duration: float | None = None) -> Transcript:
    """Transcribe a local media file window by window; `progress(fraction)` after each segment."""
    if opts.engine not in _RUN:
        raise BadInput(f"unknown ASR engine {opts.engine!r}: one of {', '.join(ENGINES)}")
    compute_type = _compute_type(opts)
    segments: list[Segment] = []
    language, probability, end = opts.language, 1.0, 0.0
    try:
        for offset, samples in audio.chunks(path, opts.chunk_s):
            raw, lang, prob = _RUN[opts.engine](samples, language, opts, compute_type)
            for r in raw:
                seg = Segment(
                    id=str(len(segments)), start=round(offset + float(r["start"]), 3), end=round(offset + float(r["end"]), 3),
                    text=r["text"].strip(), avg_logprob=round(float(r["avg_logprob"]), 4),
                    no_speech_prob=round(float(r["no_speech_prob"]), 4),
                    compression_ratio=round(float(r["compression_ratio"]), 4),
                    words=[
                        {"start": round(offset + float(w["start"]), 3), "end": round(offset + float(w["end"]), 3),
                         "word": w["word"], "probability": round(float(w["probability"]), 4)}
                        for w in r["words"]
                    ] if r["words"] else None,
                )
                if not seg.text:
                    continue
                seg.flags = flags_for(seg, opts)
                segments.append(seg)
                if progress and duration:
                    progress(min(1.0, seg.end / duration))
            if language is None:  # detected on the first window, kept for the rest
                language, probability = lang, prob
            end = offset + len(samples) / audio.SAMPLE_RATE
    except MemoryError as exc:
        raise ResourceExhausted(f"out of memory while transcribing: {exc}") from exc
    except RuntimeError as exc:
        if "out of memory" in str(exc).lower():
            raise ResourceExhausted(str(exc)) from exc
        raise
    except ValueError as exc:
        if opts.language and "language" in str(exc).lower():
            raise BadInput(f"unsupported source language {opts.language!r}") from exc
        raise
    return Transcript(
        language=language or "en", language_probability=round(float(probability), 4), duration=round(end, 3),
        engine=opts.engine, model=opts.model, compute_type=compute_type, segments=segments,
    )
