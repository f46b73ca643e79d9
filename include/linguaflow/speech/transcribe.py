"""Speech recognition: engine dispatch and windowed decoding.

Each engine module (`faster_whisper`, `openai_whisper`) maps (samples, language, options) to raw
segments; this module feeds them the audio in windows (`audio.chunks`), so memory stays flat on
long files, numbers and flags the segments, and returns one `Transcript` whatever the engine.
"""

from __future__ import annotations

import dataclasses
import logging

from ..errors import BadInput, NetworkTimeout, ResourceExhausted, ServiceUnavailable
from . import audio, engines, speakers
from .types import AsrOptions, Segment, Transcript, compute_type as _compute_type, flags_for

log = logging.getLogger(__name__)


def preload(opts: AsrOptions) -> None:
    """Load the engine's model now and keep it (a service loads at start, not on its first request)."""
    engine = engines.get(opts.engine)
    if hasattr(engine, "load"):
        engine.load(opts, _compute_type(opts))


def transcribe(path: str, opts: AsrOptions = AsrOptions(), progress=None, duration: float | None = None) -> Transcript:
    """Transcribe a local media file window by window; `progress(fraction)` after each segment."""
    engine = engines.get(opts.engine)
    if isinstance(engine, engines.WholeFileEngine):  # the whole file to a service, flagged like ours
        try:
            t = engine.transcribe(path, opts, duration)
        except (ServiceUnavailable, NetworkTimeout) as exc:
            if not opts.fallback_model:
                raise
            log.warning("ASR service unavailable (%s): transcribing here with %s instead", exc, opts.fallback_model)
            local = dataclasses.replace(opts, engine="faster-whisper", model=opts.fallback_model, fallback_model=None)
            return transcribe(path, local, progress, duration)
        t.segments = [s for s in t.segments if s.text]
        for s in t.segments:
            s.flags = flags_for(s, opts)
        if progress:
            progress(1.0)
        return _with_speakers(path, t, opts)
    compute_type = _compute_type(opts)
    segments: list[Segment] = []
    language, probability, end = opts.language, 1.0, 0.0
    decoded = audio.DecodeStats()
    try:
        for offset, samples in audio.chunks(path, opts.chunk_s, decoded):
            raw, lang, prob = engine.run(samples, language, opts, compute_type)
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
    return _with_speakers(path, Transcript(
        language=language or "en", language_probability=round(float(probability), 4), duration=round(end, 3),
        engine=opts.engine, model=opts.model, compute_type=compute_type, segments=segments, decode_errors=decoded.errors,
    ), opts)


def _with_speakers(path: str, t: Transcript, opts: AsrOptions) -> Transcript:
    """Each segment in its own language, when asked (`segment_language`); then diarized, when
    asked: segments labelled with speakers and split where the speaker changes."""
    if opts.language_per_segment:
        from . import segment_language

        t = segment_language.relabel(path, t, opts)
    if not opts.diarize:
        return t
    from . import diarize

    found = diarize.diarize(path, opts.num_speakers, opts.chunk_s, opts.min_speakers, opts.max_speakers)
    t.segments = speakers.assign(t.segments, found.turns)
    t.speakers_doubt = found.doubt
    log.info("diarized: %d speaker turns, %d speakers%s", len(found.turns), found.speakers,
             f" (uncertain: {found.doubt})" if found.doubt else "")
    return t
