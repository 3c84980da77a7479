"""Observers: DatabaseConnection forwards each message to every subscriber, in order, once.

Every test executes the submission afresh, so its DatabaseConnection starts with no
subscribers. None of the observers here inherits from anything: matching update() is enough.
Neither the connection nor its subscribers need anyone else to keep them alive; two tests
check that with gc.collect().
"""

import gc
import random


class Recorder:
    """An observer that writes (name, message) to a shared log."""

    def __init__(self, name, log):
        self.name = name
        self.log = log

    def update(self, message):
        self.log.append((self.name, message))


class Webhook:
    """No base class and no update method of its own: one is attached to the instance."""


def test_notify_all_calls_every_subscriber_once_in_subscription_order(fresh_submission):
    mod = fresh_submission()
    log = []
    recorders = [Recorder(f"dashboard-{n}", log) for n in range(20)]
    order = random.Random(20240).sample(recorders, k=len(recorders))
    connection = mod.DatabaseConnection()
    for recorder in order:
        connection.subscribe(recorder)
    connection.notify_all("System Alert")
    expected = [(recorder.name, "System Alert") for recorder in order]
    assert len(log) == len(expected), (
        f"notify_all with {len(expected)} subscribers made {len(log)} update() calls; "
        "each subscriber must be called exactly once"
    )
    assert sorted(log) == sorted(expected), (
        "notify_all did not call each subscriber's update() exactly once with the message"
    )
    assert log == expected, (
        "notify_all called the subscribers in another order than they subscribed in; "
        "they must be called in subscription order"
    )


def test_notify_all_passes_the_exact_message_each_time(fresh_submission):
    mod = fresh_submission()
    log = []
    first, second = Recorder("first", log), Recorder("second", log)
    connection = mod.DatabaseConnection()
    connection.subscribe(first)
    connection.subscribe(second)
    messages = ["Disk 91% full", "", "  CPU\tspike \u26a0 on node-7\n"]
    for message in messages:
        connection.notify_all(message)
    expected = [(name, message) for message in messages for name in ("first", "second")]
    assert log == expected, (
        f"after notify_all of {messages!r} the subscribers received {log!r}; "
        "each call must deliver its message, unchanged, to every subscriber once, in order"
    )


def test_notify_all_without_subscribers_does_nothing(fresh_submission):
    mod = fresh_submission()
    result = mod.DatabaseConnection().notify_all("nobody listens")
    assert result is None, f"notify_all returned {result!r}; it must return None"


def test_subscribers_survive_a_second_construction(fresh_submission):
    mod = fresh_submission()
    log = []
    # The test keeps the observers, not the connection, as code does that calls
    # DatabaseConnection().subscribe(...) and later DatabaseConnection().notify_all(...).
    early, late = Recorder("early", log), Recorder("late", log)
    mod.DatabaseConnection().subscribe(early)
    gc.collect()
    mod.DatabaseConnection().subscribe(late)
    gc.collect()
    mod.DatabaseConnection().notify_all("Deploy finished")
    assert log == [("early", "Deploy finished"), ("late", "Deploy finished")], (
        f"subscribing through one DatabaseConnection() call and notifying through another, "
        f"with no reference to the connection kept in between and gc.collect() run, delivered "
        f"{log!r}; the one connection and its subscribers must still be there on the next call"
    )


def test_the_connection_keeps_subscribers_nobody_else_refers_to(fresh_submission):
    mod = fresh_submission()
    log = []
    connection = mod.DatabaseConnection()
    for name in ("audit", "dashboard", "pager"):
        connection.subscribe(Recorder(name, log))
    gc.collect()
    connection.notify_all("System Alert")
    expected = [(name, "System Alert") for name in ("audit", "dashboard", "pager")]
    assert log == expected, (
        f"three observers that only the connection refers to, after gc.collect(), received "
        f"{log!r}; the connection must keep its subscribers itself, so they are notified "
        "even when nothing else holds them"
    )


def test_any_object_with_an_update_method_can_subscribe(fresh_submission):
    mod = fresh_submission()
    received = []
    hook = Webhook()
    hook.update = received.append
    connection = mod.DatabaseConnection()
    connection.subscribe(hook)
    connection.notify_all("duck typed")
    assert received == ["duck typed"], (
        f"an object whose update is a plain callable attribute received {received!r}; "
        "observers are matched by having update(message), not by a base class"
    )


def test_concurrent_subscribe_loses_no_observer(fresh_submission, stress):
    for r in range(max(1, stress.rounds // 4)):
        mod = fresh_submission()
        connection = mod.DatabaseConnection()
        log = []
        recorders = [Recorder(n, log) for n in range(stress.threads)]
        stress.run(lambda index: connection.subscribe(recorders[index]))
        connection.notify_all(f"round {r}")
        received = sorted(name for name, _ in log)
        missing = sorted(set(range(stress.threads)) - set(received))
        assert not missing, (
            f"round {r}: {stress.threads} threads subscribed at once, then one notify_all "
            f"reached only {stress.threads - len(missing)} of them; no subscription may be lost"
        )
        assert received == list(range(stress.threads)), (
            f"round {r}: after {stress.threads} concurrent subscriptions one notify_all made "
            f"{len(log)} update() calls; each observer must be called exactly once"
        )
        assert all(message == f"round {r}" for _, message in log), (
            f"round {r}: an observer subscribed concurrently received the wrong message"
        )
