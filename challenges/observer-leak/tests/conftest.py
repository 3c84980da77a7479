"""Shared by the observer-leak suite; it never imports the submission itself.

A publish that holds a plain (non-reentrant) lock while it calls the subscribers deadlocks as
soon as a callback subscribes or unsubscribes. Left alone, such a test would sit out the whole
per-test time limit, and the grading's wall clock would run out before the other groups are
graded. `within_deadline` runs the call in a helper thread and fails the test after a few
seconds with a message that says what hung.
"""

import threading

import pytest

DEADLINE_SECONDS = 2.0


@pytest.fixture
def within_deadline():
    """A function: within_deadline(action, what) returns action(), or fails if it hangs."""

    def run(action, what):
        outcome = {}

        def call():
            try:
                outcome["value"] = action()
            except BaseException as exc:  # re-raised in the test's own thread below
                outcome["error"] = exc

        caller = threading.Thread(target=call, name="deadline", daemon=True)
        caller.start()
        caller.join(DEADLINE_SECONDS)
        if caller.is_alive():
            pytest.fail(
                f"{what} did not return within {DEADLINE_SECONDS:.0f} s: is a lock held while "
                "the subscribers are called, and taken again when a callback subscribes or "
                "unsubscribes?",
                pytrace=False,
            )
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return run
