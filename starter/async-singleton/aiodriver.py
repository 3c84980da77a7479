"""A stand-in for an asynchronous database client: `await open_connection(dsn)` opens one
`AsyncConnection`.

Your `connector.py` needs only `open_connection`, `AsyncConnection.close()` and
`AsyncConnection.closed`. The rest is how the grader drives this same file from its tests:
it counts every call and every connection opened, makes connecting slow (`delay`, or a
`before_open` coroutine awaited instead) and makes connecting fail (`fail_next`). You can use
it the same way to try your code:

    aiodriver.configure(delay=0.05, fail_next=1)   # slow, and the next connect fails
    ...
    print(aiodriver.attempts(), aiodriver.opened())

It is safe to use from several threads, each running its own event loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

DEFAULT_DELAY = 0.01  # seconds a connect takes unless configured otherwise


class ConnectError(ConnectionError):
    """The database refused the connection (the driver was told to fail)."""


class AsyncConnection:
    """One open connection. `await close()` closes it; closing it again does nothing."""

    def __init__(self, dsn: str, number: int) -> None:
        self.dsn = dsn
        self.number = number  # 1 for the first connection opened since the last reset()
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    async def close(self) -> None:
        await asyncio.sleep(0)
        self._closed = True

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<AsyncConnection #{self.number} to {self.dsn!r}, {state}>"


# The driver's state, shared by every thread and event loop; _lock guards all of it. A reset()
# starts a new generation: a connect still under way from before it is not counted after it.
_lock = threading.Lock()
_generation = 0
_delay = DEFAULT_DELAY
_before_open: Callable[[int], Awaitable[object]] | None = None
_failures_left = 0
_attempts = 0
_opened: list[AsyncConnection] = []


def configure(
    *,
    delay: float = DEFAULT_DELAY,
    before_open: Callable[[int], Awaitable[object]] | None = None,
    fail_next: int = 0,
) -> None:
    """Set how the next connects behave. Each one first sleeps `delay` seconds, or, when
    `before_open` is given, awaits `before_open(attempt)` instead (attempt: 1 for the first call
    of `open_connection` since the last reset). The next `fail_next` calls raise `ConnectError`
    once that wait is over."""
    global _delay, _before_open, _failures_left
    with _lock:
        _delay = delay
        _before_open = before_open
        _failures_left = fail_next


def reset() -> None:
    """Back to the defaults, with the counts at zero."""
    global _generation, _attempts
    with _lock:
        _generation += 1
        _attempts = 0
        _opened.clear()
    configure()


def attempts() -> int:
    """How many times `open_connection` was called since the last reset, failed ones included."""
    with _lock:
        return _attempts


def opened() -> list[AsyncConnection]:
    """The connections opened since the last reset, in the order they were opened."""
    with _lock:
        return list(_opened)


async def open_connection(dsn: str) -> AsyncConnection:
    """Open a connection to `dsn`. It takes a while (see `configure`) and may raise
    `ConnectError`. Cancelled while it waits, it opens nothing."""
    global _attempts, _failures_left
    with _lock:
        generation = _generation
        _attempts += 1
        attempt = _attempts
        fails = _failures_left > 0
        if fails:
            _failures_left -= 1
        before_open, delay = _before_open, _delay
    if before_open is not None:
        await before_open(attempt)
    elif delay > 0:
        await asyncio.sleep(delay)
    if fails:
        raise ConnectError(f"could not connect to {dsn!r}: connection refused")
    with _lock:
        connection = AsyncConnection(dsn, len(_opened) + 1)
        if generation == _generation:
            _opened.append(connection)
    return connection
