"""Language per segment, for recordings that switch language.

Whisper identifies the language once, on the first 30 s. After a switch it usually still writes
what it hears in the language it hears (multilingual models do), but the transcript says one
language for all of it, and sometimes it translates the other language's speech instead. With
the request's `mixed_languages`, every segment is labelled after the transcription:
- text written in another language than the transcript's, as the offline text identifier
  (py3langid, `translation.check`) is sure of, is that language: Whisper heard it (no audio work);
- the other segments' audio goes through Whisper's own language identification (one encoder pass
  each, for segments of at least `MIN_SECONDS`): a segment heard, surely enough
  (`MIN_PROBABILITY`), in another language than its text is decoded again in that language.
The transcript's language becomes the one with the most speech; a segment in another keeps
`Segment.language` (None: the transcript's). faster-whisper only (its model exposes the
identification); the other engines label by text alone.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np

from . import audio, faster_whisper
from .types import AsrOptions, Segment, Transcript, compute_type, flags_for

log = logging.getLogger(__name__)

MIN_PROBABILITY = 0.5  # Whisper's identification below this is a guess
MIN_SECONDS = 1.0  # shorter audio is too little to identify
PAD_S = 0.2  # silence around a segment decoded again
VERSION = "text-and-audio-lid-1"


def written_in(text: str, around: str) -> str | None:
    """The language a segment's text is written in, when the identifier is sure (None: it cannot tell)."""
    from ..translation.check import COMMON, SURE, long_enough, language_of

    if not long_enough(text):
        return None
    lang, prob = language_of(text, (around, *COMMON))
    return lang if prob >= SURE else None


def identify(model, piece: np.ndarray) -> tuple[str, float]:
    """Whisper's language identification of one piece of audio: (code, probability)."""
    language, probability, _ = model.detect_language(audio=piece)
    return language, float(probability)


def relabel(path: str, t: Transcript, opts: AsrOptions) -> Transcript:
    """The transcript with each segment labelled with its own language (decoded again where
    Whisper wrote another language than it heard)."""
    model = None
    if opts.engine == "faster-whisper":
        model = faster_whisper.load(opts, compute_type(opts))
        if not model.model.is_multilingual:
            return t  # an English-only model writes English whatever it hears
    labelled: dict[str, Segment] = {}
    pending = sorted(t.segments, key=lambda s: s.start)
    if model is None:
        labelled = {s.id: dataclasses.replace(s, language=written_in(s.text, t.language) or t.language) for s in pending}
        pending = []
    for offset, samples in audio.chunks(path, opts.chunk_s) if pending else ():
        end = offset + len(samples) / audio.SAMPLE_RATE
        while pending and pending[0].start < end:
            seg = pending.pop(0)
            a, b = (max(0, int((x - offset) * audio.SAMPLE_RATE)) for x in (seg.start, seg.end))
            labelled[seg.id] = _label(model, seg, samples[a:b], t.language, opts)
    segments = [labelled.get(s.id, s) for s in t.segments]
    spoken: dict[str, float] = {}
    for s in segments:
        spoken[s.language or t.language] = spoken.get(s.language or t.language, 0.0) + (s.end - s.start)
    main = max(spoken, key=spoken.get) if spoken else t.language
    for s in segments:
        s.language = None if (s.language or main) == main else s.language
    others = sorted({s.language for s in segments if s.language})
    log.info("language per segment: %s mostly%s", main, f", also {', '.join(others)}" if others else "")
    return dataclasses.replace(t, language=main, segments=segments)


def _label(model, seg: Segment, piece: np.ndarray, file_language: str, opts: AsrOptions) -> Segment:
    written = written_in(seg.text, file_language)
    if written and written != file_language:  # Whisper wrote what it heard in another language
        return dataclasses.replace(seg, language=written)
    if len(piece) < MIN_SECONDS * audio.SAMPLE_RATE:
        return dataclasses.replace(seg, language=written or file_language)
    heard, probability = identify(model, piece)
    if probability < MIN_PROBABILITY or heard == (written or file_language):
        return dataclasses.replace(seg, language=written or file_language)
    return _decoded_in(model, seg, piece, heard, opts)  # heard one language, written in another: translated


def _decoded_in(model, seg: Segment, piece: np.ndarray, language: str, opts: AsrOptions) -> Segment:
    """The segment decoded again in `language` (its words and scores with it)."""
    pad = np.zeros(int(PAD_S * audio.SAMPLE_RATE), np.float32)
    found, _ = model.transcribe(
        np.concatenate([pad, piece, pad]), language=language, task=opts.task, beam_size=opts.beam_size, vad_filter=False,
        word_timestamps=opts.word_timestamps or opts.diarize, temperature=list(opts.temperature),
        condition_on_previous_text=False, compression_ratio_threshold=opts.compression_ratio_threshold,
        log_prob_threshold=opts.log_prob_threshold, no_speech_threshold=opts.no_speech_threshold,
    )
    found = list(found)
    text = "".join(s.text for s in found).strip()
    if not text:
        return dataclasses.replace(seg, language=language)
    shift = seg.start - PAD_S
    redone = dataclasses.replace(
        seg, text=text, language=language,
        words=[{"start": round(shift + w.start, 3), "end": round(shift + w.end, 3), "word": w.word,
                "probability": round(float(w.probability), 4)} for s in found for w in (s.words or [])] or None,
        avg_logprob=round(float(np.mean([s.avg_logprob for s in found])), 4),
        no_speech_prob=round(float(min(s.no_speech_prob for s in found)), 4),
        compression_ratio=round(float(max(s.compression_ratio for s in found)), 4),
    )
    redone.flags = flags_for(redone, opts)
    log.info("segment %s: heard %s, written otherwise; decoded again (%d characters)", seg.id, language, len(text))
    return redone
