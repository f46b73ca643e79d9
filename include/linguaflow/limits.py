"""Time limits of the heavy steps, sized from the media's duration.

Airflow's `execution_timeout` is fixed when the DAG is parsed, so it can only be a ceiling; the
real limit of a step is known once `probe` has measured the media: base + factor x duration
(LINGUAFLOW_STEP_TIMEOUT_BASE_S, LINGUAFLOW_STEP_TIMEOUT_FACTOR). A step over its limit raises
`StepTimeout`, a network/engine timeout of the retry table, so a hung engine or endpoint is
retried once and never holds a worker for hours.

Implemented with SIGALRM like Airflow's own timeout, and nested inside it: the shorter of the two
fires, and Airflow's timer is put back, less the time spent, when the step ends.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator

from .errors import NetworkTimeout
from .settings import settings


class StepTimeout(NetworkTimeout):
    """A step ran past the limit its media's duration allows."""

    kind = "step_timeout"


def limit_for(duration_s: float) -> float:
    """Seconds a heavy step may take for media of this length."""
    cfg = settings()
    return cfg.step_timeout_base_s + cfg.step_timeout_factor * max(0.0, float(duration_s or 0.0))


@contextlib.contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise StepTimeout in this (main) thread if the block runs longer than `seconds`."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only; the ceiling (execution_timeout) still holds
        return
    outer_handler = signal.getsignal(signal.SIGALRM)
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left <= seconds:
        yield  # an outer limit (Airflow's) fires first anyway
        return
    start = time.monotonic()

    def expired(signum, frame):
        raise StepTimeout(f"{what} ran past its limit of {seconds:.0f} s (sized from the media's duration)")

    signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, outer_handler)
        if outer_left:
            signal.setitimer(signal.ITIMER_REAL, max(0.001, outer_left - (time.monotonic() - start)))
