"""faster-whisper (CTranslate2): the default engine; int8 on CPU, float16 on GPU, VAD filter."""

from __future__ import annotations

import functools

from ..weights import resolve_asr_model
from .types import AsrOptions


@functools.lru_cache(maxsize=2)
def _model(model_dir: str, device: str, compute_type: str, cpu_threads: int):
    from faster_whisper import WhisperModel

    return WhisperModel(model_dir, device=device, compute_type=compute_type, cpu_threads=cpu_threads)


def run(samples, language, opts: AsrOptions, compute_type: str):
    model = _model(str(resolve_asr_model(opts.model)), opts.device, compute_type, opts.cpu_threads)
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
