"""Weak: the bus never keeps a subscriber, or the object that owns it, alive.

Each test subscribes a callback, checks it is called while its owner lives, then drops every
reference the test holds, runs gc.collect() and checks, in this order, that the owner has been
collected (through a weak reference the test kept), that len(bus) no longer counts it, and
that publish no longer calls it. The log records names only, never the objects.
"""

import gc
import weakref


class Handler:
    """Subscribes with its bound method, the classic case."""

    def __init__(self, name, log):
        self.name = name
        self.log = log

    def on_event(self, *args):
        self.log.append(self.name)


class Recorder:
    """A callable object."""

    def __init__(self, name, log):
        self.name = name
        self.log = log

    def __call__(self, *args):
        self.log.append(self.name)


def make_function(name, log):
    """A new plain function (a closure) each call."""

    def callback(*args):
        log.append(name)

    return callback


def assert_gone(bus, log, owner_ref, what, remaining=0):
    """After the test dropped the owner: collected, not counted, not called."""
    gc.collect()
    assert owner_ref() is None, (
        f"{what} was still alive after the test dropped every reference to it and ran "
        "gc.collect(): the bus keeps it alive. Hold subscribers through weak references"
    )
    assert len(bus) == remaining, (
        f"after {what} was collected, len(bus) is {len(bus)}, not {remaining}: "
        "len counts live subscribers only"
    )
    log.clear()
    count = bus.publish("after")
    assert count == remaining, (
        f"after {what} was collected, publish returned {count!r}, not {remaining}"
    )


def test_a_function_is_called_while_it_lives_and_dropped_once_collected(submission):
    bus = submission.EventBus()
    log = []
    function = make_function("function", log)
    bus.subscribe(function)
    gc.collect()
    count = bus.publish("tick")
    assert log == ["function"] and count == 1, (
        f"a subscribed function that the caller still holds: publish made the calls {log} and "
        f"returned {count!r}; it must be called once and counted"
    )
    owner = weakref.ref(function)
    del function
    assert_gone(bus, log, owner, "a subscribed function")
    assert log == [], "publish called a function after it had been collected"


def test_a_bound_method_is_called_while_its_object_lives_and_dropped_once_collected(submission):
    bus = submission.EventBus()
    log = []
    handler = Handler("handler", log)
    bus.subscribe(handler.on_event)
    gc.collect()  # the bound-method object built for the call above is gone by now
    assert len(bus) == 1, (
        f"after subscribe(handler.on_event), with the handler alive, len(bus) is {len(bus)}; "
        "a weak reference to a bound method dies at once, since nobody else holds that "
        "method object: keep it through weakref.WeakMethod"
    )
    count = bus.publish("tick")
    assert log == ["handler"] and count == 1, (
        f"subscribe(handler.on_event) while the handler is alive: publish made the calls {log} "
        f"and returned {count!r}. A weak reference to a bound method dies at once, since "
        "nobody else holds that method object: keep it through weakref.WeakMethod"
    )
    owner = weakref.ref(handler)
    del handler
    assert_gone(bus, log, owner, "an object whose bound method was subscribed")
    assert log == [], "publish called a bound method after its object had been collected"


def test_a_callable_object_is_called_while_it_lives_and_dropped_once_collected(submission):
    bus = submission.EventBus()
    log = []
    recorder = Recorder("recorder", log)
    bus.subscribe(recorder)
    gc.collect()
    count = bus.publish("tick")
    assert log == ["recorder"] and count == 1, (
        f"a subscribed callable object that the caller still holds: publish made the calls "
        f"{log} and returned {count!r}; it must be called once and counted"
    )
    owner = weakref.ref(recorder)
    del recorder
    assert_gone(bus, log, owner, "a subscribed callable object")
    assert log == [], "publish called a callable object after it had been collected"


def test_an_inline_lambda_that_nobody_references_is_dropped(submission):
    bus = submission.EventBus()
    log = []
    bus.subscribe(lambda *args: log.append("lambda"))
    gc.collect()
    assert len(bus) == 0, (
        f"after subscribe(lambda ...) with nothing else referring to the lambda and "
        f"gc.collect(), len(bus) is {len(bus)}; the bus holds callbacks weakly, so it is gone"
    )
    count = bus.publish("tick")
    assert log == [] and count == 0, (
        f"a lambda that only the bus referred to was called ({log}) and publish returned "
        f"{count!r}; once collected it must not be called"
    )


def test_collected_subscribers_leave_the_others_called_in_order(submission):
    bus = submission.EventBus()
    log = []
    callbacks = []
    for n in range(30):
        kind = n % 3
        if kind == 0:
            handler = Handler(f"s{n}", log)
            callbacks.append(handler)
            bus.subscribe(handler.on_event)
        elif kind == 1:
            recorder = Recorder(f"s{n}", log)
            callbacks.append(recorder)
            bus.subscribe(recorder)
        else:
            function = make_function(f"s{n}", log)
            callbacks.append(function)
            bus.subscribe(function)
    del handler, recorder, function
    gc.collect()
    assert bus.publish("all") == 30 and len(log) == 30, (
        f"30 subscribers held by the caller (methods, callable objects, functions): "
        f"publish made {len(log)} calls"
    )
    dropped = [weakref.ref(callback) for callback in callbacks[1::2]]
    del callbacks[1::2]
    gc.collect()
    alive = sum(1 for ref in dropped if ref() is not None)
    assert alive == 0, (
        f"{alive} of 15 dropped subscribers were still alive after gc.collect(): "
        "the bus keeps them alive"
    )
    assert len(bus) == 15, f"15 of 30 subscribers collected: len(bus) is {len(bus)}, not 15"
    log.clear()
    count = bus.publish("half")
    expected = [f"s{n}" for n in range(0, 30, 2)]
    assert log == expected and count == 15, (
        f"after half of the subscribers were collected, publish called {log} and returned "
        f"{count!r}; the 15 live ones must be called in subscription order"
    )


def test_a_new_object_is_subscribed_even_if_a_collected_one_had_the_same_id(submission):
    # The memory of a collected object is reused soon, so a new object often gets its id().
    bus = submission.EventBus()
    log = []
    for n in range(10):
        old = Handler("old", log)
        bus.subscribe(old.on_event)
        del old
        gc.collect()
        new = Handler("new", log)
        bus.subscribe(new.on_event)
        log.clear()
        count = bus.publish("tick")
        assert log == ["new"] and count == 1, (
            f"a handler's method was subscribed and the handler collected; then a new "
            f"handler's method was subscribed: publish called {log} and returned {count!r} "
            f"(round {n}). A callback whose owner is gone is forgotten, and a new object "
            "is a new subscriber even where it reuses the old one's id()"
        )
        del new
        gc.collect()
