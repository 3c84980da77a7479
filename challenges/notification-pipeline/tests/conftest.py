"""Shared by the notification-pipeline suite; it never imports the submission itself.

A lock that is acquired and never released (an early `return` before `release()`, or a plain
Lock taken twice by one thread) makes the second or third call of a singleton class hang. Left
alone, each such test would sit out the whole per-test time limit and the submission's wall
clock would run out before the unrelated groups are graded. So every test that builds
singletons first calls a throwaway copy of the module from one thread, with a short deadline,
and fails at once with a message that names the hanging call.
"""

import threading

import pytest

DEADLINE_SECONDS = 3.0


@pytest.fixture(autouse=True)
def repeated_calls_return(request):
    if "fresh_submission" not in request.fixturenames:
        return
    module = request.getfixturevalue("fresh_submission")()
    progress = {"step": "defining a class with metaclass=ThreadSafeSingletonMeta", "done": False}

    def call_repeatedly():
        try:
            class Liveness(metaclass=module.ThreadSafeSingletonMeta):
                pass

            for n in (1, 2, 3):
                progress["step"] = f"call {n} of a class using ThreadSafeSingletonMeta"
                Liveness()
            for n in (1, 2, 3):
                progress["step"] = f"DatabaseConnection() call {n}"
                module.DatabaseConnection()
        except BaseException:
            pass  # the test itself reports errors; only a hang is judged here
        progress["done"] = True

    caller = threading.Thread(target=call_repeatedly, name="repeated-calls", daemon=True)
    caller.start()
    caller.join(DEADLINE_SECONDS)
    if not progress["done"]:
        pytest.fail(
            f"{progress['step']} did not return within {DEADLINE_SECONDS:.0f} s, called from "
            "a single thread: is a lock acquired and never released, or a non-reentrant "
            "lock acquired twice by the same thread?",
            pytrace=False,
        )
