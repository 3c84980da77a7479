"""Mutant `lru-cache-factory`: the reference with one bug.

get_pool() is functools.lru_cache(maxsize=1) over a function that builds the pool, as the
incident write-up advises: the cache does not hold a lock while the function runs, so
threads that call before the first call returns each build a pool; and a reload makes a new,
empty cache, which builds another.
"""

from __future__ import annotations

import atexit
import functools
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


if "get_pool" not in globals():
    atexit.register(lambda: close_pool())


@functools.lru_cache(maxsize=1)
def get_pool() -> ConnectionPool:
    """The process's one pool, built on the first call."""
    return ConnectionPool(DSN, POOL_SIZE)


def close_pool() -> None:
    """Close and forget the pool; the next `get_pool()` builds a new one."""
    if get_pool.cache_info().currsize:
        pool = get_pool()
        get_pool.cache_clear()
        pool.close()
