"""schemathesis fuzzes the task API from its own OpenAPI document: whatever a caller sends, the
answer is never a 5xx. Runs in-process (ASGI) against the real metadata DB, store and storage."""

import schemathesis
from hypothesis import HealthCheck, settings

schema = schemathesis.pytest.from_fixture("task_api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_input_makes_the_task_api_answer_5xx(case, api, bucket):
    _, admin, _ = api
    response = case.call(headers=admin)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:500]}"
