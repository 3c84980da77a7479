"""Concurrency: first construction raced by many threads, with the GIL disabled.

Every round builds a class nobody has instantiated yet and releases `stress.threads` threads
on one barrier so they all call it at once. Most rounds slow `__init__` down by 1-4 ms: a
check-then-act race then shows in every round instead of once in a while, so a verdict never
depends on luck. One test adds no delay at all, which is the race as free threading makes it.
"""

import time


def _observe_init(cls, delay):
    """Wrap cls.__init__: count its calls, sleep `delay` first, remember finished instances.

    Returns (calls, finished): the list gets one item per __init__ call; the dict maps id() to
    each instance whose __init__ has returned (holding it, so no id is reused meanwhile).
    """
    calls = []
    finished = {}
    original = cls.__init__

    def observed_init(self, *args, **kwargs):
        calls.append(1)
        if delay:
            time.sleep(delay)
        original(self, *args, **kwargs)
        finished[id(self)] = self

    cls.__init__ = observed_init
    return calls, finished


def _make_probe(meta, delay):
    """A new class using the student's metaclass whose __init__ is slow and marks completion."""
    calls = []

    class Probe(metaclass=meta):
        def __init__(self):
            calls.append(1)
            time.sleep(delay)
            self.ready = True

    return Probe, calls


def _distinct(objects):
    return len({id(obj) for obj in objects})


def test_concurrent_first_construction_of_database_connection_yields_one_instance(
    fresh_submission, stress
):
    for r in range(stress.rounds):
        mod = fresh_submission()
        delay = stress.latency(r)
        calls, finished = _observe_init(mod.DatabaseConnection, delay)

        def work(_):
            connection = mod.DatabaseConnection()
            return connection, id(connection) in finished

        results = stress.run(work)
        connections = [connection for connection, _ in results]
        slow = f"__init__ slowed by {delay * 1000:.1f} ms"
        count = _distinct(connections)
        assert count == 1, (
            f"round {r}: {count} different DatabaseConnection objects from {stress.threads} "
            f"threads started together ({slow}); all threads must get the same one"
        )
        assert len(calls) == 1, (
            f"round {r}: DatabaseConnection.__init__ ran {len(calls)} times when "
            f"{stress.threads} threads called DatabaseConnection() together ({slow}); "
            "it must run once"
        )
        early = sum(1 for _, was_finished in results if not was_finished)
        assert early == 0, (
            f"round {r}: {early} of {stress.threads} threads received the DatabaseConnection "
            f"before its __init__ had finished ({slow}); no thread may see a half-built instance"
        )


def test_concurrent_first_construction_of_a_slow_class_runs_init_once(fresh_submission, stress):
    mod = fresh_submission()
    for r in range(stress.rounds):
        delay = stress.latency(r)
        Probe, calls = _make_probe(mod.ThreadSafeSingletonMeta, delay)

        def work(_):
            probe = Probe()
            return probe, getattr(probe, "ready", False)

        results = stress.run(work)
        probes = [probe for probe, _ in results]
        slow = f"__init__ sleeps {delay * 1000:.1f} ms"
        count = _distinct(probes)
        assert count == 1, (
            f"round {r}: {count} different instances of a class using ThreadSafeSingletonMeta "
            f"from {stress.threads} threads started together ({slow}); all must get the same one"
        )
        assert len(calls) == 1, (
            f"round {r}: __init__ of a class using ThreadSafeSingletonMeta ran {len(calls)} "
            f"times when {stress.threads} threads called it together ({slow}); it must run once"
        )
        early = sum(1 for _, ready in results if not ready)
        assert early == 0, (
            f"round {r}: {early} of {stress.threads} threads received an instance whose "
            f"__init__ had not finished ({slow}); publish the instance only once it is built"
        )


def test_concurrent_first_construction_of_two_classes_keeps_them_apart(fresh_submission, stress):
    mod = fresh_submission()
    half = stress.threads // 2
    for r in range(max(1, stress.rounds // 4)):
        delay = stress.latency(r)
        Left, left_calls = _make_probe(mod.ThreadSafeSingletonMeta, delay)
        Right, right_calls = _make_probe(mod.ThreadSafeSingletonMeta, delay)

        def work(index):
            probe = Left() if index < half else Right()
            return probe, getattr(probe, "ready", False)

        results = stress.run(work)
        lefts = [probe for probe, _ in results[:half]]
        rights = [probe for probe, _ in results[half:]]
        slow = f"__init__ sleeps {delay * 1000:.1f} ms"
        assert _distinct(lefts) == 1 and _distinct(rights) == 1, (
            f"round {r}: two classes using the metaclass, each called by {half} threads at "
            f"once ({slow}): got {_distinct(lefts)} and {_distinct(rights)} instances; "
            "each class must get exactly one"
        )
        assert lefts[0] is not rights[0], (
            f"round {r}: two classes built at the same time got the same instance"
        )
        assert type(lefts[0]) is Left and type(rights[0]) is Right, (
            f"round {r}: a class built concurrently with another returned the other's instance"
        )
        assert (len(left_calls), len(right_calls)) == (1, 1), (
            f"round {r}: two classes built at the same time ran __init__ {len(left_calls)} and "
            f"{len(right_calls)} times ({slow}); each must run it once"
        )
        early = sum(1 for _, ready in results if not ready)
        assert early == 0, (
            f"round {r}: {early} threads received an instance whose __init__ had not finished "
            f"while two classes were built at once ({slow})"
        )


def test_concurrent_first_construction_without_added_latency_yields_one_instance(
    fresh_submission, stress
):
    for r in range(stress.rounds):
        mod = fresh_submission()
        calls, finished = _observe_init(mod.DatabaseConnection, 0)

        def work(_):
            connection = mod.DatabaseConnection()
            return connection, id(connection) in finished

        results = stress.run(work)
        count = _distinct(connection for connection, _ in results)
        assert count == 1, (
            f"round {r}: {count} different DatabaseConnection objects from {stress.threads} "
            "threads started together (no added delay, GIL disabled)"
        )
        assert len(calls) == 1, (
            f"round {r}: DatabaseConnection.__init__ ran {len(calls)} times when "
            f"{stress.threads} threads called DatabaseConnection() together (no added delay)"
        )
        early = sum(1 for _, was_finished in results if not was_finished)
        assert early == 0, (
            f"round {r}: {early} threads received the DatabaseConnection before its __init__ "
            "had finished (no added delay)"
        )
