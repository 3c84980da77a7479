"""Threads, each running its own event loop, GIL disabled: the first calls come from
`stress.threads` threads at once, each thread running `asyncio.run()` with a few tasks.

Each round executes the submission afresh. The threads are released together by a barrier;
connecting then waits until every task of every thread has called get_instance() (at most
1 s), and 20 ms and 1-4 ms more, so every caller arrives while the first connect is under way.
"""

import asyncio
import threading
import time

from connector_checks import (
    count_distinct,
    get_with_connection,
    instance_problem,
    settle_all,
)

TASKS_PER_THREAD = 4
ARRIVAL_WAIT = 1.0
HOLD = 0.02
# Longer than a single loop's bound: a thread's calls may wait for all the others to arrive.
THREAD_HANG_SECONDS = 5.0


class _Arrivals:
    """How many calls have been made, counted from every thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def add(self) -> None:
        with self._lock:
            self.count += 1


def test_threads_each_running_an_event_loop_share_one_instance_and_one_connection(
    fresh_submission, driver, stress
):
    callers = stress.threads * TASKS_PER_THREAD
    for round_index in range(stress.rounds):
        connector = fresh_submission().AsyncDBConnector
        driver.reset()
        arrivals = _Arrivals()
        delay = stress.latency(round_index)

        async def hold_until_everyone_called(_attempt, arrivals=arrivals, delay=delay):
            deadline = time.monotonic() + ARRIVAL_WAIT
            while arrivals.count < callers and time.monotonic() < deadline:
                await asyncio.sleep(0.001)
            await asyncio.sleep(HOLD + delay)

        driver.configure(before_open=hold_until_everyone_called)

        async def call(arrivals=arrivals):
            arrivals.add()
            return await get_with_connection(connector)

        async def tasks_of_one_thread():
            tasks = [asyncio.ensure_future(call()) for _ in range(TASKS_PER_THREAD)]
            return await settle_all(tasks, THREAD_HANG_SECONDS)

        def thread_running_its_own_loop(_index):
            return asyncio.run(tasks_of_one_thread())

        per_thread = stress.run(thread_running_its_own_loop)
        outcomes = [outcome for outcomes in per_thread for outcome in outcomes]
        where = (
            f"round {round_index}: {stress.threads} threads, each running its own event loop "
            f"with {TASKS_PER_THREAD} tasks calling get_instance()"
        )
        hung = sum(outcome.hung for outcome in outcomes)
        assert not hung, (
            f"{where}: {hung} of {callers} calls had not returned after "
            f"{THREAD_HANG_SECONDS:.0f} s"
        )
        failed = [outcome for outcome in outcomes if not outcome.returned]
        assert not failed, (
            f"{where}: {len(failed)} of {callers} calls failed; one {failed[0].describe()}"
        )
        results = [outcome.value for outcome in outcomes]
        problems = {instance_problem(*result, connector, driver) for result in results} - {None}
        assert not problems, f"{where}: {sorted(problems)[0]}"
        count = count_distinct(instance for instance, _ in results)
        assert count == 1, (
            f"{where}: the calls got {count} different objects; all threads must get the one "
            "instance"
        )
        assert driver.attempts() == 1, (
            f"{where}: aiodriver.open_connection() was called {driver.attempts()} times; one "
            "connection must be opened between all of them"
        )
