"""Concurrent first calls on one event loop: many tasks ask for the instance before it exists.

Each round executes the submission afresh (a class nobody has built yet) and runs on an event
loop of its own. Connecting is slowed (1-4 ms, or 20 ms), so every task arrives while the
first connect is still under way: an unguarded check-then-await-then-set shows every round.
"""

import asyncio

from connector_checks import count_distinct, get_with_connection, instance_problem

GATHERED = 1000
TASKS_PER_ROUND = 32


def test_a_thousand_calls_gathered_at_once_share_one_instance_and_one_connection(
    fresh_submission, driver, stress
):
    connector = fresh_submission().AsyncDBConnector
    driver.configure(delay=0.02)

    async def gather_calls(_):
        return await asyncio.gather(*(get_with_connection(connector) for _ in range(GATHERED)))

    [results] = stress.run_async(gather_calls, tasks=1)
    count = count_distinct(instance for instance, _ in results)
    assert count == 1, (
        f"{GATHERED} calls of get_instance() gathered at once returned {count} different "
        "objects; they must all get the one instance"
    )
    assert driver.attempts() == 1, (
        f"{GATHERED} calls gathered at once called aiodriver.open_connection() "
        f"{driver.attempts()} times; exactly one connection may be opened"
    )
    problems = {instance_problem(*result, connector, driver) for result in results} - {None}
    assert not problems, (
        f"of {GATHERED} calls gathered at once, some got an instance that was not ready: "
        f"{sorted(problems)[0]}"
    )


def test_concurrent_first_calls_on_one_event_loop_build_one_instance(
    fresh_submission, driver, stress
):
    for round_index in range(stress.rounds):
        connector = fresh_submission().AsyncDBConnector
        driver.reset()
        driver.configure(before_open=lambda _attempt: stress.async_latency(round_index))

        async def call(_):
            return await get_with_connection(connector)

        results = stress.run_async(call, tasks=TASKS_PER_ROUND)
        count = count_distinct(instance for instance, _ in results)
        assert count == 1, (
            f"round {round_index}: {TASKS_PER_ROUND} tasks released together on one event loop "
            f"got {count} different objects from get_instance() (connecting takes 1-4 ms); "
            "they must all get the one instance"
        )
        assert driver.attempts() == 1, (
            f"round {round_index}: {TASKS_PER_ROUND} tasks released together called "
            f"aiodriver.open_connection() {driver.attempts()} times; only one may connect"
        )
        problems = {instance_problem(*result, connector, driver) for result in results} - {None}
        assert not problems, f"round {round_index}: {sorted(problems)[0]}"
