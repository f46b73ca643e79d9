"""When `linguaflow run` may answer from the store without running anything: the same request,
every language done, and each language made by the route the routing table gives it now."""

from __future__ import annotations

import json

from linguaflow.cli.local_run import already_done
from linguaflow.languages import CODE_MAP_VERSION
from linguaflow.request import MediaRequest
from linguaflow.pipeline import request_digest
from linguaflow.results.document import compact, now_iso


def _stored(request: MediaRequest, model: str) -> dict:
    doc = {"task_id": "t1", "code_map_version": CODE_MAP_VERSION, "status": "done", "source_language": "en",
           "media": {"uri": request.media_uri, "duration": 4.0}, "segments": [{"id": "0", "start": 0.0, "end": 4.0}],
           "models": {"asr": "faster-whisper/base/int8"},
           "languages": {"en": {"status": "done", "model": "faster-whisper/base/int8", "audio": {"0": "hello"}, "text": {}},
                         "de": {"status": "done", "model": model, "audio": {"0": "hallo"}, "text": {}}},
           "created": now_iso(), "updated": now_iso()}
    return {**compact(doc), "_rq": request_digest(request)}


def test_a_language_made_by_another_route_than_the_table_gives_now_is_run_again(monkeypatch):
    request = MediaRequest(media_uri="file:///tmp/a.wav", target_languages=["de"], task_id="t1")
    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({"*": {"backend": "llamacpp", "model": "qwen2.5-0.5b-instruct-q4"}}))
    stored = _stored(request, "llamacpp/qwen2.5-0.5b-instruct-q4")
    assert already_done(stored, request)

    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({"de": {"backend": "openai", "model": "mine",
                                                               "options": {"base_url": "http://127.0.0.1:9/v1"}}}))
    assert not already_done(stored, request)  # German now goes to the endpoint: translate again


def test_a_translation_made_by_the_routes_fallback_still_counts(monkeypatch):
    request = MediaRequest(media_uri="file:///tmp/a.wav", target_languages=["de"], task_id="t1")
    monkeypatch.setenv("LINGUAFLOW_ROUTES", json.dumps({"de": {
        "backend": "openai", "model": "mine", "options": {"base_url": "http://127.0.0.1:9/v1"},
        "fallback": {"backend": "llamacpp", "model": "qwen2.5-0.5b-instruct-q4"}}}))
    assert already_done(_stored(request, "llamacpp/qwen2.5-0.5b-instruct-q4"), request)
    assert not already_done(_stored(request, "llamacpp/some-other-model"), request)
