"""Concurrency: publish, subscribe and unsubscribe from many threads, with the GIL disabled.

Threads are released together by a barrier. Two tests build the moment a race needs instead
of waiting for it: a subscriber of one thread's publish (the gate) holds that publish open,
for at most GATE_SECONDS, until another thread has unsubscribed someone. A bus that holds a
lock while it calls subscribers just makes the other thread wait; the gate then gives up and
the test goes on, so no correct design deadlocks here.

Every callback is a callable object the test keeps alive until the end.
"""

import threading
import time

GATE_SECONDS = 0.5
GATE_ROUNDS = 2
BASE_SUBSCRIBERS = 200
PUBLISHERS = 8
PUBLISHES = 25
CHURN_CYCLES = 25
STORM_ROUNDS = 3


class Tally:
    """Records every first argument it is called with; list.append is safe from any thread."""

    def __init__(self, name, pause=0.0):
        self.name = name
        self.pause = pause
        self.tokens = []

    def __call__(self, token):
        self.tokens.append(token)
        if self.pause:
            time.sleep(self.pause)


class Gate:
    """On the first publish of `token`: says it has entered, then waits for `release`."""

    def __init__(self, token):
        self.token = token
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls = []

    def __call__(self, token):
        self.calls.append(token)
        if token == self.token and not self.entered.is_set():
            self.entered.set()
            self.release.wait(GATE_SECONDS)


def test_concurrent_subscribes_and_unsubscribes_lose_no_subscriber(submission, stress):
    rounds = max(1, stress.rounds)
    threads = stress.threads
    for r in range(rounds):
        bus = submission.EventBus()
        base = [Tally(f"base-{n}") for n in range(BASE_SUBSCRIBERS)]
        for tally in base:
            bus.subscribe(tally)
        joiners = [Tally(f"joiner-{n}") for n in range(threads)]

        stress.run(lambda index: bus.subscribe(joiners[index]))
        expected = BASE_SUBSCRIBERS + threads
        assert len(bus) == expected, (
            f"round {r}: {BASE_SUBSCRIBERS} subscribers, then {threads} threads each subscribed "
            f"one more at the same moment: len(bus) is {len(bus)}, not {expected}; "
            "a subscription was lost"
        )
        count = bus.publish(("joined", r))
        lost = [t.name for t in joiners + base if t.tokens != [("joined", r)]]
        assert not lost and count == expected, (
            f"round {r}: after {threads} concurrent subscribes, publish returned {count!r} "
            f"(expected {expected}) and {len(lost)} subscribers were not called exactly once, "
            f"e.g. {lost[:3]}; no subscription may be lost"
        )

        stress.run(lambda index: bus.unsubscribe(joiners[index]))
        assert len(bus) == BASE_SUBSCRIBERS, (
            f"round {r}: {threads} threads each unsubscribed their own subscriber at the same "
            f"moment: len(bus) is {len(bus)}, not {BASE_SUBSCRIBERS}"
        )
        count = bus.publish(("left", r))
        wrong = [t.name for t in base if t.tokens[-1:] != [("left", r)]]
        stayed = [t.name for t in joiners if t.tokens[-1:] == [("left", r)]]
        assert not wrong and not stayed and count == BASE_SUBSCRIBERS, (
            f"round {r}: after {threads} concurrent unsubscribes, publish returned {count!r}; "
            f"{len(wrong)} subscribers that never left were not called (e.g. {wrong[:3]}) and "
            f"{len(stayed)} that left were called; each unsubscribe removes its own subscriber only"
        )


def test_publishing_while_others_subscribe_and_unsubscribe_never_raises_or_skips(submission, stress):
    churners = max(1, stress.threads - PUBLISHERS)
    for r in range(STORM_ROUNDS):
        bus = submission.EventBus()
        # Subscribed before the permanent ones, and unsubscribed first thing by their churner:
        # a removal ahead of subscribers that a publish has not reached yet.
        early = [Tally(f"early-{i}") for i in range(churners)]
        for tally in early:
            bus.subscribe(tally)
        permanent = [Tally(f"permanent-{n}", pause=0.0001) for n in range(8)]
        for tally in permanent:
            bus.subscribe(tally)
        # unsubscribed[i]: how many of churner i's callbacks have been unsubscribed, counted
        # only after unsubscribe returned. A publish notes the list before it begins.
        unsubscribed = [0] * churners
        churned = [[] for _ in range(churners)]
        publishes = {}

        def publisher(index):
            for n in range(PUBLISHES):
                token = (index, n)
                before = tuple(unsubscribed)
                publishes[token] = (before, bus.publish(token))

        def churner(i):
            bus.unsubscribe(early[i])
            for n in range(CHURN_CYCLES):
                tally = Tally((i, n))
                churned[i].append(tally)
                bus.subscribe(tally)
                time.sleep(0.0001)
                bus.unsubscribe(tally)
                unsubscribed[i] = n + 1

        def work(index):
            if index < PUBLISHERS:
                publisher(index)
            else:
                churner(index - PUBLISHERS)

        stress.run(work, threads=PUBLISHERS + churners)  # a raise fails the test here

        tokens = sorted(publishes)
        for tally in permanent:
            assert sorted(tally.tokens) == tokens, (
                f"round {r}: {tally.name}, subscribed the whole time, was called "
                f"{len(tally.tokens)} times by {len(tokens)} publishes from {PUBLISHERS} threads "
                f"while {churners} threads subscribed and unsubscribed; a publish must call every "
                "subscriber that stays subscribed exactly once, skipping none"
            )
        calls = {}
        for tally in permanent + early + [t for ts in churned for t in ts]:
            for token in tally.tokens:
                calls[token] = calls.get(token, 0) + 1
        late = []
        for i, tallies in enumerate(churned):
            for n, tally in enumerate(tallies):
                late += [t for t in tally.tokens if publishes[t][0][i] > n]
        assert not late, (
            f"round {r}: {len(late)} times a callback was called by a publish that began after "
            "its unsubscribe had returned; once unsubscribe returns, no publish that begins "
            "later may call it"
        )
        returned_called = [(publishes[t][1], calls.get(t, 0)) for t in tokens]
        miscounted = [pair for pair in returned_called if pair[0] != pair[1]]
        assert not miscounted, (
            f"round {r}: {len(miscounted)} publishes returned another number than the number of "
            f"callbacks they called (returned, called: {miscounted[:3]})"
        )
        assert len(bus) == len(permanent) and bus.publish("end") == len(permanent), (
            f"round {r}: once every churning thread had unsubscribed all it subscribed, "
            f"len(bus) is {len(bus)}, not {len(permanent)}"
        )


def test_an_unsubscribe_during_another_threads_publish_makes_it_skip_no_one(submission, stress):
    for r in range(GATE_ROUNDS):
        bus = submission.EventBus()
        leaving = Tally("leaving")
        gate = Gate(("gate", r))
        stayers = [Tally(f"stayer-{n}") for n in range(5)]
        for callback in [leaving, gate, *stayers]:
            bus.subscribe(callback)

        def work(index):
            if index == 0:
                return bus.publish(("gate", r))
            # Unsubscribe someone the publish has already called, while it is inside the gate.
            gate.entered.wait(GATE_SECONDS)
            bus.unsubscribe(leaving)
            gate.release.set()
            return None

        count = stress.run(work, threads=2)[0]
        skipped = [t.name for t in stayers if t.tokens != [("gate", r)]]
        assert not skipped, (
            f"round {r}: while thread A's publish was calling its second subscriber, thread B "
            f"unsubscribed the first one; the publish then missed {skipped}. A publish must "
            "call every subscriber that stays subscribed, whatever other threads remove "
            "(iterating over a list that another thread edits skips entries)"
        )
        assert count == 7, f"round {r}: that publish called 7 subscribers and returned {count!r}"


def test_a_publish_that_begins_after_unsubscribe_returned_never_calls_it(submission, stress):
    for r in range(GATE_ROUNDS):
        bus = submission.EventBus()
        gate = Gate(("slow", r))
        leaving = Tally("leaving")
        bus.subscribe(gate)
        bus.subscribe(leaving)

        def work(index):
            if index == 0:
                return bus.publish(("slow", r))
            # While thread 0's publish is still running: unsubscribe, then publish anew.
            gate.entered.wait(GATE_SECONDS)
            bus.unsubscribe(leaving)
            count = bus.publish(("after", r))
            gate.release.set()
            return count

        results = stress.run(work, threads=2)
        assert ("after", r) not in leaving.tokens, (
            f"round {r}: thread B unsubscribed a callback and then published, while thread A's "
            "publish was still running: B's publish called the callback anyway. Once "
            "unsubscribe returns, no publish that begins afterwards may call it, whatever "
            "other publishes are in progress"
        )
        assert results[1] == 1, (
            f"round {r}: thread B's publish had one subscriber left and returned {results[1]!r}"
        )
