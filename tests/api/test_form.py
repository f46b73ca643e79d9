"""The upload form and the new-task page are generated from `MediaRequest`: every field it has is
a field of both (a field added to the model appears in them with nothing else to touch)."""

from __future__ import annotations

import re

import pytest

from linguaflow.api import form, viewer
from linguaflow.errors import BadInput
from linguaflow.request import MediaRequest

OFFERED = set(MediaRequest.model_fields) - set(form.FROM_THE_UPLOAD)


def test_every_request_field_is_an_upload_form_field():
    from linguaflow.api.app import app

    spec = app.openapi()
    ref = spec["paths"]["/tasks/upload"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["properties"]) == OFFERED | {"file"}
    assert schema["required"] == ["file"]
    assert "JSON object" in schema["properties"]["glossary"]["description"]


def test_every_request_field_is_on_the_new_task_page():
    page = viewer.new_task_page([("de", "German")])
    names = set(re.findall(r"name='(\w+)'", page)) - {"file", "targets"}
    assert names | {"target_languages"} == OFFERED  # target_languages is sent from the `targets` list
    assert "name='review' value='true'" in page and "<option selected>faster-whisper</option>" in page


def test_form_values_become_the_request():
    body = form.to_request({"target_languages": "German, ja", "vocabulary": "Acme,Zork\nQuux", "review": True,
                            "text_items": '{"title": "T"}', "num_speakers": 2, "glossary": ""})
    req = MediaRequest.parse({**body, "media_uri": "s3://b/a.wav"})
    assert req.target_languages == ["de", "ja"] and req.vocabulary == ["Acme", "Zork", "Quux"]
    assert req.review and req.num_speakers == 2 and req.text_items == {"title": "T"} and req.glossary == {}
    # a form naming no language asks for the transcript only (a JSON body's default is zh, ja)
    assert MediaRequest.parse({**form.to_request({}), "media_uri": "s3://b/a.wav"}).target_languages == []
    with pytest.raises(BadInput, match="text_items: not JSON"):
        form.to_request({"text_items": "{title"})
