"""The review answered as a reviewer does it: over Airflow's own REST API (the call the UI's
Required actions page makes), against the running Airflow of the test stack."""

import json
import subprocess
import uuid

import httpx
import pytest

from conftest import REPO, SAMPLE
from stack import wait_for

pytestmark = pytest.mark.e2e
HITL = "/api/v2/dags/linguaflow_media/dagRuns/{run}/taskInstances/review/-1/hitlDetails"


def test_a_review_is_answered_over_the_airflow_rest_api(stack, s3, bucket, screenshots):
    key = f"inbox/{uuid.uuid4().hex}.wav"
    s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE.read_bytes())
    client = stack.client()
    r = client.post("/linguaflow/tasks", json={"media_uri": f"s3://{bucket}/{key}", "target_languages": ["it"], "review": True,
                                               "text_items": {"title": "A sentence about the superlative degree"}})
    assert r.status_code == 201, r.text
    tid = r.json()["task_id"]

    def opened():
        # answer once the task is parked: Airflow 3.3.2 writes the request just before it parks the
        # task, and a response landing in between is recorded but never delivered (the task is
        # retried and asks again), so a client waits for the state, as the UI's list of actions does
        ti = client.get(f"/api/v2/dags/linguaflow_media/dagRuns/{tid}/taskInstances/review")
        if ti.status_code != 200 or ti.json()["state"] != "awaiting_input":
            return None
        got = client.get(HITL.format(run=tid))
        return got.json() if got.status_code == 200 else None

    detail = wait_for("the review to open", opened, timeout_s=240, every=1.0)
    assert detail["response_received"] is False and detail["options"] == ["Publish"]
    edits = detail["params"]["edits"]["value"]
    assert set(edits) == {"it/A/0", "it/T/title"} and "`it/A/0`" in detail["body"]
    assert client.get(f"/linguaflow/tasks/{tid}").json()["state"] == "awaiting_review"
    # the form a reviewer answers in the Airflow UI (Required Actions), in Chromium
    r = subprocess.run(["node", "review.mjs", stack.url, stack.token, tid, str(screenshots / "review-form.png")],
                       cwd=REPO / "tests" / "browser", capture_output=True, text=True, timeout=180)
    page = json.loads(r.stdout.strip().splitlines()[-1])
    assert r.returncode == 0 and "error" not in page and page["publish"] >= 1, (page, r.stderr[-2000:])
    assert "it/A/0" in page["text"], page["text"]  # the flagged items listed in the form's body

    # an answer without credentials is refused at once, not held while the review settles
    with httpx.Client(base_url=stack.url, timeout=60) as anonymous:
        r = anonymous.patch(HITL.format(run=tid), json={"chosen_options": ["Publish"], "params_input": {"edits": edits}})
    assert r.status_code == 401 and r.elapsed.total_seconds() < 3, (r.status_code, r.elapsed)
    # a viewer may look but not answer; a bad option is refused before the task hears of it
    viewer = {"Authorization": f"Bearer {stack.login('viewer', 'viewer-pw')}"}
    assert client.patch(HITL.format(run=tid), headers=viewer,
                        json={"chosen_options": ["Publish"], "params_input": {"edits": edits}}).status_code == 403
    assert client.patch(HITL.format(run=tid), json={"chosen_options": ["Drop"], "params_input": {"edits": edits}}).status_code == 400
    answer = {**edits, "it/T/title": "Una frase sul grado superlativo"}
    r = client.patch(HITL.format(run=tid), json={"chosen_options": ["Publish"], "params_input": {"edits": answer}})
    assert r.status_code == 200, r.text

    def finished():
        task = client.get(f"/linguaflow/tasks/{tid}").json()
        return task if task["state"] not in ("queued", "running", "awaiting_review") else None

    task = wait_for("the task to end", finished, timeout_s=240, every=1.0)
    assert task["state"] == "done_with_flags", task
    result = client.get(f"/linguaflow/tasks/{tid}/result", params={"format": "json"}).json()
    it = result["languages"]["it"]
    assert it["text"]["title"] == "Una frase sul grado superlativo" and it["flags"] == {"0": ["untranslated"]}
    [edit] = result["reviews"]
    assert (edit["lang"], edit["kind"], edit["id"], edit["before"], edit["by"]) == ("it", "T", "title", "A sentence about the superlative degree", "admin")
    # answered within seconds of opening, the answer was held until the parked try had settled
    # (linguaflow.orchestration.review.settling), so Airflow 3.3.2 resumed the try that asked: no retry asked again
    assert client.get(f"/api/v2/dags/linguaflow_media/dagRuns/{tid}/taskInstances/review").json()["try_number"] == 1
