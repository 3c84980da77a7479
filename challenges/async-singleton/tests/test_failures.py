"""A failed connect is not cached: the driver is told to refuse connections.

The caller whose call ran the failing connect gets the driver's exception. Callers that were
waiting for it may get that exception too, or try again themselves; either is fine, but none
may wait for ever, and whoever gets an instance gets a connected one. Nothing failed is kept:
the next call connects again. Each test runs on one event loop of its own and executes the
submission afresh.
"""

import asyncio

from connector_checks import (
    HANG_SECONDS,
    count_distinct,
    get_with_connection,
    instance_problem,
    settle,
    settle_all,
)

TASKS = 32


def test_a_failed_connect_raises_for_its_caller_and_the_next_call_connects_again(
    fresh_submission, driver, stress
):
    connector = fresh_submission().AsyncDBConnector
    driver.configure(fail_next=1)

    async def fail_then_call(_):
        failed = await settle(asyncio.ensure_future(get_with_connection(connector)))
        then = await settle(asyncio.ensure_future(get_with_connection(connector)))
        if not then.returned:
            return failed, then, None
        again = await settle(asyncio.ensure_future(get_with_connection(connector)))
        return failed, then, again

    [(failed, then, again)] = stress.run_async(fail_then_call, tasks=1)
    assert isinstance(failed.error, driver.ConnectError), (
        "aiodriver.open_connection() raised ConnectError, and the get_instance() call that ran "
        f"it {failed.describe()}; it must raise the driver's exception to its caller"
    )
    assert then.returned, (
        f"after a failed connect, the next get_instance() call {then.describe()}; it must "
        "connect again and return a connected instance"
    )
    problem = instance_problem(*then.value, connector, driver)
    assert problem is None, f"the call after a failed connect: {problem}"
    assert driver.attempts() == 2, (
        f"a failed call, then two more, called aiodriver.open_connection() {driver.attempts()} "
        "times; the call after the failure connects again, the one after it does not"
    )
    assert again.returned and again.value[0] is then.value[0], (
        f"the second call after a failed connect {again.describe()}; it must return the "
        "instance the call before it connected"
    )


def test_when_every_connect_fails_every_caller_gets_the_error_and_none_hangs(
    fresh_submission, driver, stress
):
    connector = fresh_submission().AsyncDBConnector
    delay = stress.latency(0)

    async def all_refused(_):
        driver.configure(fail_next=10**9, delay=delay)
        tasks = [asyncio.ensure_future(get_with_connection(connector)) for _ in range(TASKS)]
        outcomes = await settle_all(tasks)
        if any(outcome.hung for outcome in outcomes):
            return outcomes, None  # one wait for ever is enough to report
        driver.configure(delay=delay)  # connecting works again
        after = await settle(asyncio.ensure_future(get_with_connection(connector)))
        return outcomes, after

    [(outcomes, after)] = stress.run_async(all_refused, tasks=1)
    hung = sum(outcome.hung for outcome in outcomes)
    assert not hung, (
        f"{hung} of {TASKS} concurrent get_instance() calls were still waiting "
        f"{HANG_SECONDS:.0f} s after every connect had failed; a waiter must get the "
        "exception or try again itself"
    )
    wrong = [outcome for outcome in outcomes if not isinstance(outcome.error, driver.ConnectError)]
    assert not wrong, (
        f"while every connect failed with ConnectError, {len(wrong)} of {TASKS} concurrent "
        f"get_instance() calls did otherwise: one {wrong[0].describe()}; each must get the "
        "driver's exception (its own, or the one of the connect it waited for)"
    )
    assert after.returned, (
        f"once connecting worked again, the next get_instance() call {after.describe()}; a "
        "failure must not be kept: the next call connects"
    )
    problem = instance_problem(*after.value, connector, driver)
    assert problem is None, f"the first call once connecting worked again: {problem}"
    assert len(driver.opened()) == 1, (
        f"{len(driver.opened())} connections were opened; one call succeeded, so one connection"
    )


def test_after_one_failed_connect_the_callers_that_succeed_share_one_instance(
    fresh_submission, driver, stress
):
    connector = fresh_submission().AsyncDBConnector
    delay = stress.latency(1)

    async def first_refused(_):
        driver.configure(fail_next=1, delay=delay)
        tasks = [asyncio.ensure_future(get_with_connection(connector)) for _ in range(TASKS)]
        outcomes = await settle_all(tasks)
        if any(outcome.hung for outcome in outcomes):
            return outcomes, None  # one wait for ever is enough to report
        after = await settle(asyncio.ensure_future(get_with_connection(connector)))
        return outcomes, after

    [(outcomes, after)] = stress.run_async(first_refused, tasks=1)
    hung = sum(outcome.hung for outcome in outcomes)
    assert not hung, (
        f"{hung} of {TASKS} concurrent get_instance() calls were still waiting "
        f"{HANG_SECONDS:.0f} s after the first connect failed"
    )
    refused = [outcome for outcome in outcomes if isinstance(outcome.error, driver.ConnectError)]
    assert refused, (
        f"the first connect failed, yet none of {TASKS} concurrent get_instance() calls raised "
        "its ConnectError; the caller whose call ran it must get it"
    )
    other = [
        outcome for outcome in outcomes
        if not outcome.returned and not isinstance(outcome.error, driver.ConnectError)
    ]
    assert not other, (
        f"after one failed connect, a concurrent get_instance() call {other[0].describe()}; "
        "each must either raise the ConnectError or return the instance"
    )
    assert after.returned, (
        f"after one failed connect, a later get_instance() call {after.describe()}"
    )
    returned = [outcome.value for outcome in outcomes if outcome.returned] + [after.value]
    problems = {instance_problem(*result, connector, driver) for result in returned} - {None}
    assert not problems, f"after one failed connect: {sorted(problems)[0]}"
    count = count_distinct(instance for instance, _ in returned)
    assert count == 1, (
        f"after one failed connect, the calls that succeeded got {count} different instances; "
        "the callers that try again must still share one"
    )
    assert len(driver.opened()) == 1, (
        f"after one failed connect, {len(driver.opened())} connections were opened; the callers "
        "that try again must still open only one"
    )
