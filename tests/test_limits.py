"""Step time limits sized from the media's duration, nested inside Airflow's own timeout."""

import signal
import time

import pytest

from linguaflow.errors import NetworkTimeout, classify
from linguaflow.limits import StepTimeout, limit_for, time_limit


def busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:  # a Python loop, like the engines' per-segment loops
        pass


def test_limit_grows_with_the_media(monkeypatch):
    monkeypatch.setenv("LINGUAFLOW_STEP_TIMEOUT_BASE_S", "60")
    monkeypatch.setenv("LINGUAFLOW_STEP_TIMEOUT_FACTOR", "2")
    assert limit_for(0) == 60 and limit_for(600) == 1260


def test_a_step_past_its_limit_is_a_timeout_of_the_table():
    t0 = time.monotonic()
    with pytest.raises(StepTimeout, match="transcribe ran past its limit") as err:
        with time_limit(0.3, "transcribe"):
            busy(5)
    assert time.monotonic() - t0 < 1.5
    assert classify(err.value) is NetworkTimeout
    with time_limit(2, "fast"):
        busy(0.05)  # within the limit: nothing happens, and no alarm is left behind
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_nested_inside_an_outer_alarm_the_outer_one_is_put_back():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(time.monotonic()))
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.0)
        with time_limit(0.2, "inner"):
            busy(0.05)
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0.5 < left < 1.0  # the outer timer runs on, less the time spent
        busy(1.2)
        assert len(fired) == 1  # and still fires, through its own handler
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with time_limit(5, "longer than the outer"):  # the outer fires first: left alone
            busy(0.5)
        assert len(fired) == 2
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
