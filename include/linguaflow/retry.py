"""The retry table on Airflow 3's own retry machinery (task `retry_policy`); its classes are `errors.py`'s.

Tasks are declared with `retries=MAX_RETRIES`; the policy then cuts each failure class down
to its own count and delay. Unknown errors keep Airflow's default behaviour.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import RetryDecision, RetryPolicy

from .errors import BadInput, NetworkTimeout, ResourceExhausted, ServiceUnavailable, classify  # noqa: F401

# failure class -> (retries, delay between tries)
RETRY_TABLE: dict[type[Exception], tuple[int, timedelta]] = {
    NetworkTimeout: (1, timedelta(seconds=30)),
    ServiceUnavailable: (2, timedelta(minutes=5)),
    ResourceExhausted: (3, timedelta(minutes=30)),
    BadInput: (0, timedelta(0)),
}
MAX_RETRIES = max(r for r, _ in RETRY_TABLE.values())


class RetryTablePolicy(RetryPolicy):
    def evaluate(self, exception, try_number, max_tries, context=None) -> RetryDecision:
        cls = classify(exception)
        if cls is None:
            return RetryDecision.default()
        retries, delay = RETRY_TABLE[cls]
        if try_number > retries:  # try_number is 1-based: try n is followed by retry n
            return RetryDecision.fail(f"{cls.__name__}: {retries} retries used; {exception}")
        return RetryDecision.retry(delay, f"{cls.__name__}: retry {try_number}/{retries} in {delay}")

    def serialize(self) -> dict:
        return {"__type": "RetryTablePolicy", "table": {c.__name__: [r, d.total_seconds()] for c, (r, d) in RETRY_TABLE.items()}}

    @classmethod
    def deserialize(cls, data: dict) -> RetryTablePolicy:
        return cls()
