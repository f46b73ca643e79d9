"""The speaker count and its doubt, on window embeddings made to a known shape; and the doubt's
way into the result (a media warning, `done_with_flags`, said in words)."""

import numpy as np

from linguaflow.pipeline import build_document
from linguaflow.results import document, readable
from linguaflow.speech import diarize
from linguaflow.speech.types import Segment, Transcript


def _voices(centres: np.ndarray, per: int, spread: float, seed: int = 0) -> np.ndarray:
    """`per` unit vectors around each centre, `spread` apart from it."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([c + spread * rng.standard_normal((per, centres.shape[1])) for c in centres])
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _apart(k: int, dim: int = 64, seed: int = 1) -> np.ndarray:
    return np.linalg.qr(np.random.default_rng(seed).standard_normal((dim, k)))[0].T  # orthonormal: far apart


def test_voices_far_apart_are_counted_without_doubt():
    for k in (2, 3):
        found = diarize.cluster(_voices(_apart(k), 40, 0.05))
        assert len(set(found.labels)) == k and found.doubt is None


def test_one_voice_with_room_to_spare_is_one_speaker_without_doubt():
    found = diarize.cluster(_voices(_apart(1), 80, 0.05))
    assert set(found.labels) == {0} and found.doubt is None


def test_voices_at_the_one_voice_line_are_doubted_and_a_given_count_is_not():
    centres = _apart(1)
    spread = next(s for s in np.linspace(0.02, 0.3, 2000)  # the spread that puts the 10th percentile at the floor
                  if diarize._tenth_similarity(_voices(centres, 80, s)) < diarize.SAME_VOICE_FLOOR + diarize.ONE_VOICE_DOUBT / 2)
    x = _voices(centres, 80, spread)
    assert abs(diarize._tenth_similarity(x) - diarize.SAME_VOICE_FLOOR) < diarize.ONE_VOICE_DOUBT
    found = diarize.cluster(x)
    assert found.doubt and "too alike" in found.doubt
    assert diarize.cluster(x, num_speakers=2).doubt is None  # the caller said how many


def test_voices_just_under_the_one_voice_line_are_counted_from_two():
    """The one-voice check said several voices, so the eigengap chooses among two or more even where
    the first gap is the largest (measured: a voice pitched apart from itself)."""
    values = np.array([1.0, 0.48, 0.24, 0.18, 0.15])  # 1 -> 2 drops 2.08x, 2 -> 3 2.0x
    assert diarize._speaker_count(values)[0] == 1
    assert diarize._speaker_count(values, low=2)[0] == 2
    centres = _apart(1)
    spread = next(s for s in np.linspace(0.02, 0.3, 2000)
                  if diarize._tenth_similarity(_voices(centres, 80, s)) < diarize.SAME_VOICE_FLOOR - 2 * diarize.ONE_VOICE_DOUBT)
    found = diarize.cluster(_voices(centres, 80, spread))
    assert len(set(found.labels)) >= 2  # under the line: never one speaker


def test_a_close_call_between_two_counts_is_doubted():
    # eigenvalues dropping by 4x after the 2nd and 3.5x after the 4th: 2 speakers, 4 a near second
    k, runner_up, margin = diarize._speaker_count(np.array([1.0, 0.9, 0.225, 0.2, 0.057, 0.055]))
    assert (k, runner_up) == (2, 4) and margin < diarize.COUNT_MARGIN
    k, _, margin = diarize._speaker_count(np.array([1.0, 0.9, 0.1, 0.09, 0.08]))  # one clear drop
    assert k == 2 and margin > diarize.COUNT_MARGIN


def _transcript(doubt):
    return Transcript(language="en", language_probability=1.0, duration=4.0, engine="faster-whisper", model="base",
                      compute_type="int8", segments=[Segment(id="0", start=0.0, end=2.0, text="Hello.", speaker=1),
                                                     Segment(id="1", start=2.0, end=4.0, text="Hi.", speaker=1)],
                      speakers_doubt=doubt)


def test_a_doubted_count_makes_the_task_done_with_flags_and_says_why():
    media = {"uri": "s3://b/call.wav", "duration": 4.0}
    doc = build_document("t1", media, _transcript("one voice or several: the voices are too alike"), [], {})
    assert doc["status"] == "done_with_flags"
    assert doc["media"]["warnings"] == ["speakers_uncertain"]
    back = document.expand(document.compact(doc))
    assert back["media"]["speakers_doubt"] == "one voice or several: the voices are too alike"
    text = readable.to_text(back)
    assert "warning: the speaker labels may be wrong: one voice or several" in text
    assert "give the number of speakers" in text
    sure = build_document("t2", media, _transcript(None), [], {})
    assert sure["status"] == "done" and "warnings" not in sure["media"]


def test_a_range_given_bounds_the_count_found():
    shared = _apart(4, seed=3)
    centres = np.stack([shared[0] + shared[i] for i in (1, 2, 3)])
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    three = _voices(centres, 40, 0.05, seed=3)
    assert len(set(diarize.cluster(three).labels)) == 3
    assert len(set(diarize.cluster(three, max_speakers=2).labels)) <= 2
    one = _voices(_apart(1), 80, 0.05)
    assert len(set(diarize.cluster(one, min_speakers=2).labels)) >= 2  # told there are at least two
    assert diarize.cluster(three, min_speakers=3, max_speakers=3).doubt is None  # a range of one is a count given
