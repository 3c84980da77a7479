"""Database access for the orders service: one connection pool per process.

This is the file as it ran in production when the incident happened (README.md, or
`grade show pool-leak`): after a deployment the database saw many times the
connections this service should hold, and some stayed open after the service had stopped.
`python incident.py` replays that deployment.

TODO: find why, and fix this file. The docstrings say what each name must do; the code
below does not always do it. Keep the names and signatures: the service (and the grader)
calls them. `driver.py` is a stand-in for the database driver; the grader uses its own
copy of it, so change nothing there.
"""

from __future__ import annotations

import contextlib
import queue
from collections.abc import Iterator

import driver

DSN = "postgresql://orders@db.internal:5432/orders"
POOL_SIZE = 4


class ConnectionPool:
    """`size` connections to `dsn`, opened with `driver.connect(dsn)` when the pool is made.

    - `size`: how many connections the pool holds.
    - `acquire()`: a context manager lending one connection to one holder at a time; it
      waits while every connection is lent, and the connection comes back when the `with`
      block ends, also when the block raises.
    - `close()`: closes every connection, lent or not; a second call does nothing.
    - `closed`: True once `close()` has been called.
    """

    def __init__(self, dsn: str, size: int) -> None:
        self.size = size
        self._connections = [driver.connect(dsn) for _ in range(size)]
        self._idle: queue.Queue[driver.Connection] = queue.Queue()
        for connection in self._connections:
            self._idle.put(connection)
        self._closed = False

    @contextlib.contextmanager
    def acquire(self) -> Iterator[driver.Connection]:
        connection = self._idle.get()  # waits while every connection is lent
        try:
            yield connection
        finally:
            self._idle.put(connection)

    def close(self) -> None:
        self._closed = True
        for connection in self._connections:
            connection.close()  # closing a closed connection does nothing

    @property
    def closed(self) -> bool:
        return self._closed


_pool: ConnectionPool | None = None


def get_pool() -> ConnectionPool:
    """The process's one pool, built on the first call with `ConnectionPool(DSN, POOL_SIZE)`.

    Every call returns the same pool, from every thread, whether or not any caller keeps a
    reference to it, and also after `importlib.reload(db)`. Importing `db` opens nothing.
    When the interpreter exits, every connection of the pool is closed.
    """
    global _pool
    if _pool is None:
        _pool = ConnectionPool(DSN, POOL_SIZE)
    return _pool


def close_pool() -> None:
    """Close the pool and forget it, so that the next `get_pool()` builds a new one.

    With no pool, it does nothing.
    """
    global _pool
    _pool = None  # the garbage collector takes care of the rest
