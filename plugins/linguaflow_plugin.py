"""Airflow plugin: mounts the linguaflow task API at /linguaflow in the API server, and holds
a review answer back until the review has settled (`linguaflow.orchestration.review.settling`)."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from linguaflow.api.app import app
from linguaflow.orchestration.priority import InteractiveFirst
from linguaflow.orchestration.review.settling import SettleBeforeResume
from linguaflow.orchestration.workarounds import check_airflow_version

check_airflow_version()  # says so once when this is not the Airflow the workarounds were checked against


class LinguaflowPlugin(AirflowPlugin):
    name = "linguaflow"
    fastapi_apps = [{"app": app, "url_prefix": "/linguaflow", "name": "linguaflow task API"}]
    # an answer given within seconds of a review opening waits until Airflow 3.3.2 can take it safely
    fastapi_root_middlewares = [{"middleware": SettleBeforeResume, "name": "linguaflow review settling"}]
    priority_weight_strategies = [InteractiveFirst]  # interactive runs overtake bulk ones (linguaflow.orchestration.priority)
    # the result viewer, in the UI's navigation and on every media DAG run
    external_views = [
        {"name": "Transcripts", "href": "/linguaflow/view", "destination": "nav", "category": "browse"},
        {"name": "New transcription", "href": "/linguaflow/new", "destination": "nav", "category": "browse"},
        {"name": "Transcript & translations", "href": "/linguaflow/view/{RUN_ID}", "destination": "dag_run"},
    ]
