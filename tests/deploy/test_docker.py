"""The images cannot be built here (no Docker engine): lint them, and check what they rely on."""

import os
import subprocess
import sys

from conftest import REPO

HADOLINT = os.path.join(os.path.dirname(sys.executable), "hadolint")


def test_dockerfiles_pass_hadolint():
    files = sorted(str(p) for p in (REPO / "docker").glob("*.Dockerfile"))
    assert len(files) == 2
    r = subprocess.run([HADOLINT, *files], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_worker_image_runs_the_transcribe_cli_as_non_root():
    text = (REPO / "docker" / "worker.Dockerfile").read_text()
    assert text.startswith("#") and "FROM nvidia/cuda:" in text and "cudnn-runtime" in text
    assert "USER 10001" in text and 'ENTRYPOINT ["linguaflow"]' in text
    assert "/models" in text and "COPY models" not in text  # models are mounted, not baked in


def test_the_pinned_airflow_matches_the_airflow_image():
    pins = (REPO / "requirements.txt").read_text()
    version = next(l.split("==")[1] for l in pins.splitlines() if l.startswith("apache-airflow=="))
    assert f"FROM apache/airflow:{version}-python3.11" in (REPO / "docker" / "airflow.Dockerfile").read_text()
