"""Typed settings: one home for every LINGUAFLOW_* variable, read once, documented on the docs' settings page."""

import subprocess

import pytest
from pydantic import ValidationError

from linguaflow import settings as settings_module
from linguaflow.settings import Settings, markdown_table, settings

from conftest import REPO


def test_every_variable_is_read_in_settings_only():
    """The layout rule: the environment is read in settings.py (and embedded.py, which configures Airflow)."""
    r = subprocess.run(["grep", "-rnE", r"os\.environ|os\.getenv", "include/linguaflow", "dags", "plugins"],
                       cwd=REPO, capture_output=True, text=True)
    hits = {line.split(":", 1)[0] for line in r.stdout.splitlines()}
    assert hits <= {"include/linguaflow/settings.py", "include/linguaflow/orchestration/embedded.py"}, r.stdout


def test_the_docs_settings_page_holds_the_generated_table():
    page = (REPO / "docs" / "reference" / "settings.md").read_text()
    assert markdown_table().strip() in page, "regenerate: .venv/bin/python scripts/docs_reference.py"


def test_every_setting_has_a_description_and_a_type():
    for name, field in Settings.model_fields.items():
        assert field.description and field.annotation is not None, name


def test_read_once_per_process_until_reloaded(monkeypatch):
    first = settings()
    assert settings() is first
    import os

    os.environ["LINGUAFLOW_MONGO_DB"], old = "changed_db", os.environ.get("LINGUAFLOW_MONGO_DB")
    try:
        assert settings().mongo_db == first.mongo_db  # not re-read behind the process's back
        assert settings_module.reload().mongo_db == "changed_db"
    finally:
        if old is None:
            del os.environ["LINGUAFLOW_MONGO_DB"]
        else:
            os.environ["LINGUAFLOW_MONGO_DB"] = old


def test_values_are_typed_and_checked(monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_ROUTES", '{"de": {"backend": "llamacpp", "model": "m"}}')
    monkeypatch.setenv("LINGUAFLOW_MAX_TARGET_LANGUAGES", "3")
    cfg = settings()
    assert cfg.routes == {"de": {"backend": "llamacpp", "model": "m"}} and cfg.max_target_languages == 3
    with pytest.raises(ValidationError):
        Settings(runner="docker")
    with pytest.raises(ValidationError):
        Settings(max_target_languages=0)
