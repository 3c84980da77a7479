"""Mutant `round-robin-lending`: the reference with one bug.

acquire() limits the holders with a semaphore but picks the connection by counting calls,
not by which one is free: a holder that keeps its connection longer than the others gets
company.
"""

from __future__ import annotations

import atexit
import contextlib
import queue
import threading
from collections.abc import Iterator

import driver

DSN = "postgresql://orders@db.internal:5432/orders"
POOL_SIZE = 4


class ConnectionPool:
    """`size` connections to `dsn`, opened when the pool is made, lent one holder at a time."""

    def __init__(self, dsn: str, size: int) -> None:
        self.size = size
        self._connections: list[driver.Connection] = []
        self._idle: queue.SimpleQueue[driver.Connection] = queue.SimpleQueue()
        self._closed = False
        self._close_lock = threading.Lock()
        self._holders = threading.Semaphore(size)  # at most `size` holders at once
        self._next = 0
        try:
            for _ in range(size):
                connection = driver.connect(dsn)
                self._connections.append(connection)
                self._idle.put(connection)
        except BaseException:
            self.close()
            raise

    @contextlib.contextmanager
    def acquire(self) -> Iterator[driver.Connection]:
        """Lend one connection for the `with` block; wait while every connection is lent."""
        with self._holders:
            connection = self._connections[self._next % self.size]
            self._next += 1
            yield connection

    def close(self) -> None:
        """Close every connection, lent or not. A second call does nothing."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        for connection in self._connections:
            connection.close()

    @property
    def closed(self) -> bool:
        return self._closed


if "_pool_lock" not in globals():
    _pool_lock = threading.Lock()
    _pool: ConnectionPool | None = None
    atexit.register(lambda: close_pool())


def get_pool() -> ConnectionPool:
    """The process's one pool, built on the first call."""
    global _pool
    pool = _pool
    if pool is not None:
        return pool
    with _pool_lock:
        if _pool is None:
            _pool = ConnectionPool(DSN, POOL_SIZE)
        return _pool


def close_pool() -> None:
    """Close and forget the pool; the next `get_pool()` builds a new one."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.close()
