"""The author's API in the child, on real submissions of the child-api fixture challenge: the
async stress, the fresh interpreter and its allowance, and a child with no defaults of its own."""

import subprocess
from dataclasses import replace

import pytest

from fixture_paths import FIXTURES
from grader.catalog import ALLOWANCES, load_challenge, with_limits
from grader.grading import grade_submission
from grader.outcomes import Status
from grader.sandbox import CHILD_DIR, CHILD_LAUNCHER

# A home of its own: the tiny home's dashboard and listings stay as their tests expect.
HOME = FIXTURES / "child-api-home"
SOLUTIONS = HOME / "solutions" / "child-api"
TASKS = "test_deposits_from_tasks_released_together_lose_nothing_on_each_new_event_loop"
EXIT = "test_a_ledger_prints_its_closing_balance_when_the_interpreter_exits"


@pytest.fixture
def child_api(monkeypatch):
    monkeypatch.setenv("GRADE_HOME", str(HOME))
    return load_challenge("child-api")


@pytest.fixture
def grade(child_api, runtime):
    def grade(solution, challenge=child_api):
        folder = SOLUTIONS / "reference" if solution == "reference" else SOLUTIONS / "mutants" / solution
        return grade_submission(submission=folder, challenge=challenge, runtime=runtime, seed=11)
    return grade


def outcomes(result):
    return {test.name: (test.status, test.message) for test in result.tests}


def test_the_reference_passes_the_async_stress_and_the_check_at_exit(grade):
    result = grade("reference")
    assert result.passed and result.score == result.max_score == 10, outcomes(result)
    assert result.interpreter.gil_disabled


def test_a_lock_kept_from_an_earlier_event_loop_fails_the_async_stress_naming_the_task(grade):
    result = grade("lock-bound-to-first-loop")
    status, message = outcomes(result)[TASKS]
    assert status is Status.FAILED
    assert message.startswith("task ") and "raised RuntimeError" in message, message
    assert "bound to a different event loop" in message
    assert outcomes(result)[EXIT][0] is Status.PASSED


def test_tasks_that_never_get_the_lock_fail_with_a_deadlock_message_within_the_test(grade, child_api):
    result = grade("never-releases", with_limits(child_api, ["test_seconds=3"]))
    status, message = outcomes(result)[TASKS]
    assert status is Status.FAILED, message
    assert "7 of 8 tasks still waiting after" in message and "possible deadlock" in message


def test_the_fresh_interpreter_sees_that_no_atexit_handler_printed_the_balance(grade):
    result = grade("no-closing-balance")
    status, message = outcomes(result)[EXIT]
    assert status is Status.FAILED
    assert "expected 'done' then, at exit, 'closing balance 7'" in message
    assert outcomes(result)[TASKS][0] is Status.PASSED


def test_an_interpreter_that_never_finishes_exiting_fails_its_test_and_not_the_whole_run(grade):
    result = grade("hangs-at-exit")
    status, message = outcomes(result)[EXIT]
    assert status is Status.FAILED
    assert "the fresh interpreter had not exited after" in message
    assert outcomes(result)[TASKS][0] is Status.PASSED
    assert not any("wall-clock" in note for note in result.notes), result.notes


def test_without_the_allowance_the_fresh_interpreter_fails_with_a_message_for_the_author(grade, child_api):
    result = grade("reference", replace(child_api, allow=()))
    status, message = outcomes(result)[EXIT]
    assert status is Status.ERROR
    assert 'allow = ["fresh-interpreter"] under [sandbox] in challenge.toml' in message
    assert outcomes(result)[TASKS][0] is Status.PASSED


def test_the_child_grants_every_allowance_the_catalog_accepts(monkeypatch):
    monkeypatch.syspath_prepend(str(CHILD_DIR))
    from grade_child.main import ALLOWANCES as granted

    assert set(granted) == set(ALLOWANCES)


def test_the_child_refuses_to_grade_without_the_settings_the_catalog_decides(runtime, tmp_path):
    done = subprocess.run(
        [str(runtime.executable), "-I", "-B", str(CHILD_LAUNCHER), "--records-fd", "1",
         "--tests", str(tmp_path), "--submission", str(tmp_path), "--module", "ledger",
         "--threads", "8", "--seed", "1"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert "grading needs --rounds, --test-timeout" in done.stderr
