"""Voice pitch per diarization window: the cue the speaker encoder misses.

GE2E hears timbre: two people whose voices have the same colour but sit several semitones apart
in pitch (one voice pitched apart, in the diarization corpus) look like one voice to it
(bench/RESULTS.md, "Counting speakers"). Each window's pitch is the median F0 of its voiced 10 ms
frames, in semitones above 100 Hz, found by normalised autocorrelation (60–400 Hz) with the
window's own taper divided out and only local maxima as candidates (without that, a low voice
whose third harmonic is strong read 19 semitones high in a third of its frames, which made one
voice look like two): cheap (an FFT per frame, blocks of frames so memory stays flat) and good
enough for a median over 1.6 s. Unvoiced or silent windows have none (NaN).
"""

from __future__ import annotations

import numpy as np

RATE = 16000
FRAME, HOP = 640, 160  # 40 ms frames every 10 ms
LAG_MIN, LAG_MAX = RATE // 400, RATE // 60  # 400 Hz .. 60 Hz
OCTAVE_COST = 0.02  # per octave lower: with the taper divided out, twice the period peaks as high as the period
VOICED = 0.5  # a frame is voiced when its normalised autocorrelation peak reaches this
MIN_VOICED = 10  # frames (0.1 s) a window needs for a pitch
BLOCK = 2048  # frames per FFT block


def track(samples: np.ndarray) -> np.ndarray:
    """F0 in semitones above 100 Hz per 10 ms frame (centre at i * HOP + FRAME / 2); NaN where unvoiced."""
    n = 1 + (len(samples) - FRAME) // HOP if len(samples) >= FRAME else 0
    out = np.full(n, np.nan)
    if not n:
        return out
    x = samples.astype(np.float64)
    window = np.hanning(FRAME)
    taper = _autocorrelation(window[None, :])[0]
    taper /= taper[0]  # the window's own fall with lag, divided out (Boersma 1993)
    energies = np.empty(n)
    for start in range(0, n, BLOCK):
        idx = np.arange(FRAME)[None, :] + HOP * np.arange(start, min(n, start + BLOCK))[:, None]
        frames = x[idx]
        frames -= frames.mean(axis=1, keepdims=True)
        ac = _autocorrelation(frames * window)
        energy = ac[:, 0]
        r = ac / np.maximum(energy, 1e-9)[:, None] / taper[None, :]
        inner = (r[:, LAG_MIN:-1] >= r[:, LAG_MIN - 1 : -2]) & (r[:, LAG_MIN:-1] >= r[:, LAG_MIN + 1 :])
        peaks = np.where(inner, r[:, LAG_MIN:-1], -1.0)  # local maxima only: no slope of a peak wins
        lag = np.argmax(peaks - OCTAVE_COST * np.log2(np.arange(LAG_MIN, LAG_MAX + 1) / LAG_MIN)[None, :], axis=1)
        voiced = peaks[np.arange(len(lag)), lag] >= VOICED
        out[start : start + len(lag)] = np.where(voiced, 12 * np.log2(RATE / (lag + LAG_MIN) / 100.0), np.nan)
        energies[start : start + len(lag)] = energy
    loud = energies > 0
    if loud.any():  # breath and hum under the speech are not a voice
        out[energies < 0.05 * np.median(energies[loud])] = np.nan
    return out


def _autocorrelation(frames: np.ndarray) -> np.ndarray:
    """Each row's autocorrelation at lags 0..LAG_MAX + 1."""
    return np.fft.irfft(np.abs(np.fft.rfft(frames, 2 * FRAME)) ** 2)[:, : LAG_MAX + 2]


def windows(samples: np.ndarray, centres: np.ndarray, half_s: float = 0.8) -> np.ndarray:
    """The median pitch (semitones) of the voiced frames within half_s of each window centre (seconds)."""
    f0 = track(samples)
    times = (np.arange(len(f0)) * HOP + FRAME / 2) / RATE
    out = np.full(len(centres), np.nan)
    for i, (a, b) in enumerate(zip(np.searchsorted(times, centres - half_s), np.searchsorted(times, centres + half_s))):
        voiced = f0[a:b][~np.isnan(f0[a:b])]
        if len(voiced) >= MIN_VOICED:
            out[i] = np.median(voiced)
    return out


def spread(pitch: np.ndarray) -> float:
    """How far apart the windows' pitches run: the 10th to the 90th percentile, in semitones
    (0 with fewer than ten voiced windows)."""
    voiced = pitch[~np.isnan(pitch)]
    if len(voiced) < 10:
        return 0.0
    low, high = np.percentile(voiced, [10, 90])
    return float(high - low)


def split(pitch: np.ndarray) -> np.ndarray:
    """Two groups (0 low, 1 high) of windows by pitch (1-D 2-means); a window with no pitch takes
    the group of the nearest window before it that has one (or after, at the start)."""
    voiced = ~np.isnan(pitch)
    if not voiced.any():
        return np.zeros(len(pitch), int)
    p = pitch[voiced]
    centre = np.array([np.percentile(p, 25), np.percentile(p, 75)])
    for _ in range(50):
        groups = np.abs(p[:, None] - centre[None, :]).argmin(axis=1)
        moved = np.array([p[groups == g].mean() if np.any(groups == g) else centre[g] for g in (0, 1)])
        if np.allclose(moved, centre):
            break
        centre = moved
    labels = np.full(len(pitch), -1)
    labels[voiced] = groups
    last = labels[voiced][0]
    for i in range(len(labels)):
        if labels[i] < 0:
            labels[i] = last
        last = labels[i]
    return labels
