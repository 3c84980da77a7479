"""A decorator toolkit: retry, timed and once.

Fill in every TODO. The names and signatures below are the ones the grader calls; keep them.
README.md (or `grade show decorator-toolkit`) states every requirement that is checked.
Your code runs on free-threaded CPython (GIL disabled) with many threads at once.
Only the standard library is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def retry(
    times: int,
    exceptions: tuple[type[BaseException], ...] = (Exception,),
    delay: float = 0.0,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Return a decorator that calls the function up to `times` times in all.

    Contract:
    - Only `exceptions` (and their subclasses) are retried; any other exception propagates
      after the attempt that raised it.
    - After the last attempt, the exception it raised propagates (that very object).
    - `delay` seconds are waited between two attempts.
    - Works on plain and `async def` functions; an async one waits with `asyncio.sleep`
      and stays a coroutine function.
    - `times < 1` raises ValueError when decorating.
    - The wrapper keeps __name__, __qualname__, __doc__, __wrapped__ and the signature.

    TODO: implement.
    """
    raise NotImplementedError("TODO: retry")


def timed(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: count the calls of `func` and add up the wall-clock seconds they take.

    Contract:
    - The wrapper has `stats`, an object with `calls` (int) and `total` (float, seconds),
      both starting at 0, one such object per decorated function.
    - For an `async def` function the wrapper is a coroutine function, and a call's time
      runs until the coroutine finishes.
    - The numbers stay exact when many threads call the wrapper at once (GIL disabled).
    - The wrapper keeps __name__, __qualname__, __doc__, __wrapped__ and the signature.

    TODO: implement.
    """
    raise NotImplementedError("TODO: timed")


def once(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: run `func` on the first call; every later call returns that result.

    Contract:
    - Later calls return the first result, whatever their arguments; a result of None
      (or any false value) is kept like any other.
    - When many threads make the first call together (GIL disabled), the body runs once
      and all of them get its result.
    - A call that raises keeps nothing: the next call runs the body again.
    - `wrapper.reset()` forgets the result.
    - Decorating an `async def` function raises TypeError.
    - The wrapper keeps __name__, __qualname__, __doc__, __wrapped__ and the signature.

    TODO: implement.
    """
    raise NotImplementedError("TODO: once")
