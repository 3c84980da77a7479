"""Observer: Subject calls update(message) once per attached observer, in attach order.

Observers here record into one shared log, so order across observers is visible. Some compare
equal to each other and are unhashable, on purpose: observers are told apart by identity.
"""


class Recorder:
    """An observer that logs (name, message) for every update."""

    def __init__(self, name, log):
        self.name = name
        self.log = log

    def update(self, message):
        self.log.append((self.name, message))


class EqualRecorder(Recorder):
    """Compares equal to every other EqualRecorder, and so is unhashable."""

    def __eq__(self, other):
        return isinstance(other, EqualRecorder)

    __hash__ = None


class Acting(Recorder):
    """Logs, then runs `action(self)` during its update."""

    def __init__(self, name, log, action):
        super().__init__(name, log)
        self.action = action

    def update(self, message):
        super().update(message)
        self.action(self)


def _names(log):
    return [name for name, _ in log]


def test_notify_calls_every_observer_once_in_attach_order(fresh_submission):
    module = fresh_submission()
    log = []
    subject = module.Subject()
    for name in ("a", "b", "c", "d", "e"):
        subject.attach(Recorder(name, log))
    subject.notify("disk 91% full")
    assert log == [(name, "disk 91% full") for name in "abcde"], (
        f"five observers attached as a, b, c, d, e; notify('disk 91% full') made the calls "
        f"{log!r}; expected each update(message) once, in attach order"
    )


def test_each_notify_passes_its_message_unchanged(fresh_submission):
    module = fresh_submission()
    log = []
    subject = module.Subject()
    subject.attach(Recorder("a", log))
    for message in ("", "héllo ✓", "line one\nline two"):
        subject.notify(message)
    assert log == [("a", ""), ("a", "héllo ✓"), ("a", "line one\nline two")], (
        f"three notify calls gave the updates {log!r}; each message must reach update() as given"
    )


def test_notify_with_no_observers_does_nothing(fresh_submission):
    module = fresh_submission()
    module.Subject().notify("nobody listens")


def test_two_subjects_keep_their_own_observers(fresh_submission):
    module = fresh_submission()
    log = []
    first, second = module.Subject(), module.Subject()
    first.attach(Recorder("first's", log))
    second.attach(Recorder("second's", log))
    first.notify("one")
    assert log == [("first's", "one")], (
        f"with one observer on each of two subjects, the first subject's notify made {log!r}; "
        "each Subject keeps its own observers"
    )


def test_attaching_the_same_observer_twice_notifies_it_once(fresh_submission):
    module = fresh_submission()
    log = []
    subject = module.Subject()
    twice = Recorder("twice", log)
    subject.attach(twice)
    subject.attach(Recorder("other", log))
    subject.attach(twice)
    subject.notify("m")
    assert _names(log) == ["twice", "other"], (
        f"an observer attached twice (then another once) gave the calls {_names(log)}; "
        "the same object attached again is still one observer, notified once, in the place "
        "it was first attached"
    )


def test_unhashable_observers_that_compare_equal_are_separate_observers(fresh_submission):
    module = fresh_submission()
    log = []
    subject = module.Subject()
    first, second = EqualRecorder("first", log), EqualRecorder("second", log)
    subject.attach(first)
    subject.attach(second)
    subject.attach(first)
    subject.notify("m")
    assert _names(log) == ["first", "second"], (
        "two different observers that compare equal (==) and are unhashable, the first one "
        f"attached twice, gave the calls {_names(log)}; observers are told apart by identity "
        "(is), not by ==, and need not be hashable: expected ['first', 'second']"
    )


def test_detach_stops_notifications_and_keeps_the_others_in_order(fresh_submission):
    module = fresh_submission()
    log = []
    subject = module.Subject()
    a, b, c = Recorder("a", log), Recorder("b", log), Recorder("c", log)
    for observer in (a, b, c):
        subject.attach(observer)
    subject.detach(b)
    subject.notify("m")
    assert _names(log) == ["a", "c"], (
        f"after attaching a, b, c and detaching b, notify made the calls {_names(log)}; "
        "expected ['a', 'c']"
    )
    log.clear()
    subject.attach(b)
    subject.notify("m")
    assert _names(log) == ["a", "c", "b"], (
        f"b detached and attached again gave the calls {_names(log)}; expected ['a', 'c', 'b']"
    )


def test_detaching_an_unknown_observer_is_not_an_error(fresh_submission):
    module = fresh_submission()
    log = []
    subject = module.Subject()
    a = Recorder("a", log)
    subject.attach(a)
    subject.detach(Recorder("stranger", log))
    subject.detach(a)
    subject.detach(a)
    subject.notify("m")
    assert log == [], f"a detached observer was still notified: {log!r}"


def test_an_observer_detaching_itself_during_notify_skips_nobody(fresh_submission):
    module = fresh_submission()
    log = []
    subject = module.Subject()
    quitter = Acting("quitter", log, lambda me: subject.detach(me))
    for observer in (Recorder("a", log), quitter, Recorder("b", log), Recorder("c", log)):
        subject.attach(observer)
    subject.notify("first")
    assert _names(log) == ["a", "quitter", "b", "c"], (
        f"observers a, quitter, b, c where quitter detaches itself in update(): the first "
        f"notify made the calls {_names(log)}; nobody attached when notify began may be "
        "skipped (a list changed while it is looped over skips the next item)"
    )
    log.clear()
    subject.notify("second")
    assert _names(log) == ["a", "b", "c"], (
        f"after quitter detached itself, the next notify made the calls {_names(log)}; "
        "expected ['a', 'b', 'c']"
    )


def test_an_observer_detaching_a_later_one_during_notify_still_lets_it_be_called(fresh_submission):
    module = fresh_submission()
    log = []
    subject = module.Subject()
    later = Recorder("later", log)
    for observer in (Acting("remover", log, lambda me: subject.detach(later)), Recorder("b", log), later):
        subject.attach(observer)
    subject.notify("first")
    assert _names(log) == ["remover", "b", "later"], (
        f"observers remover, b, later where remover detaches later in update(): the first "
        f"notify made the calls {_names(log)}; a change made during notify counts from the "
        "next notify on, and nobody attached when notify began is skipped"
    )
    log.clear()
    subject.notify("second")
    assert _names(log) == ["remover", "b"], (
        f"after later was detached, the next notify made the calls {_names(log)}; "
        "expected ['remover', 'b']"
    )


def test_an_observer_attached_during_notify_is_called_from_the_next_notify(fresh_submission):
    module = fresh_submission()
    log = []
    subject = module.Subject()
    newcomer = Recorder("newcomer", log)
    for observer in (Recorder("a", log), Acting("inviter", log, lambda me: subject.attach(newcomer)), Recorder("b", log)):
        subject.attach(observer)
    subject.notify("first")
    assert _names(log) == ["a", "inviter", "b"], (
        f"observers a, inviter, b where inviter attaches newcomer in update(): the first "
        f"notify made the calls {_names(log)}; an observer attached during notify is called "
        "from the next notify on, not by the one running"
    )
    log.clear()
    subject.notify("second")
    assert _names(log) == ["a", "inviter", "b", "newcomer"], (
        f"the notify after newcomer was attached made the calls {_names(log)}; "
        "expected ['a', 'inviter', 'b', 'newcomer']"
    )


def test_an_observer_that_detaches_and_reattaches_itself_is_called_once(fresh_submission):
    module = fresh_submission()
    log = []
    subject = module.Subject()

    def move_to_the_end(me):
        subject.detach(me)
        subject.attach(me)

    for observer in (Acting("mover", log, move_to_the_end), Recorder("a", log), Recorder("b", log)):
        subject.attach(observer)
    subject.notify("first")
    assert sorted(_names(log)) == ["a", "b", "mover"], (
        f"observers mover, a, b where mover detaches and re-attaches itself in update(): "
        f"notify made the calls {_names(log)}; each observer attached when notify began must "
        "be called exactly once"
    )
