"""What every ASR engine takes and gives: options, segments, transcripts, hallucination flags."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields


@dataclass
class Segment:
    id: str
    start: float
    end: float
    text: str
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 0.0
    flags: list[str] = field(default_factory=list)  # "repetition", "low_confidence", "no_speech"
    words: list[dict] | None = None
    speaker: int | None = None  # 1-based, in order of first speech (diarized transcripts only)
    language: str | None = None  # spoken in another language than the transcript's (mixed_languages only)


@dataclass
class Transcript:
    language: str
    language_probability: float
    duration: float
    engine: str
    model: str
    compute_type: str
    segments: list[Segment] = field(default_factory=list)
    decode_errors: int = 0  # damaged packets skipped while decoding (the media's, not the engine's)
    speakers_doubt: str | None = None  # why the speaker count found may be wrong, in words (diarize.cluster)
    redaction: dict | None = None  # what privacy.redact tagged: types, style, [{type, segment, start, end}] (never values)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments).strip()

    @property
    def speakers(self) -> list[int]:
        """The speaker numbers heard (diarized transcripts), in order; empty without diarization."""
        return sorted({s.speaker for s in self.segments if s.speaker})

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Transcript:
        """The inverse of `to_dict`; keys that are not fields (what a stored transcript was asked) are left out."""
        segment_fields = {f.name for f in fields(Segment)}
        own = {f.name for f in fields(cls)} - {"segments"}
        return cls(**{k: v for k, v in d.items() if k in own},
                   segments=[Segment(**{k: v for k, v in s.items() if k in segment_fields}) for s in d["segments"]])


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
    initial_prompt: str | None = None  # words and spellings to expect (names, terms)
    num_workers: int = 1  # faster-whisper: transcriptions one loaded model runs at once (a service)
    batch_size: int = 0  # faster-whisper: >1 decodes that many VAD chunks of a window at once (BatchedInferencePipeline)
    fallback_model: str | None = None  # remote: transcribe here with this model when the service is unavailable
    diarize: bool = False  # label segments with speakers (speech.diarize; needs word times, so they are kept)
    num_speakers: int | None = None  # diarization: the speaker count when known (None: found from the audio)
    min_speakers: int | None = None  # diarization without num_speakers: the count is found in min..max
    max_speakers: int | None = None
    language_per_segment: bool = False  # identify each segment's language, decode it in that one (speech.segment_language)
    hotwords: str | None = None  # faster-whisper: terms to favour while decoding (names, jargon)
    redact: tuple[str, ...] = ()  # personal data types tagged in the text before it is stored (privacy.redact)
    redact_style: str = "numbered"  # [PERSON_1] per value, or "type": [PERSON]
    redact_local_only: bool = False  # with redact: never a remote ASR route (it would hear the audio unredacted)
    keep_original: bool = False  # with redact: keep the transcript as heard too, under originals/ (operators only)
    redact_audio: bool = False  # also a copy of the audio with the spans bleeped (privacy.audio; keeps word times)
    redact_text_items: tuple[tuple[str, str], ...] = ()  # the task's supplied text, redacted with the transcript (one numbering)


def resolve_device(device: str) -> str:
    """`auto`: the GPU when CTranslate2 sees one, else the CPU — one worker image serves either pool."""
    if device != "auto":
        return device
    try:
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except Exception:  # noqa: BLE001 - no CUDA runtime at all: the CPU
        return "cpu"


def compute_type(opts: AsrOptions) -> str:
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
    elif seg.no_speech_prob > opts.no_speech_threshold:
        flags.append("no_speech")  # confident words where Whisper hears no speech: typical of made-up text
    return flags
