"""Returning objects, by identity: the objects here are unhashable and all compare equal, so a
pool that keeps them in a set, or looks them up with `in`, `==`, `list.remove` or `index`,
cannot tell them apart. Returning one twice, or one the pool did not lend, is a ValueError that
leaves the pool as it was.
"""

import pytest


def _ids(objects):
    return sorted(id(obj) for obj in objects)


def _counts(pool):
    return pool.created, pool.available


def test_the_pool_lends_and_takes_back_unhashable_objects_that_compare_equal(
    submission, make_fun
):
    fun = make_fun()
    pool = submission.Pool(fun)
    first, second, third = (pool.get() for _ in range(3))
    assert _ids([first, second, third]) == _ids(fun.made), (
        "three get() calls must lend the three objects fun made, each once"
    )
    pool.ret(second)
    assert pool.get() is second, (
        "with one object free, get() must lend that very object (the objects compare equal, "
        "so only identity tells them apart)"
    )
    for obj in (first, second, third):
        pool.ret(obj)
    assert _counts(pool) == (3, 3), f"created, available = {_counts(pool)}; expected (3, 3)"
    with pool.borrow() as obj:
        assert any(obj is made for made in fun.made)
    assert _counts(pool) == (3, 3) and fun.count == 3


def test_returning_an_object_twice_raises_value_error_and_changes_nothing(submission, make_fun):
    fun = make_fun()
    pool = submission.Pool(fun)
    obj = pool.get()
    pool.ret(obj)
    with pytest.raises(ValueError):
        pool.ret(obj)
    assert _counts(pool) == (1, 1), (
        f"after a second ret() of the same object was refused: created, available = "
        f"{_counts(pool)}; expected (1, 1), as before it"
    )
    first, second = pool.get(), pool.get()
    assert first is obj and second is not obj, (
        "an object returned twice was then lent to two holders at once"
    )
    assert fun.count == 2


def test_returning_twice_is_refused_while_an_equal_object_is_still_lent(submission, make_fun):
    fun = make_fun()
    pool = submission.Pool(fun)
    kept, returned = pool.get(), pool.get()
    pool.ret(returned)
    with pytest.raises(ValueError):
        pool.ret(returned)  # `returned in lent` is True by ==, since `kept` is still lent
    assert _counts(pool) == (2, 1), (
        f"after a second ret() was refused: created, available = {_counts(pool)}; "
        "expected (2, 1), as before it"
    )
    pool.ret(kept)
    assert _counts(pool) == (2, 2), (
        f"the object still lent must be returnable: created, available = {_counts(pool)}"
    )
    assert _ids([pool.get(), pool.get()]) == _ids([kept, returned]), (
        "after both were returned, two get() calls must lend both objects, once each"
    )
    assert fun.count == 2


def test_a_stranger_equal_to_the_pools_objects_is_refused(submission, make_fun):
    fun = make_fun()
    pool = submission.Pool(fun)
    lent = pool.get()
    stranger = fun.stranger()  # equal to every Resource, made by no pool
    with pytest.raises(ValueError):
        pool.ret(stranger)
    assert _counts(pool) == (1, 0), (
        f"after ret() of an object the pool never lent was refused: created, available = "
        f"{_counts(pool)}; expected (1, 0)"
    )
    pool.ret(lent)
    later = [pool.get(), pool.get()]
    assert not any(obj is stranger for obj in later), "the pool lent an object it never made"
    assert later[0] is lent and fun.count == 2


def test_a_pool_that_has_made_nothing_refuses_a_stranger(submission, make_fun):
    fun = make_fun()
    pool = submission.Pool(fun)
    stranger = fun.stranger()
    with pytest.raises(ValueError):
        pool.ret(stranger)
    assert _counts(pool) == (0, 0), f"created, available = {_counts(pool)}; expected (0, 0)"
    obj = pool.get()
    assert obj is not stranger and fun.count == 1, (
        "a new pool, given a stranger, then lent that stranger instead of making an object"
    )


def test_an_object_lent_by_another_pool_is_refused(submission, make_fun):
    one, other = submission.Pool(make_fun()), submission.Pool(make_fun())
    theirs = one.get()
    mine = other.get()
    with pytest.raises(ValueError):
        other.ret(theirs)
    assert _counts(other) == (1, 0), (
        f"a pool refused another pool's object but its counts changed to {_counts(other)}"
    )
    one.ret(theirs)
    other.ret(mine)
    assert _counts(one) == (1, 1) and _counts(other) == (1, 1)


def test_an_object_borrow_took_back_cannot_be_returned_again(submission, make_fun):
    pool = submission.Pool(make_fun())
    with pool.borrow() as obj:
        pass
    with pytest.raises(ValueError):
        pool.ret(obj)
    assert _counts(pool) == (1, 1), (
        f"after ret() of an object borrow() had already given back: created, available = "
        f"{_counts(pool)}; expected (1, 1)"
    )
