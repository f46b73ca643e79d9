"""A task's glossary: validated in the request, told to chat models, checked on every output."""

import json

import pytest

from linguaflow.errors import BadInput
from linguaflow.request import MediaRequest
from linguaflow.translation import check, glossary, router

from conftest import stored_transcript
from test_translation import Scripted  # noqa: F401 - the scripted OpenAI-compatible endpoint
from test_translation import scripted  # noqa: F401

GLOSSARY = {"Zorvex": "keep", "invoice": {"German": "Rechnung", "ja": "請求書"}}
ITEMS = [("1", "Please send the invoice to Zorvex today."), ("2", "It is raining in the city again today.")]


def test_the_request_normalises_and_refuses_glossaries():
    req = MediaRequest.parse({"media_uri": "s3://b/a.wav", "glossary": GLOSSARY})
    assert req.glossary == {"Zorvex": "keep", "invoice": {"de": "Rechnung", "ja": "請求書"}}
    for bad in ({"x": "maybe"}, {"": "keep"}, {"x": {"xx": "y"}}, {"x": {"de": ""}}, {f"t{i}": "keep" for i in range(201)}):
        with pytest.raises(BadInput):
            MediaRequest.parse({"media_uri": "s3://b/a.wav", "glossary": bad})


def test_renderings_terms_and_the_check():
    terms = glossary.renderings(MediaRequest.parse({"media_uri": "s3://b/a", "glossary": GLOSSARY}).glossary, "de")
    assert terms == {"Zorvex": "Zorvex", "invoice": "Rechnung"}
    assert glossary.renderings({"invoice": {"ja": "請求書"}}, "de") == {}  # nothing asked for German
    assert glossary.terms_in("Two invoices, one INVOICE.", terms) == {"invoice": "Rechnung"}  # whole words, any case
    assert glossary.terms_in("the invoicer", terms) == {}
    assert glossary.terms_in("請求書を送ってください", {"請求書": "invoice"}) == {"請求書": "invoice"}  # CJK: no spaces
    out = [("1", "Bitte senden Sie die Rechnungen heute an Zorvex."), ("2", "Es regnet heute wieder.")]
    assert glossary.check(ITEMS, out, terms) == {}  # inflected endings count
    out[0] = ("1", "Bitte senden Sie die Faktura heute an Sorvex.")
    assert glossary.check(ITEMS, out, terms) == {"1": ["glossary"]}


def test_the_model_is_told_the_terms_and_a_missing_rendering_is_flagged_after_one_more_try(scripted, monkeypatch):  # noqa: F811
    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({"de": {"backend": "openai", "model": "m", "options": {"base_url": scripted.url}}}))
    first = {"1": "Bitte senden Sie heute die Faktura an Zorvex.", "2": "Es regnet heute wieder in der Stadt."}
    scripted.replies = [(200, json.dumps(first), 0), (200, json.dumps({"1": first["1"]}), 0)]
    out, route, found = router.translate_checked(ITEMS, "en", "de", GLOSSARY | {"invoice": {"de": "Rechnung"}})
    assert check.flag_names(found) == {"1": ["glossary"]} and dict(out)["1"] == first["1"]  # kept, flagged
    assert found["1"][0].reason == 'the glossary asks for "Rechnung"'  # in words, for the reviewer
    system = scripted.bodies[0]["messages"][0]["content"]
    assert '"invoice" -> "Rechnung"' in system and '"Zorvex" -> "Zorvex"' in system
    assert '"invoice"' in scripted.bodies[1]["messages"][0]["content"]  # asked again alone, still told
    # followed on the second try: nothing flagged
    scripted.replies = [(200, json.dumps(first), 0), (200, json.dumps({"1": "Bitte senden Sie heute die Rechnung an Zorvex."}), 0)]
    out, _, flags = router.translate_checked(ITEMS, "en", "de", {"Zorvex": "keep", "invoice": {"de": "Rechnung"}})
    assert flags == {} and "Rechnung" in dict(out)["1"]


def test_glossary_on_the_bundled_model_through_the_translate_step(store, bucket):
    """The real step and model: each segment holding a term has its rendering, or is flagged."""
    import uuid

    from linguaflow import pipeline
    from linguaflow.artefacts import Translation
    from linguaflow.results.document import expand

    tid = f"gloss-{uuid.uuid4().hex[:8]}"
    segments = [{"id": str(n), "start": n * 3.0, "end": n * 3.0 + 2.5, "text": t} for n, (_, t) in enumerate(ITEMS)]
    transcript = stored_transcript(tid, segments, 6.0)
    gloss = {"Zorvex": "keep", "invoice": {"de": "Rechnung"}}
    uri = pipeline.translate_step(tid, transcript, "de", {}, store=store, glossary=gloss)
    de = expand(store.get(tid))["languages"]["de"]
    text = de["audio"]["0"]
    missing = not ("zorvex" in text.lower() and "rechnung" in text.lower())
    assert ("glossary" in de.get("flags", {}).get("0", [])) == missing, (text, de.get("flags"))
    assert "glossary" not in de.get("flags", {}).get("1", [])  # no term there
    assert Translation.read(uri).input_hash  # cached for a re-run with the same glossary


def test_latin_terms_beside_cjk_text_are_found():
    terms = {"Acme": "Acme"}
    assert glossary.terms_in("Acme製品の請求書", terms) == terms  # no space between a name and Japanese
    assert glossary.terms_in("Acmeの", terms) == terms and glossary.terms_in("Acmes", terms) == {}
