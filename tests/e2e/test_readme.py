"""The README's API, CLI and backfill examples, run as written against a running Airflow."""

import os
import re
import subprocess
import uuid

import pytest

from conftest import REPO, SAMPLE

pytestmark = pytest.mark.e2e


def readme_blocks() -> list[str]:
    text = (REPO / "README.md").read_text()
    section = text.split("## The REST API, the task API and the CLI", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, re.S)


def test_readme_examples_run(stack, s3, bucket):
    blocks = readme_blocks()
    assert len(blocks) == 4
    key = f"inbox/{uuid.uuid4().hex}.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    env = {**stack.env, "AIRFLOW": stack.url, "MEDIA": f"s3://{bucket}/{key}", "STACK_HOME": str(stack.home),
           "PATH": os.environ["PATH"]}
    script = "set -euo pipefail\n" + "\n".join(blocks)  # one shell: TOKEN and ID carry over like a session
    r = subprocess.run(["bash", "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, (r.stdout[-3000:], r.stderr[-3000:])
    assert '"state":"cancelled"' in r.stdout.replace(" ", "")
