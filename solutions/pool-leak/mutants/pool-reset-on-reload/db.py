"""Mutant `pool-reset-on-reload`: the reference with one bug.

The module's state is assigned unconditionally at the top level, so importlib.reload(db)
sets _pool back to None and the next get_pool() opens a second pool while the first stays
open.
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


_pool_lock = threading.Lock()
_pool: ConnectionPool | None = None
# Look `close_pool` up at exit, so the handler is the newest definition after a reload.
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
