"""A readers-writer lock: the search engine's searches run together, its writes alone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from cognee_langchain.core.forks import at_fork_in_child

__all__ = ["ReadWriteLock"]


class ReadWriteLock:
    """Many concurrent readers or one writer. A waiting writer holds back new readers, so a
    steady stream of searches cannot starve a ``remember``.

    Fork-safe: in a forked child the lock starts free (the threads that held it stayed in the
    parent), and :attr:`interrupted` tells whether a write was under way at the fork."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0
        self._interrupted = False
        at_fork_in_child(self._after_fork)

    @property
    def interrupted(self) -> bool:
        """True in a process forked while a writer held the lock: what it guards may be
        half-written there, and should be rebuilt rather than used."""
        return self._interrupted

    def _after_fork(self) -> None:
        self._interrupted = self._interrupted or self._writing
        self._condition = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._condition:
                self._readers -= 1
                if not self._readers:
                    self._condition.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._condition:
            self._writers_waiting += 1
            self._condition.wait_for(lambda: not self._writing and not self._readers)
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._condition:
                self._writing = False
                self._condition.notify_all()
