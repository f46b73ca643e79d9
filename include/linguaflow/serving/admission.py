"""How many requests a warm service takes at once: `concurrency` run, `queue` more wait their
turn, and a request beyond that is refused at once (HTTP 429 with Retry-After) rather than left
to time out. The counts are the service's queue-depth metrics."""

from __future__ import annotations

import contextlib
import threading


class Full(Exception):
    """Every slot and every place in the queue is taken."""


class Admission:
    def __init__(self, concurrency: int, queue: int):
        self.concurrency, self.queue = concurrency, queue
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(concurrency)
        self.running = 0
        self.waiting = 0

    @contextlib.contextmanager
    def slot(self):
        """Hold one slot (waiting for it in the queue); Full when the queue is full."""
        with self._lock:
            if self.running + self.waiting >= self.concurrency + self.queue:
                raise Full(f"{self.running} running and {self.waiting} waiting: full")
            self.waiting += 1
        self._slots.acquire()
        with self._lock:
            self.waiting -= 1
            self.running += 1
        try:
            yield
        finally:
            with self._lock:
                self.running -= 1
            self._slots.release()
