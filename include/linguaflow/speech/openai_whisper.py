"""openai-whisper (the reference implementation, torch), loaded from a checkpoint, never downloaded:
bundled CTranslate2 weights are converted once; production mounts real `.pt` files."""

from __future__ import annotations

import functools
from pathlib import Path

from ..settings import settings
from ..weights import cache_dir, resolve_asr_model
from .types import AsrOptions


def checkpoint(name: str) -> Path:
    """A model name or checkpoint path -> a `.pt` openai-whisper can load, never downloaded.

    Looks for `<name>.pt` in LINGUAFLOW_OPENAI_WHISPER_DIR (production: a mounted volume); for the
    bundled CTranslate2 models, converts their weights once into the model cache.
    """
    path = Path(name).expanduser()
    if path.suffix == ".pt" and path.is_file():
        return path
    mounted = settings().openai_whisper_dir / f"{name}.pt"
    if mounted.is_file():
        return mounted
    out = cache_dir() / "openai-whisper" / f"{name}.pt"
    if not out.is_file():
        from .ct2_convert import convert

        convert(resolve_asr_model(name), out)
    return out


@functools.lru_cache(maxsize=2)
def _model(checkpoint: str, device: str):
    import whisper

    return whisper.load_model(checkpoint, device=device)


def _has_speech(samples) -> bool:
    """Silero VAD (shipped inside faster-whisper) over the window."""
    from faster_whisper.vad import get_speech_timestamps

    return bool(get_speech_timestamps(samples))


def run(samples, language, opts: AsrOptions, compute_type: str):
    import whisper

    model = _model(str(checkpoint(opts.model)), opts.device)
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
        word_timestamps=opts.word_timestamps or opts.diarize, condition_on_previous_text=opts.condition_on_previous_text,
        temperature=opts.temperature, compression_ratio_threshold=opts.compression_ratio_threshold,
        logprob_threshold=opts.log_prob_threshold, no_speech_threshold=opts.no_speech_threshold,
        fp16=compute_type == "float16", initial_prompt=opts.initial_prompt,
    )
    raw = (
        {"start": s["start"], "end": s["end"], "text": s["text"], "avg_logprob": s["avg_logprob"],
         "no_speech_prob": s["no_speech_prob"], "compression_ratio": s["compression_ratio"],
         "words": [{"start": w["start"], "end": w["end"], "word": w["word"], "probability": w["probability"]}
                   for w in s.get("words", [])] or None}
        for s in result["segments"]
    )
    return raw, language, prob
