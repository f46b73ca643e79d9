"""Where the in-process transcription runs: a GPU Celery worker sets LINGUAFLOW_ASR_DEVICE=cuda
(docker/compose.yaml, deploy/helm/values-asr-workers.yaml) and its tasks decode in float16 there;
`auto` follows what CTranslate2 sees. No GPU here: CTranslate2's device count is the one stand-in."""

import ctranslate2

from linguaflow import pipeline
from linguaflow.request import MediaRequest
from linguaflow.speech.types import compute_type, resolve_device

REQUEST = MediaRequest.parse({"media_uri": "file:///x.wav"})


def test_the_transcribe_task_runs_on_the_configured_device(monkeypatch):
    opts = pipeline.asr_options(REQUEST)
    assert (opts.device, compute_type(opts)) == ("cpu", "int8")  # the default: a CPU worker
    monkeypatch.setenv("LINGUAFLOW_ASR_DEVICE", "cuda")
    opts = pipeline.asr_options(REQUEST)
    assert (opts.device, compute_type(opts)) == ("cuda", "float16")


def test_auto_takes_the_gpu_only_when_ctranslate2_sees_one(monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_ASR_DEVICE", "auto")
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    assert pipeline.asr_options(REQUEST).device == "cpu"
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 2)
    assert pipeline.asr_options(REQUEST).device == "cuda"
    assert resolve_device("cpu") == "cpu"
