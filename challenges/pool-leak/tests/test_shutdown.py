"""Connections closed at interpreter exit: a new interpreter imports db, uses get_pool(),
and ends normally; every connection of the pool get_pool() last built must be closed by then.

The driver writes a line when it opens or closes a connection (`<driver open 3>`), at that
moment, so a close anywhere in the interpreter's exit counts.
"""

import re

EVENT = re.compile(r"<driver (open|close) (\d+)>")

USE_THE_POOL = """
import driver
driver.trace_fd = 1
import db
pool = db.get_pool()
with pool.acquire() as connection:
    connection.execute("select 1")
print("<snippet done>", flush=True)
"""

REBUILD_IN_A_THREAD = """
import threading
import driver
import db
db.get_pool()
db.close_pool()
driver.trace_fd = 1
worker = threading.Thread(target=db.get_pool)
worker.start()
worker.join()
print("<snippet done>", flush=True)
"""


def _left_open(result):
    opened, closed = [], set()
    for kind, number in EVENT.findall(result.stdout):
        (opened.append if kind == "open" else closed.add)(number)
    return opened, [number for number in opened if number not in closed]


def _check(fresh_interpreter, snippet, what, *, opens_a_pool):
    result = fresh_interpreter.run(snippet, timeout=10)
    assert result.returncode == 0 and "<snippet done>" in result.stdout, (
        f"{what}: the interpreter failed (exit status {result.returncode}): "
        f"{result.stderr.strip()[-400:]}"
    )
    opened, left_open = _left_open(result)
    if opens_a_pool:
        assert len(opened) == 4, (
            f"{what}: the pool opened {len(opened)} connections, not POOL_SIZE (4)"
        )
    assert not left_open, (
        f"{what}: {len(left_open)} of the {len(opened)} connections opened were still open "
        "when the interpreter had exited; the pool the process has at exit must be closed, "
        "all its connections with it (an atexit handler is the usual way)"
    )


def test_the_pool_is_closed_when_the_interpreter_exits(fresh_interpreter):
    _check(
        fresh_interpreter, USE_THE_POOL, "get_pool(), one acquire(), then exit", opens_a_pool=True
    )


def test_a_pool_rebuilt_after_close_pool_is_closed_at_exit_too(fresh_interpreter):
    _check(
        fresh_interpreter,
        REBUILD_IN_A_THREAD,
        "get_pool(), close_pool(), get_pool() again from a thread that ends, then exit",
        # Whether close_pool() forgets the pool is the reset group's business: here only the
        # connections the second get_pool() opened, if any, must be closed at exit.
        opens_a_pool=False,
    )
