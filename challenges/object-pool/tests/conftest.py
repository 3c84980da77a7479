"""Shared by the object-pool suite; it never imports the submission itself.

`make_fun` gives the `fun` a Pool or Proxy is built with: it records each call and the `i` it
was given, can sleep to widen check-then-create races, and makes either `Resource`s
(unhashable, and all equal to one another, so only identity tells two apart) or `Plain`
objects. `bounded` runs a call that may block (a get() on an exhausted pool, a deadlocked
ret()) on a helper thread, so a hang fails one test quickly instead of eating the time limit.

`preflight` is for the concurrency tests: a pool that fails from one thread (a TypeError on
unhashable objects, say) would leave 31 threads waiting for ever on slots the failures used up,
and the test would sit out its whole time limit before saying so. A short single-threaded run of
the same calls first fails the test at once, with the real error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest


class Resource:
    """What most of the suite pools: unhashable, and equal to every other Resource."""

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, serial: int) -> None:
        self.serial = serial
        self.tag = f"resource-{serial}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Resource)

    def whoami(self) -> Resource:
        return self

    def describe(self, prefix: str = "resource") -> str:
        return f"{prefix} #{self.serial}"

    def __str__(self) -> str:
        return f"Resource #{self.serial}"


class Plain:
    """An ordinary object: hashable, equal only to itself."""

    def __init__(self, serial: int) -> None:
        self.serial = serial

    def __repr__(self) -> str:
        return f"<object #{self.serial}>"


class Fun:
    """A `fun` for Pool or Proxy: records calls, optionally sleeps, returns a new object."""

    def __init__(self, delay: float = 0.0, kind: type = Resource) -> None:
        self.delay = delay
        self.kind = kind
        self.calls: list[int] = []  # the i of each call, in call order
        self.made: list[Any] = []  # the objects returned, in order of return
        self._lock = threading.Lock()
        self._strangers = 0

    def __call__(self, i: int) -> Any:
        with self._lock:
            self.calls.append(i)
            serial = len(self.calls) - 1
        if self.delay:
            time.sleep(self.delay)  # widen the window between "room for one more" and "made"
        obj = self.kind(serial)
        with self._lock:
            self.made.append(obj)
        return obj

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.calls)

    def stranger(self) -> Any:
        """An object of the same kind that no pool made (equal to them all, for Resources)."""
        self._strangers += 1
        return self.kind(-self._strangers)


class Outcome:
    """A call running on a helper thread: `wait(seconds)` says whether it has finished."""

    def __init__(self, call: Callable[[], Any]) -> None:
        self.value: Any = None
        self.error: BaseException | None = None
        self.elapsed: float | None = None
        self._done = threading.Event()
        self._call = call
        self._started = time.monotonic()
        threading.Thread(target=self._run, name="object-pool-helper", daemon=True).start()

    def _run(self) -> None:
        try:
            self.value = self._call()
        except BaseException as exc:  # reported by the test that waits
            self.error = exc
        finally:
            self.elapsed = time.monotonic() - self._started
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, seconds: float) -> bool:
        return self._done.wait(seconds)

    def describe_error(self) -> str:
        return f"{type(self.error).__name__}: {self.error}" if self.error else "nothing"


def _preflight(what: str, call: Callable[[], Any], seconds: float = 3.0) -> Any:
    """Run call() from one helper thread; fail the test now if it raises or hangs."""
    outcome = Outcome(call)
    if not outcome.wait(seconds):
        pytest.fail(f"{what}, from a single thread, did not return within {seconds:.0f} s")
    if outcome.error is not None:
        pytest.fail(f"{what}, from a single thread, raised {outcome.describe_error()}")
    return outcome.value


@pytest.fixture
def preflight() -> Callable[..., Any]:
    """preflight(what, call): call() from one thread must return within 3 s without raising."""
    return _preflight


@pytest.fixture
def make_fun() -> Callable[..., Fun]:
    """make_fun(delay=0.0, kind=Resource): a new recording fun."""
    return Fun


@pytest.fixture
def resource() -> type:
    """Resource(serial): one of the suite's unhashable, all-equal objects, made by no pool."""
    return Resource


@pytest.fixture
def plain() -> type:
    return Plain


@pytest.fixture
def bounded() -> Callable[[Callable[[], Any]], Outcome]:
    """bounded(call): start call() on a helper thread now; wait on the Outcome it returns."""
    return Outcome

