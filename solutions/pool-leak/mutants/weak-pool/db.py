"""Mutant `weak-pool`: the reference with one bug.

The module holds the pool through a weakref, to avoid keeping it alive: once no caller holds
it, it is collected with its connections still open, the next get_pool() opens another, and
at exit there is no pool left to close.
"""

from __future__ import annotations

import atexit
import contextlib
import queue
import threading
import weakref
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
        connection = self._idle.get()
        try:
            yield connection
        finally:
            self._idle.put(connection)

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
    _pool_ref: weakref.ref[ConnectionPool] | None = None
    atexit.register(lambda: close_pool())


def _current() -> ConnectionPool | None:
    return _pool_ref() if _pool_ref is not None else None


def get_pool() -> ConnectionPool:
    """The process's one pool, built on the first call."""
    global _pool_ref
    pool = _current()
    if pool is not None:
        return pool
    with _pool_lock:
        pool = _current()
        if pool is None:
            pool = ConnectionPool(DSN, POOL_SIZE)
            _pool_ref = weakref.ref(pool)  # does not keep the pool alive
        return pool


def close_pool() -> None:
    """Close and forget the pool; the next `get_pool()` builds a new one."""
    global _pool_ref
    with _pool_lock:
        pool, _pool_ref = _current(), None
    if pool is not None:
        pool.close()
