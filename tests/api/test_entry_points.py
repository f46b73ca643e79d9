"""One request model behind every entry point: the task API, the DAG's Params plus `probe` (a run
triggered straight through Airflow's REST API), the inbox and the CLI accept exactly the same
request fields with the same validation, and normalise them the same way."""

import pytest

from linguaflow.orchestration import inbox
from linguaflow.errors import BadInput
from linguaflow.request import ENGINES, MediaRequest

URI = "s3://media/talk.wav"
ALL = ["zh", "ja", "de", "fr", "es", "ko", "ru", "pt", "it", "ar", "hi", "nl", "tr", "pl", "sv", "id", "vi", "th", "uk", "cs", "ro"]

# (request fields besides the media, normalised target languages or None when refused)
CASES = [
    ({"target_languages": ["de", "de"]}, ["de"]),
    ({"target_languages": ["German", "ZH", "deutsch", "日本語"]}, ["de", "zh", "ja"]),
    ({"target_languages": ["pt-BR"]}, ["pt"]),
    ({"target_languages": ["xx"]}, None),
    ({"target_languages": "de, ja"}, None),  # a list, not a comma string (forms and flags split first)
    ({"target_languages": ALL}, None),  # 21 languages: over the cap of 20
    ({"target_languages": ALL[:20]}, ALL[:20]),
    ({"target_languages": ["de"], "asr_engine": "whisper.cpp"}, None),
    ({"target_languages": ["de"], "asr_engine": "openai-whisper", "asr_model": "tiny.en"}, ["de"]),
    ({"target_languages": ["de"], "source_language": "English"}, ["de"]),
    ({"target_languages": ["de"], "source_language": "klingon"}, None),
    ({"target_languages": ["de"], "text_items": {"title": 5}}, None),
    ({"target_languages": ["de"], "text_items": {"title": "A talk"}}, ["de"]),
    ({"target_languages": ["de"], "text_items": {"big": "x" * 300_000}}, None),
    ({"target_languages": ["de"], "callback_url": "https://93.184.216.34/hook"}, ["de"]),
    ({"target_languages": ["de"], "target_language": ["ja"]}, None),  # a typo is refused, never ignored
]
IDS = [f"case{i}" for i in range(len(CASES))]


def _api(api, fields):
    client, admin, _ = api
    r = client.post("/linguaflow/tasks", headers=admin, json={"media_uri": URI, **fields})
    assert r.status_code in (201, 400, 422), r.text  # never a 5xx
    if r.status_code != 201:
        return None
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        conf = session.query(DagRun).filter_by(dag_id="linguaflow_media", run_id=r.json()["task_id"]).one().conf
    return conf["target_languages"]


def _dag(dag, fields):
    """What a hand-written conf meets: Airflow's Param validation at trigger (as create_dagrun does
    it), then probe's parse of the run's params."""
    from airflow.exceptions import ParamValidationError

    try:
        params = dag.params.deep_merge({"media_uri": URI, **fields})
        params.validate()
        return MediaRequest.parse(dict(params)).target_languages
    except (ParamValidationError, BadInput):
        return None


def _inbox(fields):
    try:
        return inbox.request_for(URI, "etag", sidecar=fields)["conf"]["target_languages"]
    except BadInput:
        return None


@pytest.fixture(scope="module")
def media_dag(api):
    """The media DAG as the scheduler and the REST API hold it (serialized by the dag-processor)."""
    from airflow.models.serialized_dag import SerializedDagModel

    return SerializedDagModel.get_dag("linguaflow_media")


@pytest.mark.parametrize("fields,expected", CASES, ids=IDS)
def test_every_entry_point_gives_the_same_verdict(api, media_dag, fields, expected):
    assert _api(api, fields) == expected
    assert _dag(media_dag, fields) == expected
    assert _inbox(fields) == expected


def test_params_are_the_request_model_fields(media_dag):
    assert set(media_dag.params.keys()) == set(MediaRequest.model_fields)
    schema = media_dag.params.get_param("asr_engine").schema
    assert schema["enum"] == list(ENGINES) == ["faster-whisper", "openai-whisper", "remote"]
    assert "de" in media_dag.params.get_param("target_languages").schema["examples"]  # the form's choices


def test_upload_form_and_cli_reach_every_field(api, s3, bucket):
    """The upload form takes every request field (text items as JSON); the CLI builds the same request."""
    import json

    from conftest import SAMPLE

    client, admin, _ = api
    r = client.post("/linguaflow/tasks/upload", headers=admin, files={"file": ("a.wav", SAMPLE.read_bytes())},
                    data={"target_languages": "German, ja", "source_language": "en", "asr_engine": "openai-whisper",
                          "asr_model": "tiny.en", "text_items": json.dumps({"title": "T"}), "callback_url": "https://93.184.216.34/h"})
    assert r.status_code == 201, r.text
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        conf = session.query(DagRun).filter_by(dag_id="linguaflow_media", run_id=r.json()["task_id"]).one().conf
    assert conf["target_languages"] == ["de", "ja"] and conf["asr_engine"] == "openai-whisper" and conf["text_items"] == {"title": "T"}
    assert set(conf) == set(MediaRequest.model_fields)
    bad = client.post("/linguaflow/tasks/upload", headers=admin, files={"file": ("a.wav", b"x")}, data={"target_languages": "xx"})
    assert bad.status_code == 400 and "unsupported language 'xx'" in bad.json()["detail"]
