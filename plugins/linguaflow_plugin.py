"""Airflow plugin: mounts the linguaflow task API at /linguaflow in the API server."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from linguaflow.api.app import app
from linguaflow.priority import InteractiveFirst


class LinguaflowPlugin(AirflowPlugin):
    name = "linguaflow"
    fastapi_apps = [{"app": app, "url_prefix": "/linguaflow", "name": "linguaflow task API"}]
    priority_weight_strategies = [InteractiveFirst]  # interactive runs overtake bulk ones (linguaflow.priority)
    # the result viewer, in the UI's navigation and on every media DAG run
    external_views = [
        {"name": "Transcripts", "href": "/linguaflow/view", "destination": "nav", "category": "browse"},
        {"name": "New transcription", "href": "/linguaflow/new", "destination": "nav", "category": "browse"},
        {"name": "Transcript & translations", "href": "/linguaflow/view/{RUN_ID}", "destination": "dag_run"},
    ]
