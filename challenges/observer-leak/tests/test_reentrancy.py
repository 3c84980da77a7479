"""Reentrancy: a callback may unsubscribe itself, or subscribe another, during publish.

Every publish here runs through `within_deadline` (conftest.py): a publish that deadlocks when
a callback calls back into the bus fails after a few seconds instead of hanging the grading.
Which of them a subscriber added during a publish sees is left open: it may or may not be
called by that same publish.
"""


class Recorder:
    def __init__(self, name, log):
        self.name = name
        self.log = log

    def __call__(self, *args):
        self.log.append(self.name)


class Quitter(Recorder):
    """Unsubscribes itself the first time it is called."""

    def __init__(self, name, log, bus):
        super().__init__(name, log)
        self.bus = bus
        self.quit = False

    def __call__(self, *args):
        super().__call__(*args)
        if not self.quit:
            self.quit = True
            self.bus.unsubscribe(self)


class Recruiter(Recorder):
    """Subscribes `recruit` the first time it is called."""

    def __init__(self, name, log, bus, recruit):
        super().__init__(name, log)
        self.bus = bus
        self.recruit = recruit
        self.done = False

    def __call__(self, *args):
        super().__call__(*args)
        if not self.done:
            self.done = True
            self.bus.subscribe(self.recruit)


class Successor(Recorder):
    """Unsubscribes itself and subscribes `heir` in its place, the first time it is called."""

    def __init__(self, name, log, bus, heir):
        super().__init__(name, log)
        self.bus = bus
        self.heir = heir
        self.done = False

    def __call__(self, *args):
        super().__call__(*args)
        if not self.done:
            self.done = True
            self.bus.unsubscribe(self)
            self.bus.subscribe(self.heir)


def test_a_callback_that_unsubscribes_itself_makes_publish_skip_no_one(submission, within_deadline):
    bus = submission.EventBus()
    log = []
    first, third, fourth = Recorder("first", log), Recorder("third", log), Recorder("fourth", log)
    quitter = Quitter("quitter", log, bus)
    for callback in (first, quitter, third, fourth):
        bus.subscribe(callback)
    count = within_deadline(
        lambda: bus.publish("tick"), "publish, while a callback unsubscribed itself,"
    )
    assert log == ["first", "quitter", "third", "fourth"], (
        f"subscribers first, quitter, third, fourth; quitter unsubscribes itself when called. "
        f"publish called {log}: every subscriber must still be called once, none skipped"
    )
    assert count == 4, f"publish called 4 subscribers and returned {count!r}"
    log.clear()
    count = within_deadline(lambda: bus.publish("tock"), "the next publish")
    assert log == ["first", "third", "fourth"] and count == 3 and len(bus) == 3, (
        f"after quitter unsubscribed itself, the next publish called {log} and returned "
        f"{count!r}, len(bus) is {len(bus)}; quitter must be gone and the others stay"
    )


def test_every_subscriber_may_unsubscribe_itself_in_one_publish(submission, within_deadline):
    bus = submission.EventBus()
    log = []
    quitters = [Quitter(f"q{n}", log, bus) for n in range(6)]
    for quitter in quitters:
        bus.subscribe(quitter)
    count = within_deadline(
        lambda: bus.publish("last call"), "publish, while each callback unsubscribed itself,"
    )
    assert log == [f"q{n}" for n in range(6)] and count == 6, (
        f"six subscribers that each unsubscribe themselves when called: publish called {log} "
        f"and returned {count!r}; all six must be called once, in order"
    )
    assert len(bus) == 0, f"every subscriber unsubscribed itself, yet len(bus) is {len(bus)}"
    log.clear()
    count = within_deadline(lambda: bus.publish("anyone?"), "the next publish")
    assert log == [] and count == 0, f"the next publish still called {log}"


def test_a_callback_may_subscribe_another_during_publish(submission, within_deadline):
    bus = submission.EventBus()
    log = []
    recruit = Recorder("recruit", log)
    recruiter = Recruiter("recruiter", log, bus, recruit)
    second = Recorder("second", log)
    bus.subscribe(recruiter)
    bus.subscribe(second)
    count = within_deadline(lambda: bus.publish("one"), "publish, while a callback subscribed another,")
    assert log in (["recruiter", "second"], ["recruiter", "second", "recruit"]), (
        f"recruiter subscribes recruit when called, then second is due: publish called {log}. "
        "Every subscriber of the time publish began is called once; recruit may be called "
        "once, after them, or not at all"
    )
    assert count == len(log), f"publish made {len(log)} calls and returned {count!r}"
    log.clear()
    count = within_deadline(lambda: bus.publish("two"), "the next publish")
    assert log == ["recruiter", "second", "recruit"] and count == 3 and len(bus) == 3, (
        f"the publish after recruit was subscribed called {log} and returned {count!r}, "
        f"len(bus) is {len(bus)}; recruit must now be a subscriber, called after the others"
    )


def test_a_callback_may_replace_itself_during_publish(submission, within_deadline):
    bus = submission.EventBus()
    log = []
    heir = Recorder("heir", log)
    first, last = Recorder("first", log), Recorder("last", log)
    successor = Successor("successor", log, bus, heir)
    for callback in (first, successor, last):
        bus.subscribe(callback)
    count = within_deadline(lambda: bus.publish("one"), "publish, while a callback replaced itself,")
    assert log in (["first", "successor", "last"], ["first", "successor", "last", "heir"]), (
        f"successor unsubscribes itself and subscribes heir when called: publish called {log}; "
        "first, successor and last must each be called once (heir may be, after them)"
    )
    assert count == len(log), f"publish made {len(log)} calls and returned {count!r}"
    log.clear()
    count = within_deadline(lambda: bus.publish("two"), "the next publish")
    assert log == ["first", "last", "heir"] and count == 3 and len(bus) == 3, (
        f"after successor replaced itself with heir, publish called {log} and returned "
        f"{count!r}, len(bus) is {len(bus)}"
    )
