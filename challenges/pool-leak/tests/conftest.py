"""Shared by the pool-leak suite; it never imports the submission or the driver at the top.

`driver` is the grader's copy of driver.py, the one module every execution of db.py shares:
tests read what it opened as a difference (`driver.since(mark)`) and reset its `delay` and
`trace_fd` before and after each test. `fresh_db()` executes db.py as a new module and calls
its `close_pool()` first, so a test never sees a pool left by another, wherever a solution
keeps it. `reload_db(module)` is `importlib.reload(module)` for such a module.
"""

import importlib
import importlib.util
import sys
import threading

import pytest

DEADLINE_SECONDS = 3.0


class _DriverView:
    """The driver module, plus counting helpers that only look at what happened since a mark."""

    def __init__(self, module):
        self.module = module

    def mark(self):
        return len(self.module.connections())

    def since(self, mark):
        """The connections opened after `mark`, oldest first."""
        return self.module.connections()[mark:]

    def slow_connect(self, seconds):
        self.module.delay = seconds


@pytest.fixture
def driver():
    import driver as module  # the grader's support file, importable only once the run starts

    module.delay = 0.0
    module.trace_fd = None
    yield _DriverView(module)
    module.delay = 0.0
    module.trace_fd = None


@pytest.fixture
def fresh_db(fresh_submission, driver):
    def make():
        module = fresh_submission()
        module.close_pool()
        return module

    return make


class _ReloadFinder:
    """Finds the spec of a module being reloaded from its own file.

    `importlib.reload` looks the module's name up on sys.meta_path again; a module the grader
    executed under a name of its own (db__fresh3) is found by no other finder.
    """

    def __init__(self, module):
        self.module = module

    def find_spec(self, name, path=None, target=None):
        if target is self.module and name == self.module.__name__:
            return importlib.util.spec_from_file_location(name, self.module.__file__)
        return None


@pytest.fixture
def reload_db():
    def reload(module):
        finder = _ReloadFinder(module)
        sys.meta_path.insert(0, finder)
        try:
            return importlib.reload(module)
        finally:
            sys.meta_path.remove(finder)

    return reload


@pytest.fixture(autouse=True)
def pool_calls_return(request):
    """Fail at once, naming the call, if get_pool/close_pool/acquire hangs from one thread."""
    if "fresh_db" not in request.fixturenames:
        return
    module = request.getfixturevalue("fresh_submission")()
    progress = {"step": "close_pool() with no pool", "done": False}

    def exercise():
        try:
            module.close_pool()
            progress["step"] = "the first get_pool()"
            pool = module.get_pool()
            progress["step"] = "a second get_pool()"
            module.get_pool()
            for n in (1, 2):
                progress["step"] = f"acquire() number {n}, one after the other"
                with pool.acquire():
                    pass
            for n in (1, 2):
                progress["step"] = f"close_pool() number {n}, after get_pool()"
                module.close_pool()
        except BaseException:
            pass  # the tests themselves report errors; only a hang is judged here
        progress["done"] = True

    caller = threading.Thread(target=exercise, name="pool-calls", daemon=True)
    caller.start()
    caller.join(DEADLINE_SECONDS)
    if not progress["done"]:
        pytest.fail(
            f"{progress['step']} did not return within {DEADLINE_SECONDS:.0f} s, called from a "
            "single thread: is a lock acquired and never released, or a non-reentrant lock "
            "acquired twice by the same thread?",
            pytrace=False,
        )


def call_within(seconds, function, *args):
    """Run function(*args) on a thread; (finished, result or exception)."""
    outcome = {}

    def run():
        try:
            outcome["result"] = function(*args)
        except BaseException as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="bounded-call", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        return False, None
    if "error" in outcome:
        raise outcome["error"]
    return True, outcome.get("result")


@pytest.fixture
def bounded():
    """`bounded(seconds, function, *args)`: (returned in time, its result)."""
    return call_within
