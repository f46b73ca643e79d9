"""Test settings. Airflow reads its configuration at import time, so everything is set here,
before any test module imports airflow.

Tests that need real services (PostgreSQL, Redis, S3, MongoDB-compatible) read their addresses
from .linguaflow/services.env, written by `scripts/services.sh up` (which `make test` runs).
"""

from __future__ import annotations

import json
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
RUN = uuid.uuid4().hex[:8]  # this process's own Mongo database, bucket and stack databases
# `make test` runs two pytest-xdist workers: each has its own home and Airflow metadata database
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
HOME = REPO / ".linguaflow" / (f"test-{WORKER}" if WORKER else "test")

os.environ["LINGUAFLOW_HOME"] = str(HOME)
os.environ["AIRFLOW_HOME"] = str(HOME / "airflow")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(REPO / "plugins")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
# the API server the `api` fixture serves checks tokens from its first start (a fresh home has no
# secret yet; Airflow writes one into airflow.cfg only later)
os.environ["AIRFLOW__API_AUTH__JWT_SECRET"] = "linguaflow-tests-" + "0123456789abcdef" * 4
# the tests translate with the bundled 0.5B (3x fewer weights than the default 1.5B: the suite's
# time); the default route itself is run by tests/translation/test_translation.py
os.environ["LINGUAFLOW_ROUTES_FILE"] = str(REPO / "tests" / "data" / "routes-small-model.json")
# the input policy stays on; the tests' own callback receivers on loopback are allowed by name
os.environ["LINGUAFLOW_ALLOW_HTTP_CALLBACKS"] = "true"
os.environ["LINGUAFLOW_CALLBACK_ALLOW_HOSTS"] = "127.0.0.1,localhost"
if SERVICES:
    if WORKER:
        SERVICES["LF_PG_URL"] = f"{SERVICES['LF_PG_URL']}_{WORKER}"
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

# linguaflow reads its settings once per process; a test that changes a LINGUAFLOW_* variable
# gets them read again, and every test starts from the environment as it is.
from linguaflow import settings as _settings  # noqa: E402

_setenv, _delenv = pytest.MonkeyPatch.setenv, pytest.MonkeyPatch.delenv


def _setenv_and_reload(self, name, value, prepend=None):
    _setenv(self, name, value, prepend)
    _settings.reload()


def _delenv_and_reload(self, name, raising=True):
    _delenv(self, name, raising)
    _settings.reload()


pytest.MonkeyPatch.setenv, pytest.MonkeyPatch.delenv = _setenv_and_reload, _delenv_and_reload


@pytest.fixture(autouse=True)
def _fresh_settings():
    _settings.reload()
    yield
    _settings.reload()  # after monkeypatch has put the environment back


# Tests that share a running Airflow stack (session-scoped) run on one worker, and start first:
# they wait on the scheduler more than they compute, so the other worker's tests fill the cores.
SHARED_STACK = "stack"


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:  # xdist's loadgroup: a module runs on one worker (its module fixtures once)
        group = SHARED_STACK if SHARED_STACK in item.fixturenames else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=lambda item: SHARED_STACK not in item.fixturenames)  # stable: the order within stays
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


def _create_database(url: str) -> None:
    """A worker's own metadata database, created the first time (migrated like the shared one)."""
    import psycopg2
    from sqlalchemy.engine import make_url

    u = make_url(url)
    conn = psycopg2.connect(host=u.host, port=u.port, user=u.username, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (u.database,))
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{u.database}"')
    conn.close()


@pytest.fixture(scope="session")
def airflow_db(services):
    """The Airflow metadata schema on PostgreSQL (migrated once per session)."""
    from linguaflow.orchestration import embedded

    if WORKER:
        _create_database(SERVICES["LF_PG_URL"])
    embedded.migrate_db()
    from airflow import settings

    assert settings.engine.url.get_backend_name() == "postgresql"
    return settings


@pytest.fixture(scope="session")
def api(airflow_db):
    """Airflow's own API server app, with the task API plugin, served on loopback from this process
    (its handlers call Airflow's REST API on the same server): (client, admin headers, viewer headers)."""
    import subprocess
    import sys
    import threading
    import time

    import httpx
    import uvicorn

    from airflow.api_fastapi.app import create_app, get_auth_manager
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    # the DAGs must be in the metadata DB, as the dag-processor leaves them
    airflow = os.path.join(os.path.dirname(sys.executable), "airflow")
    subprocess.run([airflow, "dags", "reserialize"], check=True, capture_output=True, env=os.environ, timeout=300)
    app = create_app()
    for _ in range(3):  # a free port may be taken between the look and the bind: another one then
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
        thread = threading.Thread(target=server.run, name="api-server", daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        if server.started:
            break
        server.should_exit = True
    else:
        raise RuntimeError("the API server did not start (its error is logged above)")
    client = httpx.Client(base_url=f"http://127.0.0.1:{server.config.port}", timeout=120)
    token = get_auth_manager().generate_jwt(SimpleAuthManagerUser(username="admin", role="ADMIN"))
    viewer = get_auth_manager().generate_jwt(SimpleAuthManagerUser(username="viewer", role="VIEWER"))
    yield client, {"Authorization": f"Bearer {token}"}, {"Authorization": f"Bearer {viewer}"}
    client.close()
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="session")
def task_api_schema(api):
    """The task API's OpenAPI document, loaded by schemathesis from the running server."""
    import schemathesis

    client = api[0]
    return schemathesis.openapi.from_url(f"{client.base_url}/linguaflow/openapi.json", headers=api[1])


@pytest.fixture
def store(services):
    from linguaflow.results.store import ResultStore

    s = ResultStore()
    yield s
    s.client.close()


from stack import free_port  # noqa: E402,F401 - tests import it from here


@pytest.fixture(scope="session")
def screenshots():
    """Where the browser tests save their screenshots: .linguaflow/screenshots, or the docs site's
    images with DOCS_SCREENSHOTS=1 (how the pictures in docs/img/ are refreshed)."""
    folder = REPO / "docs" / "img" if os.environ.get("DOCS_SCREENSHOTS") else REPO / ".linguaflow" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def llama_server():
    """llama.cpp's OpenAI-compatible server (llama-cpp-python[server]) with the bundled GGUF, on loopback."""
    import subprocess
    import sys
    import time

    import httpx

    from linguaflow.weights import resolve_gguf

    port = free_port()
    log = open(HOME / "llama-server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(resolve_gguf("qwen2.5-0.5b-instruct-q4")),
         "--model_alias", "qwen2.5-0.5b", "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(600):  # poll until it answers
            if proc.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited {proc.returncode}; see {log.name}")
            try:
                if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("llama.cpp server did not answer in 120 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def marian(tmp_path_factory):
    """A tiny real MarianMT model on disk, and the same model converted to CTranslate2."""
    from mtgen import build_marian, convert_ct2

    root = tmp_path_factory.mktemp("marian")
    model = build_marian(root / "hf")
    return {"transformers": model, "ctranslate2": convert_ct2(model, root / "ct2")}


def s3_events_queue(services: dict, bucket: str, prefix: str) -> str:
    """An SQS queue of its own on the test S3 server that the bucket notifies (real S3 event
    notifications) of every object created under `prefix`; its URL. A bucket holds one
    notification configuration: give each caller its own bucket."""
    import boto3

    kw = dict(endpoint_url=services["LF_S3_ENDPOINT"], aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    sqs = boto3.client("sqs", **kw)
    url = sqs.create_queue(QueueName=f"linguaflow-events-{bucket}-{prefix.strip('/')}"[:80])["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("s3", **kw).put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
        {"QueueArn": arn, "Events": ["s3:ObjectCreated:*"], "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}}}]})
    return url


@pytest.fixture(scope="session")
def stack(services, s3, bucket, tmp_path_factory):
    """A running Airflow (api-server, scheduler, dag-processor) on loopback; see tests/stack.py."""
    import sys

    from stack import Server, Stack

    inbox_dir = tmp_path_factory.mktemp("stack-inbox")
    mongo_port = free_port()
    mongo = Server([str(Path(sys.executable).parent / "secantusd-py"), "--host", "127.0.0.1", "--port", str(mongo_port),
                    "--storage-path", str(tmp_path_factory.mktemp("stack-mongo"))], mongo_port, REPO / ".linguaflow" / "stack-mongo.log")
    mongo.start()
    from llm_echo import echo_llm

    llm_requests: list[bytes] = []
    echo = echo_llm(llm_requests)  # Italian goes to a backend that copies the English: flagged items for the review tests
    mt_port = free_port()  # French goes to the warm translation service, which a drill stops and starts
    mt = Server([str(Path(sys.executable).parent / "linguaflow"), "serve-mt", "--port", str(mt_port),
                 "--model", "qwen2.5-0.5b-instruct-q4", "--slots", "4"], mt_port, REPO / ".linguaflow" / "stack-mt.log")
    mt.start()
    inbox_queue = s3_events_queue(services, bucket, "events/")
    port = free_port()
    st = Stack(REPO, services, port, {
        "LINGUAFLOW_ROUTES": json.dumps({"it": {"backend": "openai", "model": "echo", "options": {"base_url": echo.url("/v1")}},
                                         "fr": {"backend": "openai", "model": "qwen2.5-0.5b-instruct-q4",
                                                "options": {"base_url": f"http://127.0.0.1:{mt_port}/v1", "parallel": 4}}}),
        "LINGUAFLOW_INBOX": f"file://{inbox_dir}",
        "LINGUAFLOW_INBOX_SCHEDULE": "0 0 * * *",  # daily intervals: a two-day backfill is two runs
        "LINGUAFLOW_INBOX_TARGETS": "de",
        "LINGUAFLOW_INBOX_QUEUE": inbox_queue,  # the bucket's S3 event notifications for events/
        # the stack's own store, so a drill can stop and start it
        "LINGUAFLOW_MONGO_URI": f"mongodb://127.0.0.1:{mongo_port}/?directConnection=true&retryWrites=false",
        "LINGUAFLOW_MONGO_DB": os.environ["LINGUAFLOW_MONGO_DB"],
        # crash recovery as documented: a lost worker is noticed in 40 s, retried 30 s later
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "40",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
        # drills: the retry table's delays scaled down (5 min -> 6 s); the unclassified 30 s stays real
        "LINGUAFLOW_RETRY_DELAY_SCALE": "0.02",
        # the retention DAG deletes through the task API, as an operator would configure it
        "LINGUAFLOW_API": f"http://127.0.0.1:{port}", "LINGUAFLOW_USER": "admin", "LINGUAFLOW_PASSWORD": "admin-pw",
        "LINGUAFLOW_RETENTION": '{"failed": 7, "*": 365}',
        "LINGUAFLOW_DELETE_GRACE_S": "15",
    }, db=f"linguaflow_stack_{RUN}")
    st.inbox_dir = inbox_dir
    st.mongo = mongo
    st.mt = mt  # the warm translation service French is routed to
    st.llm_requests = llm_requests  # every request body the Italian route received
    st.start()
    yield st
    st.stop()
    mongo.stop()
    mt.stop()
    echo.close()


def stored_transcript(task_id: str, segments: list[dict], duration: float, language: str = "en") -> str:
    """A transcript stored for a task as its step would leave it (segments: id, start, end, text,
    optionally language); its URI, for a translate step to read."""
    from linguaflow.artefacts import StoredTranscript, transcript_uri
    from linguaflow.speech.types import Transcript

    transcript = Transcript.from_dict({"language": language, "language_probability": 1.0, "duration": duration,
                                       "engine": "test", "model": "none", "compute_type": "none", "segments": segments})
    return StoredTranscript(transcript).write(transcript_uri(task_id))
