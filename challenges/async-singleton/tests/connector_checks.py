"""Helpers shared by the async-singleton suite: outcomes of calls that may fail or hang, and
what must hold of every instance get_instance() returns. Imports neither the submission nor
the driver: both are handed in by the tests.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, NamedTuple

# A call that has not returned after this long counts as hung. Correct solutions return in
# well under a second here, even on a loaded machine.
HANG_SECONDS = 3.0

MISSING = object()


@dataclass(frozen=True)
class Outcome:
    """How one call ended: returned (value), raised (error), or still running (hung)."""

    value: Any = None
    error: BaseException | None = None
    hung: bool = False

    @property
    def returned(self) -> bool:
        return self.error is None and not self.hung

    def describe(self) -> str:
        if self.hung:
            return f"had not returned after {HANG_SECONDS:.0f} s"
        if self.error is not None:
            return f"raised {type(self.error).__name__}: {self.error}"
        return f"returned {self.value!r}"


async def settle(task: asyncio.Future[Any], seconds: float = HANG_SECONDS) -> Outcome:
    """Wait for a task for at most `seconds`; one still running then is cancelled and hung."""
    [outcome] = await settle_all([task], seconds)
    return outcome


async def settle_all(
    tasks: list[asyncio.Future[Any]], seconds: float = HANG_SECONDS
) -> list[Outcome]:
    """The outcomes of many tasks, all bounded by one deadline."""
    if tasks:
        await asyncio.wait(tasks, timeout=seconds)
    hung = {id(task) for task in tasks if not task.done()}
    for task in tasks:
        if id(task) in hung:
            task.cancel()
    if hung:
        await asyncio.wait(tasks, timeout=0.5)
    return [Outcome(hung=True) if id(task) in hung else _ended(task) for task in tasks]


def _ended(task: asyncio.Future[Any]) -> Outcome:
    if task.cancelled():
        return Outcome(error=asyncio.CancelledError())
    error = task.exception()
    return Outcome(error=error) if error is not None else Outcome(value=task.result())


class Got(NamedTuple):
    """What one get_instance() call returned, with the instance's connection at that moment."""

    instance: Any
    connection: Any

    def __repr__(self) -> str:
        if self.connection is MISSING:
            return f"{self.instance!r}, which has no `connection` attribute"
        return f"an instance whose `connection` was {self.connection!r}"


async def get_with_connection(connector: type) -> Got:
    """Call get_instance() and note the instance's connection at the moment it is returned."""
    instance = await connector.get_instance()
    return Got(instance, getattr(instance, "connection", MISSING))


def instance_problem(instance: Any, connection: Any, connector: type, driver: Any) -> str | None:
    """What is wrong with an instance get_instance() returned, or None if it is ready to use.

    `connection` is the instance's `connection` attribute read when the call returned: a
    half-made instance is caught even if its connect finishes later."""
    if not isinstance(instance, connector):
        return f"get_instance() returned {instance!r}, not an AsyncDBConnector"
    if connection is MISSING:
        return "the instance get_instance() returned has no `connection` attribute"
    if not isinstance(connection, driver.AsyncConnection):
        return (
            f"get_instance() returned an instance whose `connection` was {connection!r}, not the "
            "AsyncConnection from aiodriver.open_connection(): a half-made instance, returned "
            "before its connect had finished (or after it failed)"
        )
    if not any(connection is opened for opened in driver.opened()):
        return "the instance's `connection` is not a connection aiodriver.open_connection() opened"
    if connection.dsn != connector.DSN:
        return (
            f"the instance's connection was opened with {connection.dsn!r}, not with the class's "
            f"DSN {connector.DSN!r}"
        )
    if connection.closed:
        return "the instance get_instance() returned holds a closed connection"
    return None


def count_distinct(objects: Any) -> int:
    return len({id(obj) for obj in objects})
