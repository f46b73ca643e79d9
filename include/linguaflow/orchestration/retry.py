"""The retry table on Airflow 3's own retry machinery (task `retry_policy`); its classes are `errors.py`'s.

Tasks are declared with `retries=MAX_RETRIES`; the policy then cuts each failure class down
to its own count and delay. Unknown errors, and a task whose process died (the policy cannot run
then), get Airflow's default: another try after LINGUAFLOW_UNCLASSIFIED_RETRY_DELAY_S, so a killed
task or worker is retried within ~90 s (with `[scheduler] task_instance_heartbeat_timeout` = 40).
LINGUAFLOW_RETRY_DELAY_SCALE scales the table's delays for drills; production leaves it at 1.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import RetryDecision, RetryPolicy

from ..errors import BadInput, NetworkTimeout, ResourceExhausted, ServiceUnavailable, classify
from ..settings import settings

# failure class -> (retries, delay between tries)
RETRY_TABLE: dict[type[Exception], tuple[int, timedelta]] = {
    NetworkTimeout: (1, timedelta(seconds=30)),
    ServiceUnavailable: (2, timedelta(minutes=5)),
    ResourceExhausted: (3, timedelta(minutes=30)),
    BadInput: (0, timedelta(0)),
}
MAX_RETRIES = max(r for r, _ in RETRY_TABLE.values())


def unclassified_retry_delay() -> timedelta:
    """The delay before another try of an unknown failure or a killed task (Airflow's `retry_delay`)."""
    return timedelta(seconds=settings().unclassified_retry_delay_s)


class RetryTablePolicy(RetryPolicy):
    def evaluate(self, exception, try_number, max_tries, context=None) -> RetryDecision:
        cls = classify(exception)
        if cls is None:
            return RetryDecision.default()
        retries, delay = RETRY_TABLE[cls]
        if try_number > retries:  # try_number is 1-based: try n is followed by retry n
            return RetryDecision.fail(f"{cls.__name__}: {retries} retries used; {exception}")
        delay = delay * settings().retry_delay_scale
        return RetryDecision.retry(delay, f"{cls.__name__}: retry {try_number}/{retries} in {delay}")

    def serialize(self) -> dict:
        return {"__type": "RetryTablePolicy", "table": {c.__name__: [r, d.total_seconds()] for c, (r, d) in RETRY_TABLE.items()}}

    @classmethod
    def deserialize(cls, data: dict) -> RetryTablePolicy:
        return cls()
