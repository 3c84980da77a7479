"""Thread-safe first call, GIL disabled: many threads make the first get_pool() call at once.

Every round executes db.py afresh, slows driver.connect() by 1-4 ms so that building the
pool takes a while, and releases `stress.threads` threads on one barrier into get_pool().
"""


def test_first_calls_from_many_threads_build_one_pool(fresh_db, driver, stress):
    for round_index in range(stress.rounds):
        db = fresh_db()
        delay = stress.latency(round_index)
        mark = driver.mark()
        driver.slow_connect(delay)
        try:
            pools = stress.run(lambda _: db.get_pool())
        finally:
            driver.slow_connect(0)
        slow = f"connect() slowed to {delay * 1000:.1f} ms"
        distinct = len({id(pool) for pool in pools})
        assert distinct == 1, (
            f"round {round_index}: {stress.threads} threads made the first get_pool() call "
            f"together ({slow}) and got {distinct} different pools; all must get the same one"
        )
        opened = len(driver.since(mark))
        assert opened == 4, (
            f"round {round_index}: {stress.threads} threads made the first get_pool() call "
            f"together ({slow}) and the driver opened {opened} connections; one pool of "
            "POOL_SIZE (4) must be built, and nothing else opened"
        )
