"""Pool limits: never more than max_size objects; an exhausted get() waits up to timeout, then
raises PoolExhausted; an object given back reaches a waiting get().

Every call that could block runs on a helper thread with a deadline (`bounded`), so a pool
that hangs fails its test in a few seconds.
"""

import time

SETTLE = 0.3  # how long a waiter is given to start waiting before an object comes back


def test_an_exhausted_pool_waits_about_its_timeout_then_raises_pool_exhausted(
    submission, make_fun, plain, bounded
):
    fun = make_fun(kind=plain)
    pool = submission.Pool(fun, max_size=2, timeout=0.3)
    held = [pool.get(), pool.get()]
    third = bounded(pool.get)
    assert third.wait(5.0), "get() on an exhausted pool with timeout=0.3 did not return in 5 s"
    assert isinstance(third.error, submission.PoolExhausted), (
        "get() on a pool with max_size=2 and both objects lent must raise PoolExhausted once "
        f"its timeout runs out; it raised {third.describe_error()}"
        + (" and returned an object" if third.error is None else "")
    )
    assert third.elapsed >= 0.2, (
        f"get() raised PoolExhausted after {third.elapsed:.3f} s; with timeout=0.3 it must "
        "wait for an object to come back for about that long first"
    )
    assert fun.count == 2 and pool.created == 2, (
        f"a pool with max_size=2 called fun {fun.count} times (created={pool.created})"
    )
    assert pool.available == 0
    pool.ret(held[0])
    after = bounded(pool.get)
    assert after.wait(5.0) and after.value is held[0], (
        "after PoolExhausted, returning an object must let the next get() have it "
        f"(it raised {after.describe_error()})"
    )


def test_a_timeout_of_zero_raises_at_once_when_exhausted(submission, make_fun, plain, bounded):
    fun = make_fun(kind=plain)
    pool = submission.Pool(fun, max_size=1, timeout=0)
    pool.get()
    second = bounded(pool.get)
    assert second.wait(3.0), (
        "get() on an exhausted pool with timeout=0 was still waiting after 3 s; 0 means do not "
        "wait (only None waits for ever)"
    )
    assert isinstance(second.error, submission.PoolExhausted), (
        f"get() on an exhausted pool with timeout=0 must raise PoolExhausted; it raised "
        f"{second.describe_error()}"
    )


def test_a_free_object_is_lent_at_max_size_without_waiting(submission, make_fun, plain, bounded):
    fun = make_fun(kind=plain)
    pool = submission.Pool(fun, max_size=1)  # timeout=None: a wrong wait would last for ever
    obj = pool.get()
    pool.ret(obj)
    again = bounded(pool.get)
    assert again.wait(3.0), (
        "get() on a pool at max_size with one object free did not return within 3 s; "
        "a free object must be lent without waiting"
    )
    assert again.value is obj and fun.count == 1, (
        f"get() must lend the free object (it raised {again.describe_error()}, fun called "
        f"{fun.count} times)"
    )


def test_a_get_waiting_for_ever_receives_the_object_another_thread_gives_back(
    submission, make_fun, plain, bounded
):
    fun = make_fun(kind=plain)
    pool = submission.Pool(fun, max_size=1)  # timeout=None
    obj = pool.get()
    waiter = bounded(pool.get)
    assert not waiter.wait(SETTLE), (
        "get() on a pool with max_size=1, whose one object was lent, returned at once "
        f"(it raised {waiter.describe_error()}); with timeout=None it must wait"
    )
    returner = bounded(lambda: pool.ret(obj))
    assert waiter.wait(3.0), (
        "a get() waiting on an exhausted pool (timeout=None) was still waiting 3 s after "
        "another thread returned an object: a waiter must be woken when an object comes back"
        + ("" if returner.done else "; the ret() call itself had not returned either")
    )
    assert waiter.value is obj, (
        f"the waiting get() must receive the returned object (it raised "
        f"{waiter.describe_error()})"
    )
    assert fun.count == 1, "a pool with max_size=1 made a second object"


def test_a_get_waiting_with_a_timeout_receives_an_object_given_back_in_time(
    submission, make_fun, plain, bounded
):
    fun = make_fun(kind=plain)
    pool = submission.Pool(fun, max_size=1, timeout=3.0)
    obj = pool.get()
    waiter = bounded(pool.get)
    time.sleep(SETTLE)
    returner = bounded(lambda: pool.ret(obj))
    assert waiter.wait(4.0), "a get() with timeout=3 had not returned after 4 s"
    assert waiter.value is obj, (
        "a get() with timeout=3, waiting while another thread returned the object after "
        f"{SETTLE} s, must receive it; it raised {waiter.describe_error()}"
        + ("" if returner.done else " (and that ret() call had not returned)")
    )
    assert waiter.elapsed < 2.0, (
        f"the waiting get() received the object {waiter.elapsed:.1f} s after it started, though it "
        f"came back after {SETTLE} s: a waiter must be woken when an object is returned, "
        "not only when its timeout runs out"
    )
