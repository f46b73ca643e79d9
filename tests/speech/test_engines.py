"""The ASR engine registry: an engine is one module (or object) with `run` (windowed, in this
process) or `transcribe` (the whole file, elsewhere) and one registration."""

from __future__ import annotations

import pytest

from linguaflow.errors import BadInput
from linguaflow.request import ENGINES
from linguaflow.speech import engines, transcribe
from linguaflow.speech.types import AsrOptions, Segment, Transcript

from conftest import SAMPLE


class Canned:
    """A whole-file engine that hears the same words in anything."""

    def transcribe(self, path, opts, duration=None):
        return Transcript(language="en", language_probability=1.0, duration=duration or 4.0, engine="canned",
                          model=opts.model, compute_type="none",
                          segments=[Segment(id="0", start=0.0, end=4.0, text="the same words", avg_logprob=-2.5, no_speech_prob=0.9),
                                    Segment(id="1", start=4.0, end=4.0, text="")])


@pytest.fixture
def canned():
    engines.register("canned", Canned)
    yield
    engines.unregister("canned")


def test_a_registered_engine_transcribes_and_is_flagged_like_the_others(canned):
    t = transcribe.transcribe(str(SAMPLE), AsrOptions(engine="canned", model="any"), duration=4.0)
    assert [s.text for s in t.segments] == ["the same words"]  # empty segments dropped, as for every engine
    assert t.segments[0].flags == ["low_confidence"]  # flagged by the shared rules (avg_logprob -2.5)


def test_an_unknown_or_shapeless_engine_is_refused():
    with pytest.raises(BadInput, match="unknown ASR engine 'nope'"):
        transcribe.transcribe(str(SAMPLE), AsrOptions(engine="nope"))
    engines.register("shapeless", object)
    try:
        with pytest.raises(TypeError, match="neither run"):
            engines.get("shapeless")
    finally:
        engines.unregister("shapeless")


def test_the_request_offers_the_registered_engines():
    assert ENGINES == engines.names() == ("faster-whisper", "openai-whisper", "remote")
    assert isinstance(engines.get("faster-whisper"), engines.WindowedEngine)
    assert isinstance(engines.get("remote"), engines.WholeFileEngine)
