"""acquire() lends a connection to one holder at a time: ConnectionPool(dsn, size) opens its
connections when made, acquire() waits while all are lent, and 32 threads never share one."""

import threading
import time

DSN = "postgresql://grader@localhost/lending"
STRESS_ROUNDS = 16
ACQUISITIONS_PER_THREAD = 4


def test_a_pool_opens_size_connections_to_its_dsn_when_made(fresh_db, driver):
    db = fresh_db()
    mark = driver.mark()
    pool = db.ConnectionPool(DSN, 3)
    opened = driver.since(mark)
    assert len(opened) == 3, f"ConnectionPool(dsn, 3) opened {len(opened)} connections, not 3"
    assert all(connection.dsn == DSN for connection in opened), (
        "ConnectionPool(dsn, 3) opened connections to another DSN than the one it was given"
    )
    assert pool.size == 3, f"ConnectionPool(dsn, 3).size is {pool.size!r}"
    assert not pool.closed, "a new ConnectionPool's closed is already true"


def test_acquire_lends_distinct_open_connections_of_the_pool(fresh_db, driver, bounded):
    db = fresh_db()
    mark = driver.mark()
    pool = db.ConnectionPool(DSN, 3)
    own = {id(connection) for connection in driver.since(mark)}

    def hold_all():
        with pool.acquire() as a, pool.acquire() as b, pool.acquire() as c:
            return [a, b, c]

    for attempt in ("first", "second"):
        finished, lent = bounded(3.0, hold_all)
        assert finished, (
            f"{attempt} time: one thread acquiring the 3 connections of a pool of 3 (nested "
            "with blocks) waited more than 3 s"
        )
        assert len({id(connection) for connection in lent}) == 3, (
            f"{attempt} time: three nested acquire() calls got {lent}; three holders at once "
            "must get three different connections"
        )
        assert all(id(connection) in own for connection in lent), (
            "acquire() lent a connection the pool did not open"
        )
        assert not any(connection.closed for connection in lent), (
            "acquire() lent a closed connection"
        )
    assert len(driver.since(mark)) == 3, "acquire() opened connections of its own"


def test_acquire_waits_while_every_connection_is_lent(fresh_db, driver):
    db = fresh_db()
    pool = db.ConnectionPool(DSN, 2)
    got = {}
    arrived = threading.Event()

    def waiter():
        with pool.acquire() as connection:
            got["connection"] = connection
            arrived.set()

    with pool.acquire() as first:
        with pool.acquire():
            thread = threading.Thread(target=waiter, name="waiter", daemon=True)
            thread.start()
            waited = not arrived.wait(0.3)
            assert waited, (
                "acquire() returned a connection while both connections of a pool of 2 were "
                f"lent (it got {got.get('connection')!r}); it must wait for one to come back"
            )
        came_back = arrived.wait(5.0)
        assert came_back, (
            "a thread waiting in acquire() did not get the connection given back to the pool "
            "within 5 s"
        )
    thread.join(5.0)
    assert got["connection"] is not first, (
        "the waiting thread got a connection that was still lent"
    )


def test_a_block_that_raises_gives_its_connection_back(fresh_db, driver, bounded):
    db = fresh_db()
    pool = db.ConnectionPool(DSN, 1)
    try:
        with pool.acquire():
            raise ValueError("the query failed")
    except ValueError:
        pass

    def acquire_once():
        with pool.acquire() as connection:
            return connection

    finished, _ = bounded(3.0, acquire_once)
    assert finished, (
        "after a with pool.acquire() block raised, the pool's only connection never came back: "
        "the next acquire() waited more than 3 s"
    )


def test_many_threads_never_hold_one_connection_at_once(fresh_db, driver, stress):
    db = fresh_db()
    mark = driver.mark()
    pool = db.ConnectionPool(DSN, 4)
    own = {id(connection) for connection in driver.since(mark)}
    for round_index in range(STRESS_ROUNDS):
        guard = threading.Lock()
        holders = {}
        shared = []
        strangers = []

        def work(index):
            for step in range(ACQUISITIONS_PER_THREAD):
                with pool.acquire() as connection:
                    key = id(connection)
                    with guard:
                        if key not in own:
                            strangers.append(connection)
                        if key in holders:
                            shared.append((holders[key], index))
                        holders[key] = index
                    # Holders keep their connection for different times (0-1.5 ms), so the
                    # order connections come back in is not the order they were lent in.
                    time.sleep(((index + step) % 4) * 0.0005)
                    with guard:
                        if holders.get(key) == index:
                            del holders[key]

        stress.run(work)
        assert not strangers, (
            f"round {round_index}: acquire() lent a connection the pool did not open"
        )
        assert not shared, (
            f"round {round_index}: {stress.threads} threads x {ACQUISITIONS_PER_THREAD} "
            f"acquisitions on a pool of 4: a connection was lent to two holders at once "
            f"{len(shared)} time(s) (threads {shared[0][0]} and {shared[0][1]} first)"
        )
    assert len(driver.since(mark)) == 4, "acquire() under load opened connections of its own"
