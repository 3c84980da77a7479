"""The pool under load: 32 threads, GIL disabled, released together by a barrier, each taking
and giving back objects of a Pool(fun, max_size=4) many times over.

Every round builds a new pool whose `fun` sleeps 1-4 ms, so a check ("room for one more?")
separated from its act (the object made and counted) is overtaken by other threads in every
round, not once in a while. The objects are unhashable and all compare equal. The suite keeps
its own record of who holds what, by identity, under its own lock.
"""

import threading

CYCLES = 10  # get/ret cycles per thread per round


class Holdings:
    """Who holds which object right now, by id(); any object held twice is a clash."""

    def __init__(self):
        self._lock = threading.Lock()
        self._holders = {}
        self.clashes = 0

    def take(self, obj):
        with self._lock:
            count = self._holders.get(id(obj), 0) + 1
            self._holders[id(obj)] = count
            if count > 1:
                self.clashes += 1

    def give_back(self, obj):
        with self._lock:
            self._holders[id(obj)] -= 1


def _cycle(pool, holdings):
    def work(_):
        for _ in range(CYCLES):
            obj = pool.get()
            holdings.take(obj)
            holdings.give_back(obj)
            pool.ret(obj)

    return work


def _check_pool_at_rest(pool, fun, bounded, where):
    """After every thread gave everything back: counts agree, and the free objects are the
    made ones, each once (lent again from one thread, with a deadline)."""
    created, available = pool.created, pool.available
    assert fun.count <= 4, (
        f"{where}: fun was called {fun.count} times for a pool with max_size=4 (fun sleeps "
        "a few ms: a check for room and the count going up must be one atomic step, or "
        "threads that check meanwhile all see room)"
    )
    assert created == fun.count, (
        f"{where}: created is {created} but fun made {fun.count} objects (a lost update?)"
    )
    assert available == created, (
        f"{where}: every object is back, yet available is {available} with created={created}"
    )
    drain = bounded(lambda: [pool.get() for _ in range(created)])
    assert drain.wait(5.0) and drain.error is None, (
        f"{where}: with {created} objects free, {created} get() calls from one thread did not "
        f"all succeed within 5 s ({drain.describe_error()})"
    )
    lent = drain.value
    assert len({id(obj) for obj in lent}) == created and fun.count == created, (
        f"{where}: the {created} free objects, taken again, were not the {created} made objects "
        "once each: the free list holds one object twice, or lost one"
    )


def _keywords(options):
    return "".join(f", {name}={value}" for name, value in options.items())


def _single_threaded_cycles(submission, make_fun, preflight, **options):
    pool = submission.Pool(make_fun(), max_size=4, **options)
    preflight(
        f"get()/ret() cycles on Pool(fun, max_size=4{_keywords(options)})",
        lambda: _cycle(pool, Holdings())(0),
    )


def test_32_threads_cycling_through_a_pool_of_4_never_share_an_object(
    submission, make_fun, stress, bounded, preflight
):
    _single_threaded_cycles(submission, make_fun, preflight)
    for round_index in range(stress.rounds):
        fun = make_fun(delay=stress.latency(round_index))
        pool = submission.Pool(fun, max_size=4)
        holdings = Holdings()
        stress.run(_cycle(pool, holdings))
        where = (
            f"round {round_index} ({stress.threads} threads x {CYCLES} get/ret cycles, "
            f"max_size=4, fun sleeps {fun.delay * 1000:.1f} ms)"
        )
        assert holdings.clashes == 0, (
            f"{where}: {holdings.clashes} times an object was lent to a thread while another "
            "thread still held it"
        )
        _check_pool_at_rest(pool, fun, bounded, where)


def test_a_timeout_under_contention_never_runs_out_early(
    submission, make_fun, stress, bounded, preflight
):
    _single_threaded_cycles(submission, make_fun, preflight, timeout=20.0)
    # Each object is held for microseconds, so no get() ever needs anything like 20 s: a
    # PoolExhausted here means a waiter gave up before its timeout, e.g. after one wake-up
    # whose object a newcomer took first.
    for round_index in range(max(1, stress.rounds // 4)):
        fun = make_fun(delay=stress.latency(round_index))
        pool = submission.Pool(fun, max_size=4, timeout=20.0)
        holdings = Holdings()
        early = []

        def work(index):
            try:
                _cycle(pool, holdings)(index)
            except submission.PoolExhausted as exc:
                early.append(exc)

        stress.run(work)
        where = f"round {round_index} (timeout=20, {stress.threads} threads, max_size=4)"
        assert not early, (
            f"{where}: {len(early)} threads got PoolExhausted although objects were coming "
            "back every few microseconds: get() must keep waiting until its timeout has run "
            "out, even when a wake-up finds the object already taken"
        )
        assert holdings.clashes == 0, f"{where}: an object was lent to two threads at once"
        _check_pool_at_rest(pool, fun, bounded, where)

