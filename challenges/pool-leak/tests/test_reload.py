"""The pool survives importlib.reload(db): the same pool afterwards, and nothing opened.

Each test executes db.py afresh, then reloads that module with importlib.reload.
"""


def test_reload_keeps_the_pool_and_opens_nothing(fresh_db, reload_db, driver):
    db = fresh_db()
    mark = driver.mark()
    pool = db.get_pool()
    connections = driver.since(mark)
    for n in (1, 2):
        reloaded = reload_db(db)
        after = reloaded.get_pool()
        assert after is pool, (
            f"after importlib.reload(db) number {n}, get_pool() returned a different pool; "
            "the reload must keep the one the process already has"
        )
    opened = driver.since(mark)
    assert len(opened) == 4, (
        f"get_pool(), two reloads and a get_pool() after each opened {len(opened)} connections "
        "in all; the reloads and the later calls must open nothing"
    )
    assert not pool.closed and not any(connection.closed for connection in connections), (
        "after importlib.reload(db) the kept pool, or one of its connections, is closed"
    )


def test_reload_before_the_first_call_then_one_pool_is_kept(fresh_db, reload_db, driver):
    db = fresh_db()
    mark = driver.mark()
    reload_db(db)
    assert not driver.since(mark), "importlib.reload(db) with no pool yet opened connections"
    pool = db.get_pool()
    assert len(driver.since(mark)) == 4, (
        f"after a reload, the first get_pool() opened {len(driver.since(mark))} connections; "
        "it must build one pool of POOL_SIZE (4)"
    )
    reload_db(db)
    assert db.get_pool() is pool, (
        "a pool built after one reload was lost by the next importlib.reload(db)"
    )
    assert len(driver.since(mark)) == 4, (
        "the second reload, or the get_pool() after it, opened connections"
    )
