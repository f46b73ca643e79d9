from datetime import timedelta

from airflow.sdk import RetryAction

from linguaflow.errors import BadInput, NetworkTimeout, ResourceExhausted, ServiceUnavailable
from linguaflow.errors import classify
from linguaflow.orchestration.retry import MAX_RETRIES, RetryTablePolicy

policy = RetryTablePolicy()


def decide(exc, try_number):
    return policy.evaluate(exc, try_number=try_number, max_tries=MAX_RETRIES)


def test_bad_input_fails_at_once():
    d = decide(BadInput("empty file"), 1)
    assert d.action is RetryAction.FAIL and "empty file" in d.reason


def test_network_timeout_retries_once_after_30s():
    first = decide(NetworkTimeout("slow"), 1)
    assert first.action is RetryAction.RETRY and first.retry_delay == timedelta(seconds=30)
    assert decide(NetworkTimeout("slow"), 2).action is RetryAction.FAIL


def test_service_unavailable_retries_twice_5_min_apart():
    for n in (1, 2):
        d = decide(ServiceUnavailable("503"), n)
        assert d.action is RetryAction.RETRY and d.retry_delay == timedelta(minutes=5)
    assert decide(ServiceUnavailable("503"), 3).action is RetryAction.FAIL


def test_resource_exhausted_retries_three_times_30_min_apart():
    for n in (1, 2, 3):
        d = decide(ResourceExhausted("OOM"), n)
        assert d.action is RetryAction.RETRY and d.retry_delay == timedelta(minutes=30)
    assert decide(ResourceExhausted("OOM"), 4).action is RetryAction.FAIL


def test_builtin_errors_are_classified_and_an_unknown_one_gets_the_default():
    # wrapped errors: tests/test_errors.py
    assert classify(ConnectionRefusedError()) is ServiceUnavailable
    assert classify(TimeoutError()) is NetworkTimeout
    assert classify(MemoryError()) is ResourceExhausted
    assert decide(KeyError("x"), 1).action is RetryAction.DEFAULT
