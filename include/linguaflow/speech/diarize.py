"""Speaker diarization: who spoke when, from a speaker encoder over speech regions.

Speech regions come from the Silero VAD that faster-whisper ships. Each region is cut into
1.6 s windows every 0.4 s and embedded by the speaker encoder (`speaker_encoder.Ge2e`). The
windows are clustered by spectral clustering of their refined cosine affinity (Wang et al.,
"Speaker diarization with LSTM", 2018: the method published for such d-vectors): `num_speakers`
clusters when the caller knows the count, else as many as the largest eigenvalue gap says. Every
0.1 s of speech takes the label of the nearest window centre; runs of one label are the turns.
Audio is read window by window (`audio.chunks`), so memory stays flat on long files; only the
embeddings are kept.

A count found (not given) comes with its doubts, in words, where the benchmark shows the count
goes wrong (bench/RESULTS.md, "Counting speakers"): the largest eigenvalue gap barely beats the
next, or the voices sit right at the one-voice line. The task then carries `speakers_uncertain`.
When the one-voice check says several voices, the gap chooses among two or more. When it says one
but the windows' pitch (`pitch.windows`) spreads wider than one voice's does, two people of one
voice colour are split by pitch.

Needs the torch extra (`setup.sh --torch`): torch, resemblyzer and librosa.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import BadInput
from . import audio, pitch
from .speaker_encoder import Ge2e

ENCODER = Ge2e
FRAME_S = 0.1  # the timeline's resolution
KEEP_QUANTILE = 0.75  # affinity refinement: each window keeps its closest quarter (set on bench/diarization_bench.py)
SAME_VOICE_FLOOR = 0.70  # one speaker when the 10th percentile of window similarities is above this (bench)
NOISE_FLOOR = 0.05  # eigenvalues under this share of the largest are not counted
MIN_SPEAKER_SHARE = 0.05  # a cluster with less of the speech than this joins its nearest neighbour
MAX_CLUSTERED = 2000  # longer files: cluster this many windows evenly spread, assign the rest to the nearest
MAX_SPEAKERS = 20
ONE_VOICE_DOUBT = 0.005  # doubt a one-voice decision either way when the 10th percentile is this close to the floor (bench)
PITCH_APART = 5.0  # semitones: one voice by timbre is two when window pitches spread this wide (10th-90th, bench)
PITCH_DOUBT = 1.0  # doubt a split by pitch this close above PITCH_APART
COUNT_MARGIN = 1.25  # doubt a count whose eigenvalue gap is less than this times the runner-up's (bench)
VERSION = "resemblyzer-spectral-pitch-4"  # changes when the method does, so a stored transcript is made again


@dataclass(frozen=True)
class Turn:
    start: float
    end: float
    speaker: int  # 1-based, in order of first speech


@dataclass(frozen=True)
class Clustering:
    labels: np.ndarray  # a speaker (0-based) per window
    doubt: str | None = None  # why the count found may be wrong, in words; None when it was given or clear


@dataclass(frozen=True)
class Diarization:
    turns: list[Turn]
    doubt: str | None = None

    @property
    def speakers(self) -> int:
        return len({t.speaker for t in self.turns})


def speech_regions(samples: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) sample indices of speech, by the Silero VAD faster-whisper ships."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    found = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=300, speech_pad_ms=100))
    return [(int(r["start"]), int(r["end"])) for r in found]


def embed(path: str, chunk_s: float = 600.0, encoder=ENCODER, with_pitch: bool = True):
    """Speech regions (seconds) and, per window, its embedding, centre (seconds), region index and
    pitch (semitones, NaN where unvoiced; None without `with_pitch`: only a count found reads it)."""
    regions: list[tuple[float, float]] = []
    embeds, centres, owner, pitches = [], [], [], []
    for offset, samples in audio.chunks(path, chunk_s):
        for a, b in speech_regions(samples):
            e, c = encoder.windows(samples[a:b])
            c = np.minimum(c, (b - a) / audio.SAMPLE_RATE)
            start = offset + a / audio.SAMPLE_RATE
            embeds.append(e)
            centres.append(start + c)
            owner.append(np.full(len(e), len(regions)))
            if with_pitch:
                pitches.append(pitch.windows(samples[a:b], c))
            regions.append((start, offset + b / audio.SAMPLE_RATE))
    if not regions:
        return regions, np.zeros((0, encoder.dim), np.float32), np.zeros(0), np.zeros(0, int), np.zeros(0) if with_pitch else None
    return (regions, np.concatenate(embeds), np.concatenate(centres), np.concatenate(owner),
            np.concatenate(pitches) if with_pitch else None)


def cluster(embeds: np.ndarray, num_speakers: int | None = None, min_speakers: int = 1,
            max_speakers: int = MAX_SPEAKERS, pitches: np.ndarray | None = None) -> Clustering:
    """A speaker (0-based) per embedding: `num_speakers` clusters, or as many as the affinity's
    eigenvalues say (the largest gap for min_speakers..max_speakers speakers), with the count's doubt.
    `pitches` (per window, `pitch.windows`) tells apart two voices of one colour."""
    from sklearn.cluster import KMeans

    n = len(embeds)
    if num_speakers is None and min_speakers == max_speakers:
        num_speakers = min_speakers
    if n < 3 or num_speakers == 1:
        return Clustering(np.zeros(n, int))
    picked = np.linspace(0, n - 1, min(n, MAX_CLUSTERED)).round().astype(int)
    doubt = None
    if not num_speakers and min_speakers == 1:
        tenth = _tenth_similarity(embeds[picked])
        if abs(tenth - SAME_VOICE_FLOOR) < ONE_VOICE_DOUBT:
            doubt = "one voice or several: the voices are too alike to tell apart with confidence"
        if tenth >= SAME_VOICE_FLOOR:
            apart = pitch.spread(pitches[picked]) if pitches is not None and max_speakers >= 2 else 0.0
            if apart < PITCH_APART:
                return Clustering(np.zeros(n, int), doubt)
            if apart < PITCH_APART + PITCH_DOUBT:
                doubt = "one voice or two: alike but for their pitch, told apart by pitch alone"
            return Clustering(pitch.split(pitches), doubt)
        min_speakers = min(2, max_speakers)  # the one-voice check said several: the gap says how many
    vectors, values = _spectral_embedding(embeds[picked])
    k, runner_up, margin = _speaker_count(values, min_speakers, max_speakers)
    if not num_speakers and doubt is None and k > 1 and margin < COUNT_MARGIN:
        doubt = f"{k} or {runner_up} speakers: the count was a close call"
    k = min(num_speakers or k, len(picked))
    if k == 1:
        return Clustering(np.zeros(n, int), doubt)
    v = vectors[:, :k] / np.linalg.norm(vectors[:, :k], axis=1, keepdims=True)
    labels = KMeans(k, n_init=10, random_state=0).fit_predict(v)
    labels = np.unique(labels, return_inverse=True)[1]
    if not num_speakers:  # specks (a cough, a laugh, crosstalk) are not speakers
        labels = merge_specks(embeds[picked], labels, min_speakers)
    # every window (picked or not) to its nearest speaker
    return Clustering(np.argmax(embeds @ _centroids(embeds[picked], labels).T, axis=1), doubt)


def merge_specks(x: np.ndarray, labels: np.ndarray, keep: int = 1) -> np.ndarray:
    """Clusters with less than MIN_SPEAKER_SHARE of the windows join their nearest neighbour,
    the smallest first, while more than `keep` remain; labels renumbered 0..k-1."""
    labels = np.unique(labels, return_inverse=True)[1]
    while labels.max() + 1 > keep:
        share = np.bincount(labels) / len(labels)
        small = int(np.argmin(share))
        if share[small] >= MIN_SPEAKER_SHARE:
            break
        centroids = _centroids(x, labels)
        others = [k for k in range(len(centroids)) if k != small]
        nearest = others[int(np.argmax(centroids[others] @ centroids[small]))]
        labels = np.unique(np.where(labels == small, nearest, labels), return_inverse=True)[1]
    return labels


def _tenth_similarity(x: np.ndarray) -> float:
    """The 10th percentile of the windows' pairwise similarities: above SAME_VOICE_FLOOR even the
    least alike tenth of the pairs sound like one voice (spectral clustering always finds a gap,
    even inside one voice)."""
    return float(np.quantile((x @ x.T)[np.triu_indices(len(x), 1)], 0.1))


def _spectral_embedding(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvectors and eigenvalues (largest first) of the refined cosine affinity of the windows:
    each row keeps its closest (1 - KEEP_QUANTILE) neighbours, then symmetrised and diffused
    (the refinement of Wang et al., "Speaker diarization with LSTM", 2018)."""
    a = x @ x.T
    np.fill_diagonal(a, 0.0)
    np.fill_diagonal(a, a.max(axis=1))
    cut = np.quantile(a, KEEP_QUANTILE, axis=1, keepdims=True)
    a = np.where(a < cut, a * 0.01, a)
    a = np.maximum(a, a.T)
    a = a @ a.T
    a = a / a.max(axis=1, keepdims=True)
    values, vectors = np.linalg.eigh((a + a.T) / 2)
    return vectors[:, ::-1], values[::-1]


def _speaker_count(values: np.ndarray, low: int = 1, high: int = MAX_SPEAKERS) -> tuple[int, int, float]:
    """Where the eigenvalues drop most (ratio of neighbours) for low..high speakers; the runner-up
    count and how many times larger the winning drop is than the runner-up's."""
    top = values[: high + 1]
    # the tail of tiny eigenvalues is noise, not structure; its first one stays, as the drop after the last speaker
    top = top[: max(int(np.sum(top >= NOISE_FLOOR * top[0])) + 1, low + 1)]
    ratios = (top[:-1] / np.maximum(top[1:], 1e-9))[low - 1 :]
    if len(ratios) == 0:
        return low, low, float("inf")
    order = np.argsort(ratios)[::-1]
    if len(order) < 2:
        return int(order[0]) + low, int(order[0]) + low, float("inf")
    return int(order[0]) + low, int(order[1]) + low, float(ratios[order[0]] / ratios[order[1]])


def _centroids(embeds: np.ndarray, labels: np.ndarray) -> np.ndarray:
    c = np.stack([embeds[labels == k].mean(axis=0) for k in range(labels.max() + 1)])
    return c / np.linalg.norm(c, axis=1, keepdims=True)


def turns_from(regions, labels: np.ndarray, centres: np.ndarray, owner: np.ndarray) -> list[Turn]:
    """Each FRAME_S of each region takes the label of its nearest window centre; runs are turns.
    Speakers are numbered in the order they first speak."""
    raw: list[tuple[float, float, int]] = []
    for r, (start, end) in enumerate(regions):
        mine = np.flatnonzero(owner == r)
        if not len(mine):
            continue
        times = np.arange(start, end, FRAME_S)
        nearest = mine[np.argmin(np.abs(centres[mine][None, :] - (times + FRAME_S / 2)[:, None]), axis=1)]
        lab = labels[nearest]
        cuts = np.flatnonzero(np.diff(lab)) + 1
        bounds = [0, *cuts.tolist(), len(times)]
        for a, b in zip(bounds, bounds[1:]):
            raw.append((round(float(times[a]), 3), round(float(min(end, times[b - 1] + FRAME_S)), 3), int(lab[a])))
    order: dict[int, int] = {}
    for _, _, k in raw:
        order.setdefault(k, len(order) + 1)
    return [Turn(a, b, order[k]) for a, b, k in raw]


def diarize(path: str, num_speakers: int | None = None, chunk_s: float = 600.0, min_speakers: int | None = None,
            max_speakers: int | None = None) -> Diarization:
    """Who spoke when in a local media file: speaker turns in time order, and the count's doubt.
    `num_speakers` when known, else found within min_speakers..max_speakers."""
    low, high = min_speakers or 1, max_speakers or MAX_SPEAKERS
    if not 1 <= low <= high <= MAX_SPEAKERS or (num_speakers is not None and not 1 <= num_speakers <= MAX_SPEAKERS):
        raise BadInput(f"speaker counts are 1 to {MAX_SPEAKERS}, min_speakers at most max_speakers")
    # the pitch is read only where a count is found from one voice up (`cluster`)
    regions, embeds, centres, owner, pitches = embed(path, chunk_s, with_pitch=num_speakers is None and low == 1 < high)
    if not regions:
        return Diarization([])
    found = cluster(embeds, num_speakers, low, high, pitches)
    return Diarization(turns_from(regions, found.labels, centres, owner), found.doubt)
