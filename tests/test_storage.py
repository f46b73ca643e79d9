"""Object storage set-up a deployment runs once: the work root's bucket made if it is missing
(`python -m linguaflow.storage`, the compose file's init step), on the real S3-compatible server."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

from linguaflow import storage

from conftest import REPO


def test_the_work_roots_bucket_is_made_once(services, s3, monkeypatch):
    bucket = f"lf-init-{uuid.uuid4().hex[:10]}"
    root = f"s3://{bucket}/linguaflow"
    assert storage.ensure_bucket(root) is True
    assert bucket in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert storage.ensure_bucket(root) is False  # there already: nothing to do

    other = f"lf-init-{uuid.uuid4().hex[:10]}"  # as the deployment runs it, with its work root
    env = {**os.environ, "LINGUAFLOW_WORK_ROOT": f"s3://{other}"}
    r = subprocess.run([sys.executable, "-m", "linguaflow.storage"], cwd=REPO, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and f"s3://{other}: created" in r.stdout, r.stderr[-2000:]
    assert other in {b["Name"] for b in s3.list_buckets()["Buckets"]}


def test_a_local_work_root_needs_no_bucket(tmp_path):
    assert storage.ensure_bucket(f"file://{tmp_path}") is False
