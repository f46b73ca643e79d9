"""Window pitch and the count it mends: two voices of one colour, a few semitones apart, are two
speakers; one voice whose pitch wanders less is one."""

import numpy as np
import pytest

from linguaflow.speech import diarize, pitch

RATE = pitch.RATE


def _voiced(f0: float, seconds: float, seed: int = 0) -> np.ndarray:
    """A buzz at f0 with its first eight harmonics (falling), a little noise: a vowel-like sound."""
    t = np.arange(int(seconds * RATE)) / RATE
    x = sum(np.sin(2 * np.pi * f0 * h * t) / h for h in range(1, 9))
    return 8000 * x + 200 * np.random.default_rng(seed).standard_normal(len(t))


@pytest.mark.parametrize("hz", [90.0, 140.0, 220.0, 330.0])
def test_the_track_finds_a_voice_pitch_within_a_third_of_a_semitone(hz):
    found = pitch.track(_voiced(hz, 1.0))
    assert np.nanmedian(found) == pytest.approx(12 * np.log2(hz / 100), abs=0.35)
    assert np.mean(np.isnan(found)) < 0.05


def test_silence_and_noise_have_no_pitch():
    quiet = np.zeros(RATE)
    hiss = 3000 * np.random.default_rng(1).standard_normal(RATE)
    assert np.all(np.isnan(pitch.track(quiet)))
    assert np.mean(np.isnan(pitch.track(hiss))) > 0.9
    windows = pitch.windows(np.concatenate([_voiced(150, 2.0), np.zeros(2 * RATE)]), np.array([1.0, 3.5]))
    assert not np.isnan(windows[0]) and np.isnan(windows[1])


def test_a_long_region_is_tracked_in_blocks_the_same_as_at_once():
    x = np.concatenate([_voiced(120, 15.0), _voiced(200, 15.0, seed=2)])
    found = pitch.track(x)
    assert len(found) > pitch.BLOCK  # crosses a block edge
    assert np.nanmedian(found[:1400]) == pytest.approx(12 * np.log2(1.2), abs=0.35)
    assert np.nanmedian(found[1600:]) == pytest.approx(12 * np.log2(2.0), abs=0.35)


def test_spread_and_split():
    rng = np.random.default_rng(3)
    one = 5 + 0.8 * rng.standard_normal(60)
    two = np.where(np.arange(60) % 8 < 4, 2.0, 9.0) + 0.6 * rng.standard_normal(60)
    two[[5, 17]] = np.nan  # windows without a pitch take a neighbour's group
    assert pitch.spread(one) < diarize.PITCH_APART < pitch.spread(two)
    labels = pitch.split(two)
    assert set(labels) == {0, 1} and labels[5] == labels[4] and labels[17] == labels[16]
    assert np.all(labels[np.arange(60) % 8 < 4] == 0) and np.all(labels[np.arange(60) % 8 >= 4] == 1)
    assert pitch.spread(np.array([1.0, np.nan])) == 0.0  # too few windows to say
    assert set(pitch.split(np.full(5, np.nan))) == {0}  # no pitch at all: one group


def _one_colour(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(64) + 0.05 * rng.standard_normal((n, 64))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_one_colour_two_pitches_is_two_speakers_and_one_pitch_stays_one():
    """Measured: one espeak voice pitched apart for two people is one voice to GE2E (bench/RESULTS.md)."""
    x = _one_colour(80)
    assert diarize._tenth_similarity(x) > diarize.SAME_VOICE_FLOOR
    turns = np.arange(80) // 10 % 2  # alternating turns of ten windows
    rng = np.random.default_rng(4)
    apart = np.where(turns == 0, 0.0, diarize.PITCH_APART + 2) + 0.5 * rng.standard_normal(80)
    found = diarize.cluster(x, pitches=apart)
    assert found.doubt is None and (np.array_equal(found.labels, turns) or np.array_equal(found.labels, 1 - turns))
    near = np.where(turns == 0, 0.0, diarize.PITCH_APART + 0.3) + 0.1 * rng.standard_normal(80)
    assert "pitch" in diarize.cluster(x, pitches=near).doubt  # just over the line: split, with its doubt
    alike = 0.8 * rng.standard_normal(80)
    assert set(diarize.cluster(x, pitches=alike).labels) == {0}
    assert set(diarize.cluster(x).labels) == {0}  # no pitch given: timbre alone
    assert set(diarize.cluster(x, pitches=apart, max_speakers=1).labels) == {0}  # the caller's bound holds
