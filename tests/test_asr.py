import jiwer
import pytest

from linguaflow import asr, models
from linguaflow.errors import BadInput

from conftest import SAMPLE, SAMPLE_TEXT


@pytest.mark.parametrize("model,max_wer", [("tiny.en", 0.0), ("base", 0.1)])
def test_bundled_models_transcribe_real_speech(model, max_wer):
    t = asr.transcribe(str(SAMPLE), asr.AsrOptions(model=model))
    assert t.language == "en" and t.engine == "faster-whisper" and t.compute_type == "int8"
    hyp = jiwer.RemovePunctuation()(t.text.lower())
    assert jiwer.wer(SAMPLE_TEXT, hyp) <= max_wer, hyp
    ids = [s.id for s in t.segments]
    assert ids == [str(i) for i in range(len(ids))]
    assert all(0 <= s.start < s.end <= t.duration + 0.1 for s in t.segments)
    assert asr.Transcript.from_dict(t.to_dict()) == t


def test_model_resolution_assembles_base_once(tmp_path, monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_MODEL_CACHE", str(tmp_path))
    d = models.resolve_asr_model("base")
    assert (d / "model.bin").stat().st_size > 140_000_000 and (d / "tokenizer.json").exists()
    mtime = (d / "model.bin").stat().st_mtime_ns
    assert models.resolve_asr_model("base") == d and (d / "model.bin").stat().st_mtime_ns == mtime
    assert models.resolve_asr_model(str(models.resolve_asr_model("tiny.en"))).is_dir()  # a directory path


def test_unknown_model_is_bad_input(tmp_path):
    with pytest.raises(BadInput, match="unknown ASR model"):
        models.resolve_asr_model("large-v3")
    with pytest.raises(BadInput, match="unknown ASR model"):
        models.resolve_asr_model(str(tmp_path))  # a directory without model.bin
