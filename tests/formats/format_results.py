"""Results for the format tests, made by the real scoring stage from hand-made outcomes.

Plain functions of the `tiny` challenge, not fixtures: a conftest.py in this folder would be
importable as `conftest` and shadow tests/conftest.py for the modules that `from conftest import`.
"""

from __future__ import annotations

from grader.catalog import Challenge
from grader.outcomes import Status, StressSettings, TestOutcome
from grader.runner import Execution
from grader.scoring import InterpreterInfo, Result, score

HOSTILE_OUTPUT = (
    "hello from the submission\n"
    "::error::owned\n"
    "::add-mask::secret\n"
    "  ::warning file=x.py,line=1::indented\n"
    "50%0A of the time\r\n"
    "::stop-commands::guess\n"
    "::guess::\n"
    "<script>alert(1)</script> ``` | --- |\n"
)

EVERY_STATUS = (
    TestOutcome("test_basics.py::test_add_returns_the_running_total", Status.PASSED, 0.01, ""),
    TestOutcome("test_basics.py::test_hang_returns", Status.TIMEOUT, 4.0, "timed out after 4 s in this test"),
    TestOutcome("test_basics.py::test_crash_returns", Status.ERROR, 0.0,
                "tally.py:7: ZeroDivisionError: division by zero"),
    TestOutcome("test_threads.py::test_concurrent_adds_lose_nothing", Status.FAILED, 0.2,
                "8 threads added 40, the total says 37"),
)
NOT_RUN_STATIC = (TestOutcome("static::add_takes_int", Status.NOT_RUN, 0.0, "not run: no time was left"),)


def build(
    challenge: Challenge,
    outcomes: tuple[TestOutcome, ...] = EVERY_STATUS,
    static: tuple[TestOutcome, ...] = NOT_RUN_STATIC,
    *,
    output: str = "printed\n",
    output_truncated: bool = False,
    gil_disabled: bool = True,
    import_error: str | None = None,
    tamper_evidence: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> Result:
    return score(
        challenge=challenge,
        execution=Execution(
            outcomes=outcomes,
            gil_enabled_after_import=not gil_disabled,
            gil_enabled_at_end=not gil_disabled,
            import_error=import_error,
            output=output,
            output_truncated=output_truncated,
            children=2,
            notes=notes,
            tamper_evidence=(),
        ),
        static_outcomes=static,
        interpreter=InterpreterInfo("/opt/python/bin/python3.13t", "3.13.5", True, gil_disabled),
        stress=StressSettings(threads=8, rounds=20, seed=42),
        sandbox="bubblewrap",
        duration_s=5.0,
        tamper_evidence=tamper_evidence,
    )


def failing(challenge: Challenge) -> Result:
    """One test of every status, the output a plain line."""
    return build(challenge)


def passing(challenge: Challenge) -> Result:
    outcomes = tuple(TestOutcome(o.nodeid, Status.PASSED, o.duration_s, "") for o in EVERY_STATUS)
    return build(challenge, outcomes, (TestOutcome("static::add_takes_int", Status.PASSED, 1.5, ""),), output="")


def hostile(challenge: Challenge) -> Result:
    """Output and messages written by a submission that tries to command the CI runner."""
    outcomes = (
        TestOutcome("test_basics.py::test_add_returns_the_running_total", Status.FAILED, 0.01,
                    "::error::owned\n%0A::warning::twice, 100% sure: yes"),
        *EVERY_STATUS[1:],
    )
    return build(challenge, outcomes, output=HOSTILE_OUTPUT)
