"""Delivery: publish calls every subscriber with its arguments, in subscription order.

The test keeps every callback it subscribes in a local variable, so nothing here depends on
how the bus holds them. Callbacks are plain functions and callable objects.
"""

import random


class Recorder:
    """A callable object that logs its name and the arguments it was called with."""

    def __init__(self, name, log):
        self.label = name
        self.log = log

    def __call__(self, *args, **kwargs):
        self.log.append((self.label, args, kwargs))


def make_function(name, log):
    """A new plain function (a closure) that logs like a Recorder."""

    def callback(*args, **kwargs):
        log.append((name, args, kwargs))

    callback.label = name
    return callback


def names(log):
    return [name for name, _, _ in log]


def test_publish_passes_positional_and_keyword_arguments_unchanged(submission):
    bus = submission.EventBus()
    log = []
    function, recorder = make_function("function", log), Recorder("object", log)
    bus.subscribe(function)
    bus.subscribe(recorder)
    payload = {"node": "db-7"}
    count = bus.publish("disk", 91, level="warn", extra=payload)
    expected = [
        ("function", ("disk", 91), {"level": "warn", "extra": payload}),
        ("object", ("disk", 91), {"level": "warn", "extra": payload}),
    ]
    assert log == expected, (
        f"publish('disk', 91, level='warn', extra={payload!r}) made these calls: {log!r}; "
        "every subscriber must be called once with the same positional and keyword arguments"
    )
    assert log[0][2]["extra"] is payload, "publish must pass the argument objects themselves"
    assert count == 2, f"publish called 2 subscribers and returned {count!r}; it returns how many it called"
    log.clear()
    count = bus.publish()
    assert log == [("function", (), {}), ("object", (), {})], (
        f"publish() with no arguments made these calls: {log!r}; each subscriber must be "
        "called with no arguments"
    )
    assert count == 2, f"publish() called 2 subscribers and returned {count!r}"


def test_publish_calls_subscribers_in_subscription_order(submission):
    bus = submission.EventBus()
    log = []
    callbacks = [
        make_function(f"function-{n}", log) if n % 2 else Recorder(f"object-{n}", log)
        for n in range(20)
    ]
    order = random.Random(1303).sample(callbacks, k=len(callbacks))
    for callback in order:
        bus.subscribe(callback)
    count = bus.publish("tick")
    expected = [callback.label for callback in order]
    assert sorted(names(log)) == sorted(expected), (
        f"with 20 subscribers, publish made {len(log)} calls to {sorted(set(names(log)))}; "
        "each subscriber must be called exactly once"
    )
    assert names(log) == expected, (
        "publish called the subscribers in another order than they subscribed in; "
        "they must be called in subscription order"
    )
    assert count == 20, f"publish called 20 subscribers and returned {count!r}"


def test_an_empty_bus_has_no_subscribers_and_publishes_to_nobody(submission):
    bus = submission.EventBus()
    assert len(bus) == 0, f"len() of a new EventBus is {len(bus)}; it must be 0"
    count = bus.publish("anyone?")
    assert count == 0, f"publish on a bus with no subscribers returned {count!r}; it must return 0"


def test_len_counts_the_subscribers(submission):
    bus = submission.EventBus()
    log = []
    callbacks = [make_function(f"f{n}", log) for n in range(3)] + [Recorder(f"r{n}", log) for n in range(2)]
    for seen, callback in enumerate(callbacks, start=1):
        bus.subscribe(callback)
        assert len(bus) == seen, f"after {seen} subscribe() calls len(bus) is {len(bus)}"
    bus.unsubscribe(callbacks[1])
    bus.unsubscribe(callbacks[3])
    assert len(bus) == 3, f"5 subscribers, 2 unsubscribed: len(bus) is {len(bus)}, not 3"


def test_an_unsubscribed_callback_is_no_longer_called_and_the_rest_keep_their_order(submission):
    bus = submission.EventBus()
    log = []
    a, b, c, d = (Recorder("a", log), make_function("b", log), Recorder("c", log), make_function("d", log))
    for callback in (a, b, c, d):
        bus.subscribe(callback)
    bus.unsubscribe(b)
    bus.unsubscribe(c)
    count = bus.publish("after")
    assert names(log) == ["a", "d"], (
        f"subscribed a, b, c, d, then unsubscribed b (a function) and c (a callable object): "
        f"publish called {names(log)}, not ['a', 'd']"
    )
    assert count == 2, f"publish called 2 subscribers and returned {count!r}"
    log.clear()
    bus.subscribe(b)
    count = bus.publish("again")
    assert names(log) == ["a", "d", "b"], (
        f"b subscribed again after being unsubscribed: publish called {names(log)}, "
        "not ['a', 'd', 'b']; a callback can subscribe again after unsubscribing"
    )
    assert count == 3, f"publish called 3 subscribers and returned {count!r}"


def test_unsubscribing_an_unknown_callback_is_not_an_error(submission):
    bus = submission.EventBus()
    log = []
    kept = Recorder("kept", log)
    bus.subscribe(kept)
    never_function, never_object = make_function("never", log), Recorder("never", log)
    for callback, what in ((never_function, "a function"), (never_object, "a callable object")):
        try:
            bus.unsubscribe(callback)
        except Exception as exc:
            raise AssertionError(
                f"unsubscribe of {what} that was never subscribed raised "
                f"{type(exc).__name__}: {exc}; an unknown callback is not an error"
            ) from None
    bus.unsubscribe(kept)
    try:
        bus.unsubscribe(kept)
    except Exception as exc:
        raise AssertionError(
            f"unsubscribing the same callback a second time raised {type(exc).__name__}: {exc}; "
            "a callback that is no longer subscribed is unknown, and that is not an error"
        ) from None
    assert len(bus) == 0 and bus.publish("x") == 0 and log == [], (
        "after unsubscribing the only subscriber, the bus still has or calls a subscriber"
    )


def test_each_bus_has_its_own_subscribers(submission):
    first, second = submission.EventBus(), submission.EventBus()
    log = []
    one, two = Recorder("one", log), Recorder("two", log)
    first.subscribe(one)
    second.subscribe(two)
    assert (len(first), len(second)) == (1, 1), (
        f"one subscriber on each of two buses: len() gives {len(first)} and {len(second)}; "
        "each EventBus has its own subscribers"
    )
    count = first.publish("only the first")
    assert names(log) == ["one"] and count == 1, (
        f"publishing on one bus called {names(log)}; only that bus's subscribers are called"
    )
