"""One pool per process, opened on first use: get_pool() returns one pool of POOL_SIZE
connections to DSN, built by the first call and kept whether or not anyone holds it."""

import gc


def test_importing_db_opens_no_connection(fresh_submission, driver):
    mark = driver.mark()
    fresh_submission()
    opened = driver.since(mark)
    assert not opened, (
        f"executing db.py opened {len(opened)} connection(s); importing db must open nothing "
        "(the pool is built by the first get_pool() call)"
    )


def test_get_pool_returns_one_pool_of_pool_size_connections_to_dsn(fresh_db, driver):
    db = fresh_db()
    assert db.POOL_SIZE == 4, f"POOL_SIZE is {db.POOL_SIZE!r}; it must be 4"
    assert isinstance(db.DSN, str), f"DSN is {db.DSN!r}; it must be a str"
    mark = driver.mark()
    first = db.get_pool()
    second = db.get_pool()
    third = db.get_pool()
    assert first is second is third, "three get_pool() calls returned different objects"
    assert isinstance(first, db.ConnectionPool), (
        f"get_pool() returned a {type(first).__name__}, not a ConnectionPool"
    )
    opened = driver.since(mark)
    assert len(opened) == 4, (
        f"three get_pool() calls opened {len(opened)} connections in all; the first builds "
        "ConnectionPool(DSN, POOL_SIZE), which opens 4, and the others open none"
    )
    dsns = sorted({connection.dsn for connection in opened})
    assert dsns == [db.DSN], f"the pool's connections went to {dsns}, not to DSN ({db.DSN!r})"
    assert first.size == 4, f"get_pool().size is {first.size!r}; it must be POOL_SIZE (4)"
    assert not first.closed, "get_pool() returned a pool whose closed is already true"
    assert not any(connection.closed for connection in opened), (
        "a connection of the pool get_pool() returned is already closed"
    )


def test_the_pool_outlives_every_reference_to_it(fresh_db, driver):
    db = fresh_db()
    mark = driver.mark()
    db.get_pool()  # nothing is kept
    for _ in range(3):
        gc.collect()
    pool = db.get_pool()
    opened = driver.since(mark)
    assert len(opened) == 4, (
        f"get_pool(), every reference dropped, gc.collect(), get_pool() again: {len(opened)} "
        "connections opened in all; the process keeps its one pool whether or not any caller "
        "holds it, so the second call must open nothing"
    )
    assert not pool.closed and not any(connection.closed for connection in opened), (
        "the pool, or one of its connections, was closed once no caller held it"
    )
    del pool
    for _ in range(3):
        gc.collect()
    db.get_pool()
    assert len(driver.since(mark)) == 4, (
        "a third get_pool(), after every reference was dropped again, built another pool"
    )
