"""Any OpenAI-compatible transcription endpoint as an ASR engine: `linguaflow serve`, Speaches,
vLLM, a hosted API.

The endpoint is the operator's, from the Airflow connection `LINGUAFLOW_ASR_SERVICE_CONN_ID`
(host = base URL ending in /v1, password = API key), never from a request; the request's model
names a model that endpoint serves. The whole file is sent once (`verbose_json`, segment times),
and the answer becomes the same `Transcript` the local engines give. Failures follow the retry
table: refused, 429 and 5xx are ServiceUnavailable, a timeout NetworkTimeout, and a 4xx (media the
service cannot decode, an unknown model, a wrong key) BadInput.
"""

from __future__ import annotations

import os

import httpx

from ..errors import BadInput
from ..httpcall import openai_endpoint, send
from ..languages import language as normalize_language
from ..settings import settings
from .types import AsrOptions, Segment, Transcript

ENGINE = "remote"


def transcribe(path: str, opts: AsrOptions, duration: float | None = None) -> Transcript:
    url, key = openai_endpoint(settings().asr_service_conn_id)
    route = "/audio/translations" if opts.task == "translate" else "/audio/transcriptions"
    data: dict = {"model": opts.model, "response_format": "verbose_json", "temperature": "0"}
    if opts.task != "translate":
        data["timestamp_granularities[]"] = ["segment", "word"] if opts.word_timestamps or opts.diarize else ["segment"]
        if opts.language:
            data["language"] = opts.language
    if opts.initial_prompt:
        data["prompt"] = opts.initial_prompt
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    timeout = max(120.0, 4.0 * (duration or 0.0))  # a busy service may queue the file before it starts
    with httpx.Client(base_url=url, headers=headers, timeout=timeout) as http, open(path, "rb") as f:
        r = send(http.post, route, what=url, files={"file": (os.path.basename(path), f)}, data=data)
    if r.status_code >= 400:
        raise BadInput(f"{url}{route} refused the file: {r.status_code} {_message(r)}")
    return _transcript(r.json(), opts, duration)


def _message(r: httpx.Response) -> str:
    try:
        return str(r.json()["error"]["message"])[:300]
    except (ValueError, KeyError, TypeError):
        return r.text[:300]


def _transcript(body: dict, opts: AsrOptions, duration: float | None) -> Transcript:
    try:
        spoken = normalize_language(body.get("language") or "en")  # "english" or "en"
    except BadInput:
        spoken = opts.language or "en"
    words = body.get("words") or []
    segments = []
    for n, s in enumerate(body.get("segments") or []):
        inside = [{"start": w["start"], "end": w["end"], "word": w["word"], "probability": 1.0}
                  for w in words if s["start"] <= w["start"] < s["end"]] if words else None
        segments.append(Segment(
            id=str(n), start=round(float(s["start"]), 3), end=round(float(s["end"]), 3), text=str(s["text"]).strip(),
            avg_logprob=round(float(s.get("avg_logprob", 0.0)), 4), no_speech_prob=round(float(s.get("no_speech_prob", 0.0)), 4),
            compression_ratio=round(float(s.get("compression_ratio", 0.0)), 4), words=inside))
    if not segments and str(body.get("text", "")).strip():  # a service that gives text only
        segments.append(Segment(id="0", start=0.0, end=float(body.get("duration") or duration or 0.0), text=body["text"].strip()))
    return Transcript(language=spoken, language_probability=1.0, duration=float(body.get("duration") or duration or 0.0),
                      engine=ENGINE, model=opts.model, compute_type="remote", segments=segments)
