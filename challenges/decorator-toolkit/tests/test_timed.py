"""timed: `wrapper.stats.calls` and `wrapper.stats.total` (wall-clock seconds), plain and async.

Durations are checked against what the test measures itself with time.perf_counter: the total
is at least the time the function slept and at most the time the calls took, seen from outside.
No call here raises (whether a raising call counts is left open).
"""

import asyncio
import time


def stats_of(wrapper, applied):
    stats = getattr(wrapper, "stats", None)
    assert stats is not None, f"{applied}: the wrapper has no `stats` attribute"
    for name in ("calls", "total"):
        assert hasattr(stats, name), f"{applied}: `wrapper.stats` has no attribute `{name}`"
    return stats


def test_stats_start_at_zero(submission):
    def idle():
        return None

    stats = stats_of(submission.timed(idle), "@timed")
    assert stats.calls == 0 and stats.total == 0, (
        f"@timed: before any call, stats.calls and stats.total must be 0; they are "
        f"{stats.calls!r} and {stats.total!r}"
    )


def test_each_call_is_counted_and_returns_the_function_value(submission):
    seen = []

    def add(a, b, *, scale=1):
        seen.append((a, b, scale))
        return (a + b) * scale

    wrapper = submission.timed(add)
    results = [wrapper(1, 2), wrapper(3, 4, scale=10), wrapper(a=5, b=6)]
    assert results == [3, 70, 11], (
        f"@timed: the calls must return what the function returns, [3, 70, 11]; got {results}"
    )
    assert seen == [(1, 2, 1), (3, 4, 10), (5, 6, 1)], (
        f"@timed: the function must get each call's arguments; it got {seen}"
    )
    stats = stats_of(wrapper, "@timed")
    assert stats.calls == 3, f"@timed: after 3 calls stats.calls is {stats.calls!r}, not 3"


def test_total_adds_up_the_wall_clock_seconds_of_every_call(submission):
    def nap(seconds):
        time.sleep(seconds)

    wrapper = submission.timed(nap)
    start = time.perf_counter()
    for _ in range(3):
        wrapper(0.02)
    outside = time.perf_counter() - start
    stats = stats_of(wrapper, "@timed")
    assert stats.calls == 3, f"@timed: after 3 calls stats.calls is {stats.calls!r}, not 3"
    assert 0.059 <= stats.total <= outside + 0.005, (
        f"@timed: 3 calls that each slept 0.02 s took {outside:.4f} s in all, measured around "
        f"them, so stats.total must lie between 0.06 and {outside:.4f} (seconds, added up over "
        f"every call); it is {stats.total!r}"
    )


def test_each_decorated_function_has_its_own_stats(submission):
    def first():
        return 1

    def second():
        return 2

    one, two = submission.timed(first), submission.timed(second)
    for _ in range(4):
        one()
    two()
    counts = (stats_of(one, "@timed").calls, stats_of(two, "@timed").calls)
    assert counts == (4, 1), (
        f"@timed on two functions, called 4 times and once: their stats.calls are {counts}; "
        "each decorated function must count its own calls"
    )


def test_an_async_call_is_timed_until_the_coroutine_finishes(submission):
    async def download(name, *, seconds):
        await asyncio.sleep(seconds)
        return f"{name} downloaded"

    wrapper = submission.timed(download)

    async def measure():
        start = time.perf_counter()
        got = await wrapper("report", seconds=0.05)
        return got, time.perf_counter() - start

    got, outside = asyncio.run(measure())
    assert got == "report downloaded", (
        f"@timed on an `async def` function: awaiting the call must give the coroutine's "
        f"result 'report downloaded'; got {got!r}"
    )
    stats = stats_of(wrapper, "@timed")
    assert stats.calls == 1, (
        f"@timed on an `async def` function: after one awaited call stats.calls is "
        f"{stats.calls!r}, not 1"
    )
    assert 0.049 <= stats.total <= outside + 0.005, (
        f"@timed on an `async def` function: the awaited call slept 0.05 s and took "
        f"{outside:.4f} s, so stats.total must lie between 0.05 and {outside:.4f}; it is "
        f"{stats.total!r} (the time must run until the coroutine finishes, not only until it "
        "is created)"
    )
