"""Test settings. Airflow reads its configuration at import time, so everything is set here,
before any test module imports airflow.

Tests that need real services (PostgreSQL, Redis, S3, MongoDB-compatible) read their addresses
from .linguaflow/services.env, written by `scripts/services.sh up` (which `make test` runs).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "include" / "linguaflow" / "samples" / "arctic_a0007.wav"
SAMPLE_TEXT = "and you always want to see it in the superlative degree"


def _services() -> dict:
    env_file = REPO / ".linguaflow" / "services.env"
    if not env_file.exists():
        return {}
    pairs = (line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    return {k: v for k, v in pairs}


SERVICES = _services()
RUN = uuid.uuid4().hex[:8]

os.environ["LINGUAFLOW_HOME"] = str(REPO / ".linguaflow" / "test")
os.environ["AIRFLOW_HOME"] = str(REPO / ".linguaflow" / "test" / "airflow")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(REPO / "plugins")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
if SERVICES:
    os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = SERVICES["LF_PG_URL"]
    os.environ["LINGUAFLOW_MONGO_URI"] = SERVICES["LF_MONGO_URI"]
    os.environ["LINGUAFLOW_MONGO_DB"] = f"linguaflow_test_{RUN}"
    os.environ["LINGUAFLOW_REDIS_URL"] = SERVICES["LF_REDIS_URL"]
    os.environ["LINGUAFLOW_STORAGE_CONN_ID"] = "linguaflow_s3"
    os.environ["AIRFLOW_CONN_LINGUAFLOW_S3"] = (
        '{"conn_type": "aws", "login": "test", "password": "test", '
        f'"extra": {{"endpoint_url": "{SERVICES["LF_S3_ENDPOINT"]}", "region_name": "us-east-1"}}}}'
    )
    os.environ["LINGUAFLOW_WORK_ROOT"] = f"s3://linguaflow-test-{RUN}"
Path(os.environ["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)


def pytest_collection_modifyitems(config, items):
    if SERVICES:
        return
    skip = pytest.mark.skip(reason="services not up: run `scripts/services.sh up` (make test does)")
    for item in items:
        if "services" in item.fixturenames or item.get_closest_marker("e2e"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def services() -> dict:
    return SERVICES


@pytest.fixture(scope="session")
def s3(services):
    """boto3 client on the S3-compatible server, with this run's bucket created."""
    import boto3

    client = boto3.client(
        "s3", endpoint_url=services["LF_S3_ENDPOINT"], aws_access_key_id="test",
        aws_secret_access_key="test", region_name="us-east-1",
    )
    client.create_bucket(Bucket=f"linguaflow-test-{RUN}")
    return client


@pytest.fixture(scope="session")
def bucket(s3) -> str:
    return f"linguaflow-test-{RUN}"


@pytest.fixture(scope="session")
def airflow_db(services):
    """The Airflow metadata schema on PostgreSQL (migrated once per session)."""
    from linguaflow import embedded

    embedded.migrate_db()
    from airflow import settings

    assert settings.engine.url.get_backend_name() == "postgresql"
    return settings


@pytest.fixture
def store(services):
    from linguaflow.store import ResultStore

    s = ResultStore()
    yield s
    s.client.close()
