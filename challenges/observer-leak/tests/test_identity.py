"""Identity: one subscription per callback, recognised by identity, never by ==.

`obj.method` builds a new bound-method object each time it is evaluated, so the tests always
write the expression again rather than reusing one method object. Two objects that compare
equal (with equal hashes) are still two objects: their methods are two subscribers.
"""

import gc


class Handler:
    def __init__(self, name, log):
        self.name = name
        self.log = log

    def on_event(self, *args):
        self.log.append(f"{self.name}.on_event")

    def on_error(self, *args):
        self.log.append(f"{self.name}.on_error")


class Twin(Handler):
    """Every Twin compares equal to every other Twin, and they all hash alike."""

    def __eq__(self, other):
        return isinstance(other, Twin)

    def __hash__(self):
        return 7


class Recorder:
    def __init__(self, name, log):
        self.name = name
        self.log = log

    def __call__(self, *args):
        self.log.append(self.name)


def make_function(name, log):
    def callback(*args):
        log.append(name)

    return callback


def test_subscribing_the_same_function_twice_calls_it_once(submission):
    bus = submission.EventBus()
    log = []
    function = make_function("function", log)
    bus.subscribe(function)
    bus.subscribe(function)
    count = bus.publish("tick")
    assert log == ["function"] and count == 1 and len(bus) == 1, (
        f"the same function subscribed twice: publish called {log}, returned {count!r}, and "
        f"len(bus) is {len(bus)}; a callback subscribed again is still one subscriber"
    )


def test_subscribing_the_same_callable_object_twice_calls_it_once(submission):
    bus = submission.EventBus()
    log = []
    recorder = Recorder("recorder", log)
    bus.subscribe(recorder)
    bus.subscribe(recorder)
    count = bus.publish("tick")
    assert log == ["recorder"] and count == 1 and len(bus) == 1, (
        f"the same callable object subscribed twice: publish called {log}, returned "
        f"{count!r}, and len(bus) is {len(bus)}; it is one subscriber"
    )


def test_the_same_method_of_the_same_object_subscribed_twice_is_called_once(submission):
    bus = submission.EventBus()
    log = []
    handler = Handler("h", log)
    bus.subscribe(handler.on_event)
    bus.subscribe(handler.on_event)  # a second, new bound-method object
    gc.collect()
    count = bus.publish("tick")
    assert log == ["h.on_event"] and count == 1 and len(bus) == 1, (
        f"subscribe(handler.on_event) written twice: publish called {log}, returned "
        f"{count!r}, and len(bus) is {len(bus)}. Each `handler.on_event` is a new method "
        "object, but it is the same object's same method: one subscriber"
    )


def test_two_methods_of_one_object_are_two_subscribers(submission):
    bus = submission.EventBus()
    log = []
    handler = Handler("h", log)
    bus.subscribe(handler.on_event)
    bus.subscribe(handler.on_error)
    gc.collect()
    count = bus.publish("tick")
    assert log == ["h.on_event", "h.on_error"] and count == 2 and len(bus) == 2, (
        f"two different methods of one object subscribed: publish called {log} and returned "
        f"{count!r}, len(bus) is {len(bus)}; they are two subscribers"
    )
    log.clear()
    bus.unsubscribe(handler.on_event)
    count = bus.publish("tick")
    assert log == ["h.on_error"] and count == 1, (
        f"after unsubscribe(handler.on_event), publish called {log}; the object's other "
        "subscribed method must stay subscribed"
    )


def test_methods_of_two_objects_that_compare_equal_are_two_subscribers(submission):
    bus = submission.EventBus()
    log = []
    left, right = Twin("left", log), Twin("right", log)
    assert left == right and hash(left) == hash(right)
    bus.subscribe(left.on_event)
    bus.subscribe(right.on_event)
    gc.collect()
    count = bus.publish("tick")
    assert log == ["left.on_event", "right.on_event"] and count == 2 and len(bus) == 2, (
        f"the same method of two different objects that compare equal (==, same hash) was "
        f"subscribed: publish called {log}, returned {count!r}, len(bus) is {len(bus)}. They "
        "are two subscribers: recognise a method by the identity of its object (`is`), not "
        "by == (which is how WeakMethod and weakref.ref compare)"
    )
    log.clear()
    bus.unsubscribe(right.on_event)
    count = bus.publish("tick")
    assert log == ["left.on_event"] and count == 1, (
        f"two equal objects' methods subscribed, then unsubscribe(right.on_event): publish "
        f"called {log}; only right's method may go, whatever == says"
    )


def test_unsubscribe_accepts_a_fresh_bound_method_expression(submission):
    bus = submission.EventBus()
    log = []
    first, second = Handler("first", log), Handler("second", log)
    bus.subscribe(first.on_event)
    bus.subscribe(second.on_event)
    gc.collect()
    bus.unsubscribe(first.on_event)  # a new method object, not the one subscribed
    count = bus.publish("tick")
    assert log == ["second.on_event"] and count == 1 and len(bus) == 1, (
        f"subscribe(first.on_event), subscribe(second.on_event), then "
        f"unsubscribe(first.on_event): publish called {log} and returned {count!r}, len(bus) "
        f"is {len(bus)}. `first.on_event` written again is a new method object of the same "
        "object and function, and it must unsubscribe that method"
    )
