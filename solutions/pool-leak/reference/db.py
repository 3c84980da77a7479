"""Database access for the orders service: one connection pool per process.

The reference solution. Three things went wrong in the incident, and each has a fix below:
- many threads made the first `get_pool()` call at once and each built a pool (a lock, and a
  second look once it is held);
- `importlib.reload(db)` executed this file again and `_pool = None` forgot the pool, whose
  connections stayed open (state created on the first execution only);
- nothing closed the pool when the process ended (an `atexit` handler).
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
        # The idle connections. A queue hands each item to exactly one get(), and get()
        # waits while it is empty: that is the whole lending protocol, with its own lock.
        self._idle: queue.SimpleQueue[driver.Connection] = queue.SimpleQueue()
        self._closed = False
        self._close_lock = threading.Lock()
        try:
            for _ in range(size):
                connection = driver.connect(dsn)
                self._connections.append(connection)
                self._idle.put(connection)
        except BaseException:
            self.close()  # do not leak the ones already open
            raise

    @contextlib.contextmanager
    def acquire(self) -> Iterator[driver.Connection]:
        """Lend one connection for the `with` block; wait while every connection is lent."""
        connection = self._idle.get()
        try:
            yield connection
        finally:
            # `finally`: a block that raises gives its connection back too.
            self._idle.put(connection)

    def close(self) -> None:
        """Close every connection, lent or not. A second call does nothing."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        # Every connection ever opened, not only the idle ones: a lent connection left open
        # is exactly the leak this service had.
        for connection in self._connections:
            connection.close()

    @property
    def closed(self) -> bool:
        return self._closed


# `importlib.reload(db)` executes this file again in the same module namespace, so every
# name assigned unconditionally below is assigned again: `_pool = None` here would forget
# the pool (and leave its connections open). The pool, and the lock guarding it, are made
# on the first execution only. A new, separate execution of the file starts with neither.
if "_pool_lock" not in globals():
    _pool_lock = threading.Lock()
    _pool: ConnectionPool | None = None
    # Look `close_pool` up at exit, so the handler is the newest definition after a reload.
    atexit.register(lambda: close_pool())


def get_pool() -> ConnectionPool:
    """The process's one pool, built on the first call."""
    global _pool
    pool = _pool
    if pool is not None:  # fast path: once built, no lock is needed to read it
        return pool
    with _pool_lock:
        # Look again: another thread may have built the pool while this one waited.
        if _pool is None:
            _pool = ConnectionPool(DSN, POOL_SIZE)  # published only once fully built
        return _pool


def close_pool() -> None:
    """Close and forget the pool; the next `get_pool()` builds a new one."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.close()
