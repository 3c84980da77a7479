"""A new event loop for each asyncio.run(): the same class is used from one loop, then another.

Every `stress.run_async` call below is a new event loop, as a new `asyncio.run()` is. Within
each loop many tasks call get_instance() at once while connecting is slowed (1-4 ms), so any
lock the class waits on is waited on in every loop. An asyncio.Lock kept from one loop to the
next fails here ("bound to a different event loop"). Each test executes the submission afresh.
"""

from connector_checks import count_distinct, get_with_connection, instance_problem

TASKS = 16
LOOPS = 3


def _on_a_new_loop(stress, connector, label):
    """TASKS concurrent calls on a new event loop; the loop's failure is told with `label`."""

    async def call(_):
        return await get_with_connection(connector)

    try:
        return stress.run_async(call, tasks=TASKS)
    except AssertionError as failure:
        raise AssertionError(f"{label}: {failure}") from None


def test_a_second_event_loop_gets_the_same_instance_without_a_reset(
    fresh_submission, driver, stress
):
    connector = fresh_submission().AsyncDBConnector
    driver.configure(before_open=lambda _attempt: stress.async_latency(0))
    first = _on_a_new_loop(stress, connector, "first asyncio.run()")
    second = _on_a_new_loop(stress, connector, "second asyncio.run(), no reset in between")
    problems = {instance_problem(*result, connector, driver) for result in first + second}
    problems.discard(None)
    assert not problems, f"two event loops, one after the other: {sorted(problems)[0]}"
    count = count_distinct(instance for instance, _ in first + second)
    assert count == 1, (
        f"{TASKS} concurrent calls on one event loop, then {TASKS} on a second loop (no reset) "
        f"got {count} different objects; without a reset every loop gets the same instance"
    )
    assert driver.attempts() == 1, (
        f"two event loops, one after the other, with no reset: aiodriver.open_connection() was "
        f"called {driver.attempts()} times; the second loop must reuse the instance"
    )


def test_after_reset_instance_each_new_event_loop_connects_anew(
    fresh_submission, driver, stress
):
    connector = fresh_submission().AsyncDBConnector
    instances = []
    for loop_index in range(LOOPS):
        driver.configure(before_open=lambda _attempt, i=loop_index: stress.async_latency(i))
        label = (
            "first asyncio.run()" if loop_index == 0
            else f"asyncio.run() number {loop_index + 1}, after reset_instance()"
        )
        results = _on_a_new_loop(stress, connector, label)
        problems = {instance_problem(*result, connector, driver) for result in results} - {None}
        assert not problems, f"{label}: {sorted(problems)[0]}"
        count = count_distinct(instance for instance, _ in results)
        assert count == 1, (
            f"{label}: {TASKS} concurrent calls got {count} different objects; they must all "
            "get the one instance"
        )
        assert driver.attempts() == loop_index + 1, (
            f"{label}: aiodriver.open_connection() has been called {driver.attempts()} times in "
            f"{loop_index + 1} event loops with reset_instance() between them; each loop must "
            "connect exactly once"
        )
        instance = results[0][0]
        assert all(instance is not earlier for earlier in instances), (
            f"{label}: get_instance() returned an instance from before reset_instance()"
        )
        instances.append(instance)
        connector.reset_instance()
