"""Replay the deployment that leaked connections: `python incident.py` in this folder.

The service starts 32 worker threads that all ask for the pool as their first request comes
in, the deployment tool hot-reloads `db` with importlib.reload, a second wave of workers
runs, and the service stops. A real network makes connect() take a few milliseconds;
`driver.delay` does the same here. Run it with python3.13t too: with the GIL disabled,
threads really run at the same time.
"""

import atexit
import importlib
import threading

import driver


def report_at_exit() -> None:
    print(f"still open at exit:       {len(driver.open_connections())}")


# atexit runs handlers last-registered first: registered before db is imported, this one
# runs after any handler db registers, so it sees what they left open.
atexit.register(report_at_exit)

import db  # noqa: E402

driver.delay = 0.005


def worker(ready: threading.Barrier) -> None:
    ready.wait()
    with db.get_pool().acquire() as connection:
        connection.execute("select 1")


def start_workers(count: int = 32) -> None:
    ready = threading.Barrier(count)
    threads = [threading.Thread(target=worker, args=(ready,)) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


start_workers()
print(f"opened after startup:     {len(driver.connections())}")
importlib.reload(db)  # the hot reload
start_workers()
print(f"opened after hot reload:  {len(driver.connections())}")
print(f"one pool would open:      {db.POOL_SIZE}")
