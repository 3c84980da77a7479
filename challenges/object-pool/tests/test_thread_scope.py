"""Proxy(scope="thread"): each thread draws its own object from a Pool(fun, max_size) on first
use and keeps it until it calls _ret_obj(); _has_obj() says whether it holds one.

Objects are unhashable and all compare equal; `whoami()` returns the object itself, so the
suite compares objects by identity. The stress fixture's worker threads are kept from one
round to the next, like a server's worker threads.
"""

import threading

CYCLES = 10


def _in_thread(bounded, call, what):
    outcome = bounded(call)
    assert outcome.wait(5.0), f"{what} did not return within 5 s"
    if outcome.error is not None:
        raise AssertionError(f"{what} raised {outcome.describe_error()}") from outcome.error
    return outcome.value


def test_a_thread_keeps_its_object_until_it_gives_it_back(submission, make_fun):
    fun = make_fun()
    proxy = submission.Proxy(fun=fun, scope="thread")
    assert fun.count == 0, "Proxy(fun=fun, scope='thread') called fun before any use"
    assert not proxy._has_obj(), "_has_obj() must be False before the thread uses the Proxy"
    assert fun.count == 0, "_has_obj() must not draw or make an object"
    obj = proxy.whoami()
    assert proxy._has_obj(), "_has_obj() must be True once the thread used the Proxy"
    assert proxy.whoami() is obj and proxy.serial == obj.serial, (
        "every use from one thread must reach the same object until it is given back"
    )
    assert fun.calls == [0], f"one thread's uses called fun with {fun.calls}; expected [0]"
    proxy._ret_obj()
    assert not proxy._has_obj(), "_has_obj() must be False after _ret_obj()"
    again = proxy.whoami()
    assert again is obj and fun.count == 1, (
        "after _ret_obj(), the next use draws from the pool, where the returned object is "
        f"free: it must be that object, with no new one made (fun called {fun.count} times)"
    )


def test_two_threads_holding_objects_at_once_get_different_ones(
    submission, make_fun, bounded
):
    fun = make_fun()
    proxy = submission.Proxy(fun=fun, scope="thread")
    both_hold = threading.Barrier(2, timeout=5.0)

    def hold():
        obj = proxy.whoami()
        both_hold.wait()
        return obj, proxy.whoami(), proxy._has_obj()

    left, right = bounded(hold), bounded(hold)
    assert left.wait(6.0) and right.wait(6.0), "two threads using the Proxy did not finish"
    for outcome in (left, right):
        if outcome.error is not None:
            raise AssertionError(f"a thread using the Proxy raised {outcome.describe_error()}")
    (left_obj, left_again, left_has), (right_obj, right_again, right_has) = (
        left.value, right.value
    )
    assert left_obj is not right_obj, (
        "two threads holding objects of a thread-scope Proxy at the same time reached the "
        "same object"
    )
    assert left_again is left_obj and right_again is right_obj, (
        "a thread's second use reached another object than its first"
    )
    assert left_has and right_has and fun.count == 2
    assert not proxy._has_obj(), (
        "_has_obj() in a thread that never used the Proxy must be False, whatever other "
        "threads hold"
    )


def test_an_object_one_thread_gave_back_is_reused_by_the_next(submission, make_fun, bounded):
    fun = make_fun()
    proxy = submission.Proxy(fun=fun, scope="thread")

    def use_and_give_back():
        obj = proxy.whoami()
        proxy._ret_obj()
        return obj

    first = _in_thread(bounded, use_and_give_back, "a thread's use then _ret_obj()")
    second = _in_thread(
        bounded, lambda: proxy.whoami(), "a second thread's use of the Proxy"
    )
    assert second is first and fun.count == 1, (
        "an object given back with _ret_obj() must be lent to the next thread that uses the "
        f"Proxy; a new one was made instead (fun called {fun.count} times)"
    )


def test_after_giving_its_object_back_a_thread_stops_using_it(submission, make_fun, bounded):
    fun = make_fun()
    proxy = submission.Proxy(fun=fun, scope="thread")
    mine = proxy.whoami()
    proxy._ret_obj()
    theirs = _in_thread(
        bounded, lambda: proxy.whoami(), "another thread's use of the Proxy"
    )
    assert theirs is mine, "the object given back must be the one the next thread draws"
    now = proxy.whoami()  # the other thread still holds `theirs`
    assert now is not theirs, (
        "after _ret_obj(), this thread used the Proxy again and reached the object another "
        "thread now holds: _ret_obj() must forget the thread's object, not only return it"
    )
    assert fun.count == 2 and proxy._has_obj()


def test_a_thread_proxy_created_empty_is_filled_later_with_set_fun(
    submission, make_fun, bounded
):
    proxy = submission.Proxy(scope="thread", max_size=2)
    fun = make_fun()
    proxy._set_fun(fun)
    assert fun.count == 0, "_set_fun(fun) must not call fun before the Proxy is used"
    here = proxy.whoami()
    there = _in_thread(
        bounded, lambda: proxy.whoami(), "another thread's use of the Proxy"
    )
    assert here is not there and fun.count == 2, (
        "a Proxy(scope='thread') filled with _set_fun(fun) must give each thread its own object"
    )


def _keywords(options):
    return "".join(f", {name}={value}" for name, value in options.items())


def _single_threaded_use(submission, make_fun, preflight, **options):
    proxy = submission.Proxy(fun=make_fun(), scope="thread", **options)

    def use_twice():
        for _ in range(2):
            proxy.whoami()
            proxy._ret_obj()

    preflight(
        f"use then _ret_obj(), twice, on Proxy(fun=fun, scope='thread'{_keywords(options)})",
        use_twice,
    )


def test_threads_holding_objects_at_the_same_time_all_get_different_ones(
    submission, make_fun, stress, preflight
):
    # One proxy for every round: the first round makes an object per thread, and as each
    # thread gives its object back at the end of a round, the later rounds make none.
    _single_threaded_use(submission, make_fun, preflight)
    fun = make_fun(delay=stress.latency(0))
    proxy = submission.Proxy(fun=fun, scope="thread")
    rounds = max(1, stress.rounds // 2)
    for round_index in range(rounds):
        all_hold = threading.Barrier(stress.threads, timeout=5.0)

        def work(_):
            try:
                obj = proxy.whoami()
                held = proxy._has_obj()
            except BaseException:
                all_hold.abort()  # the others stop waiting for this thread at once
                raise
            all_hold.wait()  # every thread holds its object at this moment
            proxy._ret_obj()
            return obj, held

        results = stress.run(work)
        count = len({id(obj) for obj, _ in results})
        assert count == stress.threads, (
            f"round {round_index}: {stress.threads} threads holding objects of one "
            f"thread-scope Proxy at the same time reached only {count} different objects"
        )
        assert all(held for _, held in results), (
            f"round {round_index}: _has_obj() was False in a thread that had just used the Proxy"
        )
        assert fun.count == stress.threads, (
            f"round {round_index}: fun was called {fun.count} times in all; {stress.threads} "
            "threads that each gave their object back at the end of every round need only "
            f"{stress.threads} objects: returned objects must be reused"
        )


def test_a_thread_proxy_with_max_size_never_shares_an_object_nor_makes_more(
    submission, make_fun, stress, preflight
):
    _single_threaded_use(submission, make_fun, preflight, max_size=4)
    for round_index in range(max(1, stress.rounds // 2)):
        fun = make_fun(delay=stress.latency(round_index))
        proxy = submission.Proxy(fun=fun, scope="thread", max_size=4)
        lock = threading.Lock()
        holders = {}
        problems = []

        def work(_):
            for _ in range(CYCLES):
                obj = proxy.whoami()
                with lock:
                    holders[id(obj)] = holders.get(id(obj), 0) + 1
                    if holders[id(obj)] > 1:
                        problems.append("an object was held by two threads at once")
                if proxy.whoami() is not obj:
                    problems.append("a thread's second use reached another object")
                with lock:
                    holders[id(obj)] -= 1
                proxy._ret_obj()

        stress.run(work)
        where = (
            f"round {round_index} ({stress.threads} threads x {CYCLES} use/_ret_obj() cycles "
            f"on Proxy(fun=fun, scope='thread', max_size=4), fun sleeps "
            f"{fun.delay * 1000:.1f} ms)"
        )
        assert not problems, f"{where}: {problems[0]} ({len(problems)} times)"
        assert fun.count <= 4, (
            f"{where}: fun was called {fun.count} times; the Proxy's pool must make at most "
            "max_size=4 objects"
        )

