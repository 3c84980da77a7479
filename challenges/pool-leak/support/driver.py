"""A stand-in database driver: `connect(dsn)` opens a `Connection`.

It talks to no database. It numbers and remembers every connection it opens, so a program
can be asked how many it really opened and how many are still open, and `connect()` can be
made to sleep like a network handshake, which is what lets a race between threads show.
The grader uses this same file: its tests set `delay` and read `connections()`.
"""

from __future__ import annotations

import os
import threading
import time

delay: float = 0.0
"""Seconds `connect()` sleeps before it returns, like a round trip to the server (0: none)."""

trace_fd: int | None = None
"""A file descriptor that gets a line for each open and close (`<driver open 3>`), or None.

The lines are written with `os.write` when the event happens, so they show even for
connections closed while the interpreter exits."""

_lock = threading.Lock()
_connections: list[Connection] = []


class Connection:
    """One connection to `dsn`. `close()` closes it; closing it again does nothing."""

    def __init__(self, dsn: str, number: int) -> None:
        self.dsn = dsn
        self.number = number
        self._closed = False
        self._lock = threading.Lock()
        # Kept on the instance: a connection may be closed late in interpreter shutdown,
        # when this module's globals may already be gone.
        self._trace_fd = trace_fd
        self._write = os.write

    @property
    def closed(self) -> bool:
        """True once `close()` has been called."""
        return self._closed

    def close(self) -> None:
        """Close the connection. Idempotent: a second call does nothing."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self._trace_fd is not None:
            self._write(self._trace_fd, f"<driver close {self.number}>\n".encode())

    def execute(self, sql: str) -> str:
        """Pretend to run `sql`. Raises RuntimeError on a closed connection."""
        if self._closed:
            raise RuntimeError(f"connection {self.number} is closed")
        return f"ok ({sql})"

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<Connection {self.number} to {self.dsn!r}, {state}>"


def connect(dsn: str) -> Connection:
    """Open one connection to `dsn` (after sleeping `delay` seconds, if set)."""
    if delay:
        time.sleep(delay)
    with _lock:
        connection = Connection(dsn, len(_connections) + 1)
        _connections.append(connection)
    if connection._trace_fd is not None:
        os.write(connection._trace_fd, f"<driver open {connection.number}>\n".encode())
    return connection


def connections() -> list[Connection]:
    """Every connection opened so far in this process, oldest first (open or closed)."""
    with _lock:
        return list(_connections)


def open_connections() -> list[Connection]:
    """The connections opened so far that are not closed yet."""
    return [connection for connection in connections() if not connection.closed]
