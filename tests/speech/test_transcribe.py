import json

import jiwer
import numpy as np
import pytest

from linguaflow import weights
from linguaflow.speech import audio, openai_whisper
from linguaflow.speech.transcribe import transcribe
from linguaflow.speech.types import AsrOptions, Segment, Transcript, flags_for
from linguaflow.errors import BadInput

from conftest import SAMPLE, SAMPLE_TEXT


def words(text: str) -> str:
    return jiwer.RemovePunctuation()(text.lower()).strip()


def write_wav(path, samples: np.ndarray, rate: int = 16000):
    import wave

    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.mark.parametrize(
    "engine,model,max_wer",
    [("faster-whisper", "tiny.en", 0.0), ("faster-whisper", "base", 0.1), ("openai-whisper", "base", 0.1)],
)
def test_engines_transcribe_real_speech(engine, model, max_wer, tmp_path, monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_OPENAI_WHISPER_DIR", str(tmp_path))  # nothing mounted: convert the bundled weights
    t = transcribe(str(SAMPLE), AsrOptions(engine=engine, model=model, word_timestamps=True))
    assert t.language == "en" and t.engine == engine and t.duration == 4.0
    assert t.compute_type == ("int8" if engine == "faster-whisper" else "float32")
    assert jiwer.wer(SAMPLE_TEXT, words(t.text)) <= max_wer, t.text
    assert [s.id for s in t.segments] == [str(i) for i in range(len(t.segments))]
    assert all(0 <= s.start < s.end <= t.duration + 0.1 and s.flags == [] for s in t.segments)
    assert t.segments[0].words and t.segments[0].words[0]["word"].strip().lower() == "and"
    assert Transcript.from_dict(json.loads(json.dumps(t.to_dict()))) == t


def test_openai_whisper_loads_and_decodes_a_checkpoint_in_its_own_format(tmp_path):
    """The reference engine's real load + decode path on a tiny checkpoint saved with torch.save."""
    import torch
    from whisper.model import ModelDimensions, Whisper

    dims = ModelDimensions(n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=2, n_audio_layer=1,
                           n_vocab=51865, n_text_ctx=448, n_text_state=64, n_text_head=2, n_text_layer=1)
    torch.manual_seed(0)
    ckpt = tmp_path / "tiny-random.pt"
    torch.save({"dims": dims.__dict__, "model_state_dict": Whisper(dims).state_dict()}, ckpt)
    t = transcribe(str(SAMPLE), AsrOptions(engine="openai-whisper", model=str(ckpt), language="en",
                                                   beam_size=1, temperature=(0.0,)))
    assert t.engine == "openai-whisper" and t.model == str(ckpt) and t.language == "en"
    assert all(isinstance(s.text, str) and s.start <= s.end for s in t.segments)  # random weights: any text


def test_openai_whisper_prefers_a_mounted_checkpoint(tmp_path, monkeypatch):
    (tmp_path / "large-v3.pt").write_bytes(b"x")
    monkeypatch.setenv("LINGUAFLOW_OPENAI_WHISPER_DIR", str(tmp_path))
    assert openai_whisper.checkpoint("large-v3") == tmp_path / "large-v3.pt"


def test_silence_gives_no_text(tmp_path):
    path = write_wav(tmp_path / "silence.wav", np.zeros(16000 * 20))
    for engine in ("faster-whisper", "openai-whisper"):
        t = transcribe(str(path), AsrOptions(engine=engine, model="base", language="en"))
        assert t.text == "" and t.segments == [], engine


def test_long_input_is_fed_in_windows_cut_at_quiet_points(tmp_path):
    speech = audio.decode(str(SAMPLE))
    gap = np.zeros(16000 * 1)
    path = write_wav(tmp_path / "long.wav", np.concatenate([speech, gap, speech, gap, speech]))
    windows = list(audio.chunks(str(path), chunk_s=5.0))
    assert len(windows) >= 2 and sum(len(w) for _, w in windows) == len(speech) * 3 + 2 * 16000
    assert [round(o * 16000) for o, _ in windows[1:]] == list(np.cumsum([len(w) for _, w in windows])[:-1])
    t = transcribe(str(path), AsrOptions(model="tiny.en", chunk_s=5.0))
    assert words(t.text).count("superlative degree") == 3, t.text
    assert all(a.end <= b.start + 0.5 for a, b in zip(t.segments, t.segments[1:]))
    assert abs(t.duration - 14.0) < 0.01


def test_hallucination_signals_are_flagged():
    opts = AsrOptions()
    loop = Segment("0", 0, 5, "thank you thank you thank you thank you thank you", compression_ratio=2.9)
    unsure = Segment("1", 5, 9, "music", avg_logprob=-1.4, no_speech_prob=0.8, compression_ratio=1.0)
    fine = Segment("2", 9, 12, "and you always want to see it", avg_logprob=-0.3, no_speech_prob=0.05, compression_ratio=1.1)
    silent = Segment("3", 12, 14, "Thanks for watching!", avg_logprob=-0.2, no_speech_prob=0.9, compression_ratio=1.0)
    assert flags_for(loop, opts) == ["repetition"]
    assert flags_for(unsure, opts) == ["low_confidence"]
    assert flags_for(silent, opts) == ["no_speech"]
    assert flags_for(fine, opts) == []


def test_model_resolution_assembles_base_once(tmp_path, monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_MODEL_CACHE", str(tmp_path))
    d = weights.resolve_asr_model("base")
    assert (d / "model.bin").stat().st_size > 140_000_000 and (d / "tokenizer.json").exists()
    mtime = (d / "model.bin").stat().st_mtime_ns
    assert weights.resolve_asr_model("base") == d and (d / "model.bin").stat().st_mtime_ns == mtime
    assert weights.resolve_asr_model(str(weights.resolve_asr_model("tiny.en"))).is_dir()  # a directory path


def test_unknown_model_and_engine_are_bad_input(tmp_path):
    with pytest.raises(BadInput, match="unknown ASR model"):
        weights.resolve_asr_model("large-v3")
    with pytest.raises(BadInput, match="unknown ASR model"):
        weights.resolve_asr_model(str(tmp_path))  # a directory without model.bin
    with pytest.raises(BadInput, match="unknown ASR engine"):
        transcribe(str(SAMPLE), AsrOptions(engine="whisper.cpp"))


def test_batched_decoding_gives_sentence_sized_segments_in_order(tmp_path):
    """BatchedInferencePipeline (asr_batch_size > 1): the same words, one segment per sentence
    with its own times (not one per VAD chunk), in order, across the engine's windows."""
    speech = audio.decode(str(SAMPLE))
    gap = np.zeros(16000 * 1)
    path = write_wav(tmp_path / "long.wav", np.concatenate([speech, gap, speech, gap, speech]))
    t = transcribe(str(path), AsrOptions(model="tiny.en", batch_size=4))
    assert " ".join(t.text.lower().split()).count("superlative degree") == 3, t.text
    assert len(t.segments) >= 3 and all(s.end - s.start < 6 for s in t.segments)
    assert all(a.start < a.end <= b.start + 0.5 for a, b in zip(t.segments, t.segments[1:]))
