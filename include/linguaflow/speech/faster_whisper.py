"""faster-whisper (CTranslate2): the default engine; int8 on CPU, float16 on GPU, VAD filter."""

from __future__ import annotations

import functools
import threading

from ..weights import resolve_asr_model
from .types import AsrOptions


_LOADING = threading.Lock()  # a model is loaded once, even when two threads ask at the same time


@functools.lru_cache(maxsize=2)
def _model(model_dir: str, device: str, compute_type: str, cpu_threads: int, num_workers: int = 1):
    from faster_whisper import WhisperModel

    return WhisperModel(model_dir, device=device, compute_type=compute_type, cpu_threads=cpu_threads,
                        num_workers=num_workers)


def load(opts: AsrOptions, compute_type: str):
    """The model for these options, loaded once per process and kept."""
    with _LOADING:
        return _model(str(resolve_asr_model(opts.model)), opts.device, compute_type, opts.cpu_threads, opts.num_workers)


def run(samples, language, opts: AsrOptions, compute_type: str):
    model = load(opts, compute_type)
    common = dict(
        language=language, task=opts.task, beam_size=opts.beam_size, word_timestamps=opts.word_timestamps or opts.diarize,
        temperature=list(opts.temperature), compression_ratio_threshold=opts.compression_ratio_threshold,
        log_prob_threshold=opts.log_prob_threshold, no_speech_threshold=opts.no_speech_threshold,
        initial_prompt=opts.initial_prompt, hotwords=opts.hotwords,
    )
    if opts.batch_size > 1:
        # VAD chunks of up to 30 s decoded side by side, with those of any other transcription in
        # flight in this process (always VAD; no conditioning on the previous text); timestamps
        # kept, so segments stay sentence-sized rather than one per chunk
        from .batching import shared_pipeline

        segments, info = shared_pipeline(model, opts.batch_size).transcribe(
            samples, batch_size=opts.batch_size, without_timestamps=False, **common)
    else:
        segments, info = model.transcribe(samples, vad_filter=opts.vad_filter,
                                          condition_on_previous_text=opts.condition_on_previous_text, **common)
    raw = (
        {"start": s.start, "end": s.end, "text": s.text, "avg_logprob": s.avg_logprob,
         "no_speech_prob": s.no_speech_prob, "compression_ratio": s.compression_ratio,
         "words": [{"start": w.start, "end": w.end, "word": w.word, "probability": w.probability} for w in s.words]
         if s.words else None}
        for s in segments
    )
    return raw, info.language, info.language_probability
