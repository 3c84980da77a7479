"""asyncio: process_data waits without blocking, main_async runs every item at once.

Timing bounds are generous on purpose (the grading machine may be busy): ten items with a
0.2 s delay must take under 1 s in all (five delays, where one after the other takes two
seconds), and a call must take at least 90% of its delay (so it really waits).
One test replaces `process_data` in a fresh copy of the module with a stand-in whose items
finish in reverse order, as the statement says, to check the order of the results.
"""

import asyncio
import inspect
import time

DELAY = 0.2


def _run(make_coroutine):
    """Run a coroutine on a new event loop; return (result, seconds taken)."""
    started = time.monotonic()
    result = asyncio.run(make_coroutine())
    return result, time.monotonic() - started


def test_process_data_is_a_coroutine_that_waits_its_delay(fresh_submission):
    module = fresh_submission()
    pending = module.process_data("order 7", 0.1)
    assert inspect.isawaitable(pending), (
        f"process_data('order 7', 0.1) returned {pending!r}, which cannot be awaited; "
        "write it as `async def process_data(...)`"
    )
    if inspect.iscoroutine(pending):
        pending.close()  # only its type was wanted: never awaited, so close it

    async def one():
        return await module.process_data("order 7", 0.1)

    result, seconds = _run(one)
    assert result == "Processed order 7", (
        f"await process_data('order 7', 0.1) returned {result!r}; expected 'Processed order 7'"
    )
    assert seconds >= 0.09, (
        f"await process_data('order 7', 0.1) took {seconds:.3f} s; it must wait its delay "
        "(asyncio.sleep(delay)) before returning"
    )


def test_ten_items_take_about_one_delay_and_come_back_in_order(fresh_submission):
    module = fresh_submission()
    items = [f"Data {i}" for i in range(10)]

    async def ten():
        return await module.main_async(items, DELAY)

    results, seconds = _run(ten)
    assert results == [f"Processed {item}" for item in items], (
        f"main_async(['Data 0', ..., 'Data 9'], {DELAY}) returned {results!r}; expected "
        "['Processed Data 0', ..., 'Processed Data 9'], in input order"
    )
    assert seconds < 5 * DELAY, (
        f"main_async with ten items and delay {DELAY} s took {seconds:.2f} s; run concurrently "
        f"they take about one delay ({DELAY} s), one after the other ten ({10 * DELAY:.0f} s). "
        f"The limit is {5 * DELAY:.0f} s. Awaiting each item in turn, or time.sleep in "
        "process_data, runs them one at a time"
    )
    assert seconds >= 0.9 * DELAY, (
        f"main_async with delay {DELAY} s returned after {seconds:.3f} s; the items must wait "
        "their delay"
    )


def test_the_default_delay_is_one_second(fresh_submission):
    module = fresh_submission()

    async def with_defaults():
        return await asyncio.gather(module.process_data("x"), module.main_async(["y", "z"]))

    (single, several), seconds = _run(with_defaults)
    assert (single, several) == ("Processed x", ["Processed y", "Processed z"]), (
        f"process_data('x') and main_async(['y', 'z']) returned {single!r} and {several!r}"
    )
    assert 0.9 <= seconds < 5.0, (
        f"process_data('x') and main_async(['y', 'z']) with their default delay, run together, "
        f"took {seconds:.2f} s; the default delay is 1.0 s, so together they take about 1 s"
    )


def test_results_follow_input_order_when_items_finish_in_another_order(fresh_submission):
    module = fresh_submission()
    items = ["a", "b", "a", "c", "d"]
    calls = []

    async def stand_in(data, delay=1.0):
        # Later items finish first: the last one after 10 ms, the first after 50 ms.
        calls.append((data, delay))
        position = len(calls)
        await asyncio.sleep(0.01 * (len(items) + 1 - position))
        return f"Processed {data}"

    module.process_data = stand_in

    async def run():
        return await module.main_async(items, 0.3)

    results, _ = _run(run)
    assert results == [f"Processed {item}" for item in items], (
        f"with a process_data whose items finish in reverse order, main_async({items!r}, 0.3) "
        f"returned {results!r}; the results must be in input order, whatever order the items "
        "finish in"
    )
    assert sorted(calls) == sorted((item, 0.3) for item in items), (
        f"main_async({items!r}, 0.3) made the calls {calls!r} to process_data; expected one "
        "call process_data(item, 0.3) for each item"
    )


def test_no_items_give_no_results(fresh_submission):
    module = fresh_submission()

    async def none():
        return await module.main_async([], DELAY)

    results, _ = _run(none)
    assert results == [], f"main_async([]) returned {results!r}; expected []"
