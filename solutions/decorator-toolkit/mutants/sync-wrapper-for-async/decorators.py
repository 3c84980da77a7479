"""Three decorators that keep the function they wrap: retry, timed and once.

Each wrapper is made with functools.wraps, which copies __name__, __qualname__, __doc__ and
sets __wrapped__ (inspect.signature follows it). An `async def` function gets an `async def`
wrapper, so it stays a coroutine function and the work of the call happens when it is awaited.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
import time
from collections.abc import Callable
from typing import Any


def retry(
    times: int,
    exceptions: tuple[type[BaseException], ...] = (Exception,),
    delay: float = 0.0,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Call the function up to `times` times in all, retrying only on `exceptions`."""
    # Checked here, so that `retry(0)` fails at once, before any function is decorated.
    if times < 1:
        raise ValueError(f"retry needs at least one attempt, got times={times!r}")

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        # The choice is made once, when decorating: a plain wrapper around an async function
        # would return the coroutine unawaited, and its exceptions would escape every retry.
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def retry_async(*args: Any, **kwargs: Any) -> Any:
                for attempt in range(1, times + 1):
                    try:
                        return await func(*args, **kwargs)
                    except exceptions:  # `except` matches subclasses too; others propagate
                        if attempt == times:
                            raise  # the last attempt's exception, unchanged
                    # asyncio.sleep, never time.sleep: other tasks run during the delay.
                    await asyncio.sleep(delay)
                raise AssertionError("unreachable: the last attempt returns or raises")

            return retry_async

        @functools.wraps(func)
        def retry_sync(*args: Any, **kwargs: Any) -> Any:
            for attempt in range(1, times + 1):
                try:
                    return func(*args, **kwargs)
                except exceptions:
                    if attempt == times:
                        raise
                if delay > 0:
                    time.sleep(delay)
            raise AssertionError("unreachable: the last attempt returns or raises")

        return retry_sync

    return decorate


class Stats:
    """How often a timed function was called and the wall-clock seconds those calls took.

    `calls += 1` is a read, an add and a write: with the GIL disabled two threads can read the
    same value and one increment is lost. Both numbers change together under one lock.
    """

    def __init__(self) -> None:
        self.calls = 0
        self.total = 0.0
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self._lock:
            self.calls += 1
            self.total += seconds

    def __repr__(self) -> str:
        return f"Stats(calls={self.calls}, total={self.total:.6f})"


def timed(func: Callable[..., Any]) -> Callable[..., Any]:
    """Count the calls of `func` and add up their wall-clock time in `wrapper.stats`."""
    # One Stats per decorated function, made here: a module-level or class-level counter
    # would mix the numbers of every function decorated with @timed.
    stats = Stats()

    @functools.wraps(func)
    def timed_sync(*args: Any, **kwargs: Any) -> Any:
        # perf_counter is monotonic: a clock set back by NTP never makes a call negative.
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            # The lock covers only the update, never the call: timed calls still run in
            # parallel.
            stats.add(time.perf_counter() - start)

    timed_sync.stats = stats  # type: ignore[attr-defined]
    return timed_sync


_UNSET: Any = object()  # "not run yet": None, 0 or "" are results like any other


def once(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run `func` on the first call only; every later call returns that first result."""
    if inspect.iscoroutinefunction(func):
        # Caching the coroutine object would hand out one coroutine that can be awaited once.
        raise TypeError(f"once cannot decorate the coroutine function {func.__qualname__}")

    lock = threading.Lock()
    result = _UNSET

    @functools.wraps(func)
    def once_wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal result
        # Fast path without the lock: `result` is assigned only after the body has returned,
        # so whoever sees it set sees the finished result.
        value = result
        if value is not _UNSET:
            return value
        with lock:
            # Check again: another thread may have run the body while this one waited.
            # (lru_cache(maxsize=1) has no such lock: concurrent first calls all run the body.)
            if result is _UNSET:
                # If the body raises, `result` stays unset and the next call runs it again.
                result = func(*args, **kwargs)
            return result

    def reset() -> None:
        """Forget the result: the next call runs the body again."""
        nonlocal result
        with lock:
            result = _UNSET

    once_wrapper.reset = reset  # type: ignore[attr-defined]
    return once_wrapper
