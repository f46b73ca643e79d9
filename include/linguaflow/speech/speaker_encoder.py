"""The speaker encoder: a vector per window of speech, close for one voice and apart for two.

`Ge2e` is resemblyzer's GE2E d-vector (256 numbers; its weights ship inside the package, no hub).
An encoder is a class with `name`, `dim`, `window_frames`, `step_frames` and
`windows(wav) -> (unit vectors, window centres in seconds)`; `bench/campplus_encoder.py` holds
CAM++ in the same shape, measured against this one (bench/RESULTS.md, "Counting speakers").
Needs the torch extra (`setup.sh --torch`); the model loads once per process.
"""

from __future__ import annotations

import functools
import threading

import numpy as np

from ..errors import BadInput

_LOADING = threading.Lock()


def window_starts(frames: int, window: int, step: int) -> list[int]:
    """Window starts every `step` frames; the last window ends at the region's end."""
    if frames <= window:
        return [0]
    starts = list(range(0, frames - window + 1, step))
    if starts[-1] + window < frames:
        starts.append(frames - window)
    return starts


class Ge2e:
    name = "ge2e"
    dim = 256
    window_frames = 160  # the encoder's partial utterance: 160 mel frames of 10 ms = 1.6 s
    step_frames = 40  # a window every 0.4 s inside speech

    @staticmethod
    @functools.cache
    def _model():
        try:
            from resemblyzer import VoiceEncoder
        except ImportError as exc:
            raise BadInput("speaker diarization needs the torch extra (scripts/setup.sh --torch)") from exc
        return VoiceEncoder(device="cpu", verbose=False)

    @classmethod
    def load(cls):
        with _LOADING:
            return cls._model()

    @classmethod
    def windows(cls, wav: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import torch
        from resemblyzer.audio import normalize_volume, wav_to_mel_spectrogram
        from resemblyzer.hparams import audio_norm_target_dBFS

        mel = wav_to_mel_spectrogram(normalize_volume(wav, audio_norm_target_dBFS, increase_only=True))
        if len(mel) < cls.window_frames:
            mel = np.pad(mel, ((0, cls.window_frames - len(mel)), (0, 0)))
        starts = window_starts(len(mel), cls.window_frames, cls.step_frames)
        batch = torch.from_numpy(np.stack([mel[s : s + cls.window_frames] for s in starts]))
        with torch.no_grad():
            e = cls.load()(batch).numpy()
        return e, (np.array(starts) + cls.window_frames / 2) / 100


