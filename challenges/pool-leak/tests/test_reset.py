"""close_pool() closes every connection and forgets the pool: the next get_pool() builds a
new, open pool; ConnectionPool.close() closes lent connections too, and once only."""

LENT_DSN = "postgresql://grader@localhost/reset"


def test_close_pool_closes_the_pool_and_the_next_get_pool_builds_a_new_one(fresh_db, driver):
    db = fresh_db()
    mark = driver.mark()
    old = db.get_pool()
    old_connections = driver.since(mark)
    db.close_pool()
    assert old.closed, "after close_pool(), the old pool's closed is still false"
    still_open = [connection for connection in old_connections if not connection.closed]
    assert not still_open, (
        f"after close_pool(), {len(still_open)} of the old pool's {len(old_connections)} "
        "connections are still open; close_pool() must close them all"
    )
    mark = driver.mark()
    new = db.get_pool()
    assert new is not old, "get_pool() after close_pool() returned the old, closed pool"
    assert not new.closed, "get_pool() after close_pool() returned a closed pool"
    opened = driver.since(mark)
    assert len(opened) == 4 and not any(connection.closed for connection in opened), (
        f"get_pool() after close_pool() opened {len(opened)} connections; a new pool of "
        "POOL_SIZE (4) open connections must be built"
    )
    assert db.get_pool() is new, "after close_pool(), later get_pool() calls differ"


def test_close_pool_with_no_pool_does_nothing(fresh_db, driver):
    db = fresh_db()
    mark = driver.mark()
    db.close_pool()
    db.close_pool()
    assert not driver.since(mark), "close_pool() with no pool opened connections"
    pool = db.get_pool()
    assert not pool.closed and len(driver.since(mark)) == 4, (
        "after close_pool() with no pool, get_pool() must build one pool of POOL_SIZE (4)"
    )


def test_close_pool_twice_closes_once_and_keeps_no_pool(fresh_db, driver):
    db = fresh_db()
    old = db.get_pool()
    db.close_pool()
    db.close_pool()
    assert old.closed, "after close_pool() twice, the old pool is not closed"
    mark = driver.mark()
    assert db.get_pool() is not old and len(driver.since(mark)) == 4, (
        "after close_pool() twice, get_pool() must build a new pool of POOL_SIZE (4)"
    )


def test_close_closes_lent_connections_too_and_a_second_close_does_nothing(
    fresh_db, driver, bounded
):
    db = fresh_db()
    mark = driver.mark()
    pool = db.ConnectionPool(LENT_DSN, 3)
    connections = driver.since(mark)
    assert not pool.closed, "a new ConnectionPool's closed is already true"
    lending = pool.acquire()
    lent = lending.__enter__()
    try:
        finished, _ = bounded(3.0, pool.close)
        assert finished, (
            "close() with one connection lent did not return within 3 s; it must close every "
            "connection, lent or not, without waiting for lent ones to come back"
        )
        assert lent.closed, "close() left the lent connection open; it must close it too"
        still_open = [connection for connection in connections if not connection.closed]
        assert not still_open, f"close() left {len(still_open)} of the pool's 3 connections open"
        assert pool.closed, "after close(), the pool's closed is still false"
        finished, _ = bounded(3.0, pool.close)
        assert finished and pool.closed, "a second close() did not return, or reopened the pool"
        assert len(driver.since(mark)) == 3, "close() opened connections"
    finally:
        try:
            lending.__exit__(None, None, None)
        except Exception:
            pass  # what a pool does with a connection given back after close() is not graded
