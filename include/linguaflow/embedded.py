"""The embedded default: Airflow on SQLite, file:// storage and an in-process MongoDB-compatible
store (SecantusDB), all under one project-local folder. No servers to start, no network.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import settings

REPO = Path(__file__).resolve().parents[2]


def home() -> Path:
    return Path(os.environ.get("LINGUAFLOW_HOME") or REPO / ".linguaflow").resolve()


def configure_env() -> None:
    """Point Airflow and linguaflow at project-local state unless the caller already did.

    Must run before `airflow` is imported: Airflow reads its settings at import time.
    """
    h = home()
    os.environ["LINGUAFLOW_HOME"] = str(h)
    os.environ.setdefault("AIRFLOW_HOME", str(h / "airflow"))
    os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(REPO / "dags"))
    os.environ.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(REPO / "plugins"))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{h / 'airflow' / 'airflow.db'}")
    os.environ.setdefault("LINGUAFLOW_WORK_ROOT", "file://" + str(h / "storage"))
    # one user's own machine, no API in front: the run may read any of that user's local files
    os.environ.setdefault("LINGUAFLOW_LOCAL_MEDIA_ROOTS", "/")
    (h / "airflow").mkdir(parents=True, exist_ok=True)
    settings.reload()


def dags_folder() -> Path:
    """The DAG folder Airflow is configured with (this repo's `dags/` unless told otherwise)."""
    return Path(os.environ.get("AIRFLOW__CORE__DAGS_FOLDER") or REPO / "dags")


def migrate_db() -> None:
    """Create or upgrade the Airflow metadata schema (idempotent)."""
    from airflow import settings
    from airflow.utils import db

    settings.configure_orm()
    db.initdb()


class EmbeddedMongo:
    """A SecantusDB server on a free loopback port inside this process, data kept under `home()`."""

    def __init__(self, path: Path | None = None):
        from secantus import SecantusDBServer

        self.server = SecantusDBServer(host="127.0.0.1", port=0, storage_path=str(path or home() / "db"))

    def __enter__(self) -> str:
        self.server.start()
        uri = f"mongodb://127.0.0.1:{self.server.port}/?directConnection=true&retryWrites=false"
        os.environ["LINGUAFLOW_MONGO_URI"] = uri
        settings.reload()
        return uri

    def __exit__(self, *exc) -> None:
        self.server.stop()
