"""Speech recognition: one result shape, engines behind one function.

faster-whisper (CTranslate2) is the default engine: int8 on CPU, float16 on GPU.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import asdict, dataclass, field

from .errors import BadInput, ResourceExhausted
from .models import resolve_asr_model

log = logging.getLogger(__name__)


@dataclass
class Segment:
    id: str
    start: float
    end: float
    text: str
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 0.0


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
    model: str = "base"
    device: str = "cpu"
    compute_type: str = "auto"  # int8 on CPU, float16 on CUDA
    language: str | None = None  # None = detect
    beam_size: int = 5
    vad_filter: bool = True
    cpu_threads: int = 0


def _compute_type(opts: AsrOptions) -> str:
    if opts.compute_type != "auto":
        return opts.compute_type
    return "float16" if opts.device == "cuda" else "int8"


@functools.lru_cache(maxsize=2)
def _load_faster_whisper(model_dir: str, device: str, compute_type: str, cpu_threads: int):
    from faster_whisper import WhisperModel

    return WhisperModel(model_dir, device=device, compute_type=compute_type, cpu_threads=cpu_threads)


def transcribe(path: str, opts: AsrOptions = AsrOptions(), progress=None) -> Transcript:
    """Transcribe a local media file with faster-whisper; `progress(fraction)` is called per segment."""
    model_dir = str(resolve_asr_model(opts.model))
    compute_type = _compute_type(opts)
    try:
        model = _load_faster_whisper(model_dir, opts.device, compute_type, opts.cpu_threads)
        segments, info = model.transcribe(
            path,
            language=opts.language,
            beam_size=opts.beam_size,
            vad_filter=opts.vad_filter,
        )
        out = []
        for i, s in enumerate(segments):
            out.append(
                Segment(
                    id=str(i),
                    start=round(s.start, 3),
                    end=round(s.end, 3),
                    text=s.text.strip(),
                    avg_logprob=round(s.avg_logprob, 4),
                    no_speech_prob=round(s.no_speech_prob, 4),
                    compression_ratio=round(s.compression_ratio, 4),
                )
            )
            if progress and info.duration:
                progress(min(1.0, s.end / info.duration))
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
        language=info.language,
        language_probability=round(info.language_probability, 4),
        duration=round(info.duration, 3),
        engine="faster-whisper",
        model=opts.model,
        compute_type=compute_type,
        segments=out,
    )
