"""Pool basics: get, ret, borrow and the counts, from one thread, with ordinary objects."""

import pytest

BOUND = 5.0  # seconds any single call here may take before it counts as hanging


def _ids(objects):
    return [id(obj) for obj in objects]


def test_a_new_pool_makes_nothing_until_asked(submission, make_fun, plain):
    fun = make_fun(kind=plain)
    pool = submission.Pool(fun)
    assert fun.count == 0, f"Pool(fun) called fun {fun.count} times before any get()"
    assert (pool.created, pool.available) == (0, 0), (
        f"a new pool reports created={pool.created}, available={pool.available}; expected 0, 0"
    )


def test_get_makes_objects_with_fun_given_how_many_were_made_before(submission, make_fun, plain):
    fun = make_fun(kind=plain)
    pool = submission.Pool(fun)
    held = [pool.get() for _ in range(3)]
    assert fun.calls == [0, 1, 2], (
        f"three get() calls on an empty pool, none returned, called fun with {fun.calls}; "
        "expected fun(0), fun(1), fun(2)"
    )
    assert _ids(held) == _ids(fun.made), "get() must return the objects fun made, as they are"
    assert (pool.created, pool.available) == (3, 0), (
        f"with three objects made and all three lent: created={pool.created}, "
        f"available={pool.available}; expected 3, 0"
    )


def test_a_returned_object_is_lent_again_before_any_new_one_is_made(submission, make_fun, plain):
    fun = make_fun(kind=plain)
    pool = submission.Pool(fun)
    first, second, third = (pool.get() for _ in range(3))
    pool.ret(second)
    assert (pool.created, pool.available) == (3, 1), (
        f"after returning one of three: created={pool.created}, available={pool.available}; "
        "expected 3, 1"
    )
    again = pool.get()
    assert again is second, "with one object free, get() must hand out that object"
    assert fun.count == 3, "get() called fun although an object was free"
    pool.ret(first)
    pool.ret(third)
    pool.ret(again)
    assert (pool.created, pool.available) == (3, 3), (
        f"after returning all three: created={pool.created}, available={pool.available}; "
        "expected 3, 3"
    )
    taken = [pool.get() for _ in range(3)]
    assert sorted(_ids(taken)) == sorted(_ids([first, second, third])), (
        "with three objects free, three get() calls must hand out those three, once each"
    )
    assert fun.count == 3, f"get() made a new object although some were free ({fun.count} made)"


def test_borrow_lends_an_object_for_the_block_and_takes_it_back(submission, make_fun, plain):
    fun = make_fun(kind=plain)
    pool = submission.Pool(fun)
    with pool.borrow() as obj:
        assert obj is fun.made[0], "borrow() must yield the object the pool lends"
        inside = (pool.created, pool.available)
    assert inside == (1, 0), (
        f"inside `with pool.borrow()`: created={inside[0]}, available={inside[1]}; expected 1, 0"
    )
    assert (pool.created, pool.available) == (1, 1), (
        f"after the `with` block: created={pool.created}, available={pool.available}; "
        "expected 1, 1 (the object is back)"
    )
    assert pool.get() is obj, "the object borrow() gave back must be lent again by get()"


def test_borrow_takes_the_object_back_when_the_block_raises(submission, make_fun, plain):
    class Failure(Exception):
        pass

    fun = make_fun(kind=plain)
    pool = submission.Pool(fun)
    with pytest.raises(Failure):
        with pool.borrow() as obj:
            raise Failure("the block failed")
    assert (pool.created, pool.available) == (1, 1), (
        f"after a `with pool.borrow()` block raised: created={pool.created}, "
        f"available={pool.available}; expected 1, 1: the object must come back even then"
    )
    assert pool.get() is obj, "the object must be lent again after the failed block"
    assert fun.count == 1


def test_an_unbounded_pool_makes_as_many_objects_as_are_held_at_once(
    submission, make_fun, plain
):
    fun = make_fun(kind=plain)
    pool = submission.Pool(fun)  # max_size=None: no limit
    held = [pool.get() for _ in range(40)]
    assert len(set(_ids(held))) == 40, "40 get() calls with none returned must give 40 objects"
    assert fun.calls == list(range(40)), "fun must be called with 0, 1, 2, ... in turn"
    for obj in held:
        pool.ret(obj)
    assert (pool.created, pool.available) == (40, 40), (
        f"after returning all 40: created={pool.created}, available={pool.available}"
    )
