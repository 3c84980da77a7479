"""One instance, one connection: calls made one after another, by one task on one event loop.

Each test executes the submission afresh and starts with the driver's counts at zero, so no
other test's instance is in the way. One test drops every reference it holds to the instance
and runs gc.collect() before calling again; the instance is recognised by its connection.
"""

import gc

from connector_checks import count_distinct, get_with_connection, instance_problem


def test_repeated_calls_return_one_instance_holding_the_connection_it_opened(
    fresh_submission, driver, stress
):
    connector = fresh_submission().AsyncDBConnector
    assert isinstance(connector.DSN, str), (
        f"AsyncDBConnector.DSN is {connector.DSN!r}; it must be a str"
    )

    async def five_calls(_):
        return [await get_with_connection(connector) for _ in range(5)]

    [calls] = stress.run_async(five_calls, tasks=1)
    first, connection = calls[0]
    problem = instance_problem(first, connection, connector, driver)
    assert problem is None, f"first call: {problem}"
    assert count_distinct(instance for instance, _ in calls) == 1, (
        "five calls of AsyncDBConnector.get_instance(), one after another, returned "
        f"{count_distinct(instance for instance, _ in calls)} different objects; they must all "
        "return the one instance"
    )
    assert driver.attempts() == 1 and driver.opened() == [connection], (
        f"five calls of get_instance() called aiodriver.open_connection() {driver.attempts()} "
        "times; only the first call connects"
    )
    assert all(later is connection for _, later in calls), (
        "the instance's `connection` changed between calls; it keeps the connection it opened"
    )


async def _call_and_drop(connector):
    """Call get_instance() and let the result go: the caller keeps no reference to it."""
    await connector.get_instance()


def test_the_instance_outlives_every_reference_to_it(fresh_submission, driver, stress):
    connector = fresh_submission().AsyncDBConnector

    async def drop_between_calls(_):
        for _ in range(3):
            await _call_and_drop(connector)
            gc.collect()
        return await get_with_connection(connector)

    [(instance, connection)] = stress.run_async(drop_between_calls, tasks=1)
    problem = instance_problem(instance, connection, connector, driver)
    assert problem is None, f"after three calls whose result was dropped: {problem}"
    assert driver.attempts() == 1, (
        f"aiodriver.open_connection() was called {driver.attempts()} times for four calls of "
        "get_instance(), each earlier result dropped and gc.collect() run in between: the class "
        "must keep its instance for the life of the process, whether or not a caller holds it"
    )
    assert connection is driver.opened()[0], (
        "after the callers dropped the instance and gc.collect() ran, get_instance() returned an "
        "instance holding another connection than the first one; it must be the same instance"
    )


def test_reset_instance_makes_the_next_call_connect_a_new_instance(
    fresh_submission, driver, stress
):
    connector = fresh_submission().AsyncDBConnector

    async def reset_between(_):
        first = await get_with_connection(connector)
        connector.reset_instance()
        second = await get_with_connection(connector)
        third = await get_with_connection(connector)
        return first, second, third

    [(first, second, third)] = stress.run_async(reset_between, tasks=1)
    problem = instance_problem(*first, connector, driver)
    assert problem is None, f"first call: {problem}"
    problem = instance_problem(*second, connector, driver)
    assert problem is None, f"first call after reset_instance(): {problem}"
    assert second[0] is not first[0], (
        "after reset_instance(), get_instance() returned the old instance; the next call must "
        "build and connect a new one"
    )
    assert driver.attempts() == 2 and second[1] is not first[1], (
        f"aiodriver.open_connection() was called {driver.attempts()} times for a call, "
        "reset_instance(), then two calls: the first call after the reset connects anew, the "
        "one after it does not"
    )
    assert third[0] is second[0], (
        "the second call after reset_instance() returned yet another object; it must return the "
        "new instance"
    )
