"""A cancelled first caller strands nobody: the first get_instance() call is cancelled while its
connect is under way.

The first connect is held until the first caller has been cancelled, and would then succeed.
Whether the connect goes on for the others or one of them connects again is the solution's
choice; either way every other caller ends with the one connected instance, none waits for
ever, none receives CancelledError, and no half-made instance is returned or kept. Each test
runs on one event loop of its own and executes the submission afresh.
"""

import asyncio
import threading
import time

from connector_checks import (
    HANG_SECONDS,
    count_distinct,
    get_with_connection,
    instance_problem,
    settle,
    settle_all,
)

WAITERS = 15
HOLD_CAP = 2.0  # the first connect is held at most this long, whatever the test does


class _HeldFirstConnect:
    """The first connect is held until release() (it would then succeed); later connects take
    `delay`. The connect may run on any loop, in any thread: `began` (an event of the test's
    loop) is set thread-safely, and the hold is a threading.Event polled with sleeps."""

    def __init__(self, driver, delay):
        self.began = asyncio.Event()
        self._released = threading.Event()
        self._loop = asyncio.get_running_loop()
        self._delay = delay
        driver.configure(before_open=self._before_open)

    def release(self):
        self._released.set()

    async def _before_open(self, attempt):
        if attempt == 1:
            self._loop.call_soon_threadsafe(self.began.set)
            deadline = time.monotonic() + HOLD_CAP
            while not self._released.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
        await asyncio.sleep(self._delay)


async def _start_first_call(connector, began):
    """Start the first get_instance() call; return it once its connect has begun, or the
    reason it never began."""
    first = asyncio.ensure_future(get_with_connection(connector))
    waiting = asyncio.ensure_future(began.wait())
    await asyncio.wait(
        [first, waiting], timeout=HANG_SECONDS, return_when=asyncio.FIRST_COMPLETED
    )
    waiting.cancel()
    if began.is_set():
        return first, None
    outcome = await settle(first, 0)
    return None, (
        f"the first get_instance() call {outcome.describe()} without calling "
        "aiodriver.open_connection()"
    )


def test_waiters_get_the_working_instance_when_the_first_caller_is_cancelled(
    fresh_submission, driver, stress
):
    connector = fresh_submission().AsyncDBConnector
    delay = stress.latency(0)

    async def cancel_the_first(_):
        held = _HeldFirstConnect(driver, delay)
        first, trouble = await _start_first_call(connector, held.began)
        if trouble:
            return trouble
        waiters = [asyncio.ensure_future(get_with_connection(connector)) for _ in range(WAITERS)]
        await asyncio.sleep(0.02)  # every waiter has made its call and is waiting now
        first.cancel()  # while its connect is still held: under way, not finished
        held.release()
        first_outcome, *outcomes = await settle_all([first, *waiters])
        if any(outcome.hung for outcome in outcomes):
            return first_outcome, outcomes, None  # one wait for ever is enough to report
        after = await settle(asyncio.ensure_future(get_with_connection(connector)))
        return first_outcome, outcomes, after

    [result] = stress.run_async(cancel_the_first, tasks=1)
    assert not isinstance(result, str), result
    first, outcomes, after = result
    hung = sum(outcome.hung for outcome in outcomes)
    assert not hung, (
        f"the first get_instance() call was cancelled during its connect: {hung} of {WAITERS} "
        f"callers waiting for it had not returned {HANG_SECONDS:.0f} s later"
    )
    cancelled = sum(isinstance(outcome.error, asyncio.CancelledError) for outcome in outcomes)
    assert not cancelled, (
        f"the first get_instance() call was cancelled during its connect, and {cancelled} of "
        f"{WAITERS} callers waiting for it received CancelledError; only the cancelled caller "
        "may be cancelled"
    )
    failed = [outcome for outcome in outcomes if not outcome.returned]
    assert not failed, (
        "the first get_instance() call was cancelled during its connect, and a caller waiting "
        f"for it {failed[0].describe()}; it must end with the connected instance"
    )
    returned = [outcome.value for outcome in outcomes]
    if first.returned:  # a caller may let its connect finish despite the cancellation
        returned.append(first.value)
    problems = {instance_problem(*result, connector, driver) for result in returned} - {None}
    assert not problems, f"after the first caller was cancelled: {sorted(problems)[0]}"
    count = count_distinct(instance for instance, _ in returned)
    assert count == 1, (
        f"after the first caller was cancelled, the {WAITERS} callers waiting got {count} "
        "different instances; they must all get the one instance"
    )
    assert len(driver.opened()) == 1, (
        f"after the first caller was cancelled, {len(driver.opened())} connections were opened; "
        "one must be opened in all"
    )
    assert after.returned and after.value[0] is returned[0][0], (
        f"after the first caller was cancelled and the others got the instance, the next call "
        f"{after.describe()}; it must return that same instance"
    )


def test_a_call_after_a_cancelled_first_call_gets_a_connected_instance(
    fresh_submission, driver, stress
):
    connector = fresh_submission().AsyncDBConnector
    delay = stress.latency(1)

    async def cancel_then_call(_):
        held = _HeldFirstConnect(driver, delay)
        first, trouble = await _start_first_call(connector, held.began)
        if trouble:
            return trouble
        first.cancel()  # while its connect is still held: under way, not finished
        held.release()
        await settle(first)
        after = await settle(asyncio.ensure_future(get_with_connection(connector)))
        if not after.returned:
            return after, None
        again = await settle(asyncio.ensure_future(get_with_connection(connector)))
        return after, again

    [result] = stress.run_async(cancel_then_call, tasks=1)
    assert not isinstance(result, str), result
    after, again = result
    assert after.returned, (
        "the first get_instance() call was cancelled during its connect, with nobody else "
        f"waiting; the next call {after.describe()}; it must return a connected instance"
    )
    problem = instance_problem(*after.value, connector, driver)
    assert problem is None, f"the call after a cancelled first call: {problem}"
    assert len(driver.opened()) == 1, (
        f"a cancelled first call, then two more, opened {len(driver.opened())} connections; "
        "one must be opened in all"
    )
    assert again.returned and again.value[0] is after.value[0], (
        f"the call after that {again.describe()}; it must return the same instance"
    )
