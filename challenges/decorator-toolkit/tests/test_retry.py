"""retry: at most `times` attempts, only the listed exceptions retried, plain and async.

Each test counts the attempts itself: the decorated function records every call before it
fails or returns. Delays are checked from below only (a sleep never ends early), so a busy
machine cannot fail a correct solution.
"""

import asyncio
import time

import pytest


class Flaky:
    """A callable that raises the given exceptions in turn, then returns `result`."""

    def __init__(self, *failures, result="done"):
        self.failures = list(failures)
        self.result = result
        self.calls = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        if len(self.calls) <= len(self.failures):
            raise self.failures[len(self.calls) - 1]
        return self.result


def decorate(submission, flaky, *args, **kwargs):
    """retry(...) applied to a real function that forwards to `flaky`."""

    def call_service(*call_args, **call_kwargs):
        return flaky(*call_args, **call_kwargs)

    return submission.retry(*args, **kwargs)(call_service)


class Abort(BaseException):
    """Not an Exception: the default `exceptions=(Exception,)` does not cover it."""


def test_a_call_that_succeeds_at_once_is_attempted_once_and_gets_its_arguments(submission):
    flaky = Flaky(result=17)
    wrapper = decorate(submission, flaky, 3)
    got = wrapper("a", 2, key="value")
    assert got == 17, f"retry(3): the function returned 17 on its first attempt, the call got {got!r}"
    assert flaky.calls == [(("a", 2), {"key": "value"})], (
        f"retry(3): a call that succeeds at once must make exactly one attempt with the caller's "
        f"arguments; the function was called as {flaky.calls}"
    )


def test_a_failing_call_is_retried_until_it_succeeds(submission):
    flaky = Flaky(ValueError("first"), ValueError("second"), result="third time lucky")
    wrapper = decorate(submission, flaky, times=5)
    got = wrapper(7)
    assert got == "third time lucky", (
        f"retry(times=5): the function raised ValueError twice and then returned "
        f"'third time lucky'; the call got {got!r}"
    )
    assert flaky.calls == [((7,), {})] * 3, (
        f"retry(times=5): two failures then a success must make 3 attempts, each with the "
        f"caller's arguments; the function was called as {flaky.calls}"
    )


@pytest.mark.parametrize("times", [1, 4])
def test_after_times_attempts_the_last_exception_propagates(submission, times):
    failures = [ConnectionError(f"attempt {n}") for n in range(1, times + 3)]
    flaky = Flaky(*failures)
    wrapper = decorate(submission, flaky, times)
    with pytest.raises(BaseException) as raised:
        wrapper()
    attempts = len(flaky.calls)
    assert attempts == times, (
        f"retry({times}) on a function that always raises ConnectionError made {attempts} "
        f"attempts; `times` counts all attempts, the first included, so it must make {times}"
    )
    assert raised.value is failures[times - 1], (
        f"retry({times}): after the last attempt the exception it raised must propagate "
        f"unchanged (ConnectionError('attempt {times}')); got "
        f"{type(raised.value).__name__}({raised.value})"
    )


def test_an_exception_that_is_not_listed_propagates_at_once(submission):
    error = KeyError("missing")
    flaky = Flaky(error, result="never")
    wrapper = decorate(submission, flaky, 4, exceptions=(ValueError, OSError))
    with pytest.raises(BaseException) as raised:
        wrapper()
    assert len(flaky.calls) == 1, (
        f"retry(4, exceptions=(ValueError, OSError)): a KeyError is not listed, so it must "
        f"propagate after the first attempt; {len(flaky.calls)} attempts were made"
    )
    assert raised.value is error, (
        f"retry(4, exceptions=(ValueError, OSError)): the unlisted KeyError must propagate "
        f"unchanged; got {type(raised.value).__name__}({raised.value})"
    )


def test_the_default_does_not_retry_what_is_not_an_exception(submission):
    error = Abort("stop now")
    flaky = Flaky(error, result="never")
    wrapper = decorate(submission, flaky, 3)
    with pytest.raises(BaseException) as raised:
        wrapper()
    assert len(flaky.calls) == 1 and raised.value is error, (
        f"retry(3) with the default exceptions=(Exception,): a BaseException subclass that is "
        f"not an Exception must propagate after the first attempt; {len(flaky.calls)} attempts "
        f"were made and {type(raised.value).__name__} propagated"
    )


def test_subclasses_of_listed_exceptions_are_retried(submission):
    flaky = Flaky(ConnectionResetError("reset"), KeyError("gone"), TimeoutError("slow"), result=3)
    wrapper = decorate(submission, flaky, 4, (OSError, LookupError))
    got = wrapper()
    assert got == 3 and len(flaky.calls) == 4, (
        f"retry(4, (OSError, LookupError)): ConnectionResetError, KeyError and TimeoutError are "
        f"subclasses of the listed exceptions and must be retried, as `except` matches them; "
        f"{len(flaky.calls)} attempts were made and the call got {got!r}"
    )


@pytest.mark.parametrize("times", [0, -1])
def test_times_below_one_is_a_value_error_when_decorating(submission, times):
    flaky = Flaky(result="never")

    def call_service():
        return flaky()

    with pytest.raises(ValueError):
        submission.retry(times)(call_service)
    assert flaky.calls == [], (
        f"retry({times}) called the function while decorating; it must raise ValueError only"
    )


def test_the_delay_is_slept_between_attempts(submission):
    flaky = Flaky(OSError("one"), OSError("two"), result="ok")
    wrapper = decorate(submission, flaky, 3, delay=0.04)
    start = time.perf_counter()
    got = wrapper()
    elapsed = time.perf_counter() - start
    assert got == "ok" and len(flaky.calls) == 3, (
        f"retry(3, delay=0.04): two failures then a success must make 3 attempts and return "
        f"'ok'; {len(flaky.calls)} attempts were made and the call got {got!r}"
    )
    assert elapsed >= 0.064, (
        f"retry(3, delay=0.04): two retries must wait 0.04 s each (0.08 s in all) but the call "
        f"took {elapsed:.3f} s"
    )


def decorate_async(submission, flaky, *args, **kwargs):
    """retry(...) applied to an `async def` function that forwards to `flaky`."""

    async def call_service(*call_args, **call_kwargs):
        await asyncio.sleep(0)
        return flaky(*call_args, **call_kwargs)

    return submission.retry(*args, **kwargs)(call_service)


def test_an_async_function_is_retried_until_it_succeeds(submission):
    flaky = Flaky(TimeoutError("one"), TimeoutError("two"), result="async ok")
    wrapper = decorate_async(submission, flaky, 4, (TimeoutError,))
    got = asyncio.run(wrapper("job", attempt=True))
    assert got == "async ok", (
        f"retry(4, (TimeoutError,)) on an `async def` function that raised twice and then "
        f"returned 'async ok': awaiting the call gave {got!r}"
    )
    assert flaky.calls == [(("job",), {"attempt": True})] * 3, (
        f"retry on an `async def` function: two failures then a success must make 3 attempts, "
        f"each awaited with the caller's arguments; the function ran as {flaky.calls}"
    )


def test_an_async_function_stops_after_times_attempts_and_raises_the_last_exception(submission):
    failures = [TimeoutError(f"attempt {n}") for n in range(1, 6)]
    flaky = Flaky(*failures)
    wrapper = decorate_async(submission, flaky, 3, (TimeoutError,))
    with pytest.raises(BaseException) as raised:
        asyncio.run(wrapper())
    assert len(flaky.calls) == 3 and raised.value is failures[2], (
        f"retry(3, (TimeoutError,)) on an `async def` function that always raises: it must make "
        f"3 attempts and then raise the third TimeoutError unchanged; {len(flaky.calls)} "
        f"attempts were made and {type(raised.value).__name__}({raised.value}) propagated"
    )


def test_an_async_function_does_not_retry_an_exception_that_is_not_listed(submission):
    error = PermissionError("denied")
    flaky = Flaky(error, result="never")
    wrapper = decorate_async(submission, flaky, 3, (TimeoutError,))
    with pytest.raises(BaseException) as raised:
        asyncio.run(wrapper())
    assert len(flaky.calls) == 1 and raised.value is error, (
        f"retry(3, (TimeoutError,)) on an `async def` function: a PermissionError is not listed "
        f"and must propagate after the first attempt; {len(flaky.calls)} attempts were made and "
        f"{type(raised.value).__name__} propagated"
    )


def test_an_async_retry_waits_with_the_event_loop_free(submission):
    flaky = Flaky(OSError("one"), OSError("two"), result="ok")

    async def call_service():
        return flaky()  # no await of its own: only the retry's delay can let other tasks run

    wrapper = submission.retry(3, delay=0.05)(call_service)

    async def retry_while_ticking():
        ticks = 0
        retrying = asyncio.ensure_future(wrapper())
        start = time.perf_counter()
        while not retrying.done():
            await asyncio.sleep(0.005)
            ticks += 1
        return await retrying, ticks, time.perf_counter() - start

    got, ticks, elapsed = asyncio.run(retry_while_ticking())
    assert got == "ok" and len(flaky.calls) == 3, (
        f"retry(3, delay=0.05) on an `async def` function: two failures then a success must "
        f"make 3 attempts and return 'ok'; {len(flaky.calls)} attempts were made, got {got!r}"
    )
    assert elapsed >= 0.08, (
        f"retry(3, delay=0.05) on an `async def` function: two retries must wait 0.05 s each "
        f"(0.1 s in all) but the call was done after {elapsed:.3f} s"
    )
    assert ticks >= 3, (
        f"retry(3, delay=0.05) on an `async def` function: while it waited 0.1 s between "
        f"attempts, another task that wakes every 5 ms ran only {ticks} times: the delay blocks "
        "the event loop (time.sleep?); an async retry must wait with `await asyncio.sleep(delay)`"
    )
