"""The `vocabulary` request option on real (synthesised) speech: made-up names Whisper cannot
know are spelled as given once the task names them."""

import dataclasses

import numpy as np
import pytest

from linguaflow import pipeline
from linguaflow.request import MediaRequest
from linguaflow.speech.transcribe import transcribe

import speechgen

pytestmark = pytest.mark.skipif(not speechgen.have_espeak(), reason="espeak-ng: scripts/speech-tools.sh installs it")

SAID = {"Zorvath Quillane": "Please forward the invoice to Zorvath Quillane before Friday.",
        "Brenalyn Vosk": "Our new colleague Brenalyn Vosk joins the design team.",
        "Kalimbrex": "Kalimbrex is the name of the new billing system."}


def _spelled_right(tmp_path, vocabulary):
    request = MediaRequest.parse({"media_uri": "file:///x.wav", "vocabulary": vocabulary})
    opts = dataclasses.replace(pipeline.asr_options(request), model="tiny.en", language="en")
    voice, pitch = speechgen.VOICES["A"]
    right = []
    for i, (term, sentence) in enumerate(SAID.items()):
        pause = np.zeros(speechgen.RATE // 2, np.int16)
        path = speechgen.write_wav(tmp_path / f"{i}.wav", np.concatenate([pause, speechgen.speak(sentence, voice, pitch), pause]))
        if term.lower() in transcribe(str(path), opts).text.lower():
            right.append(term)
    return right


def test_names_are_spelled_as_the_vocabulary_gives_them(tmp_path):
    without = _spelled_right(tmp_path, [])
    with_hints = _spelled_right(tmp_path, [" Kalimbrex ", "Zorvath Quillane", "Brenalyn Vosk", "Kalimbrex"])
    assert len(with_hints) >= 2 and len(with_hints) > len(without)


def test_vocabulary_is_checked_and_reaches_every_engine_as_a_prompt():
    request = MediaRequest.parse({"media_uri": "file:///x.wav", "vocabulary": [" Acme ", "", "Acme", "Zorvath"]})
    assert request.vocabulary == ["Acme", "Zorvath"]
    assert pipeline.asr_options(request).initial_prompt == "Acme, Zorvath."
    assert pipeline.asr_options(MediaRequest.parse({"media_uri": "file:///x.wav"})).initial_prompt is None
    with pytest.raises(Exception, match="at most 64"):
        MediaRequest.parse({"media_uri": "file:///x.wav", "vocabulary": ["x" * 65]})
