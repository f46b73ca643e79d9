"""The backend registry: a backend is one class with `translate()` and one registration, and a
route can name it at once."""

from __future__ import annotations

import json

import pytest

from linguaflow.errors import BadInput
from linguaflow.translation import backends, router


class Shouting:
    """A toy backend: the text in capitals, one item at a time as a batch of any size."""

    def __init__(self, model: str, suffix: str = ""):
        self.model, self.suffix = model, suffix

    def translate(self, items, source, target, batch_size=8, terms=None):
        return [(i, t.upper() + self.suffix) for i, t in items]


@pytest.fixture
def shouting():
    backends.register("shouting", Shouting)
    yield
    backends.unregister("shouting")


def test_a_registered_backend_serves_the_route_that_names_it(shouting, monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({"de": {"backend": "shouting", "model": "m", "options": {"suffix": "!"}}}))
    out, route = router.translate([("0", "hello"), ("1", "")], "en", "de")
    assert out == [("0", "HELLO!"), ("1", "!")] and route == "shouting/m"
    assert router.route_for("fr").backend == "llamacpp"  # other languages keep their routes


def test_a_route_naming_an_unknown_backend_is_bad_input(monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({"de": {"backend": "shouting", "model": "m"}}))
    with pytest.raises(BadInput, match="needs backend in"):
        router.route_for("de")
    with pytest.raises(BadInput, match="unknown translation backend 'shouting'"):
        backends.translator("shouting", "m")


def test_a_factory_that_makes_no_translator_is_refused():
    backends.register("broken", lambda model, **options: object())
    try:
        with pytest.raises(TypeError, match="no translate"):
            backends.translator("broken", "m")
    finally:
        backends.unregister("broken")


def test_the_builtin_backends_are_registered():
    assert set(backends.names()) >= {"llamacpp", "openai", "transformers", "ctranslate2"}
