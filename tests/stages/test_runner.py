"""The runner on real submissions of the tiny challenge: every situation ends in a clear verdict."""

import pytest

from fixture_paths import SUBMISSIONS
from grader.grading import grade_submission
from grader.outcomes import Status


def statuses(result):
    return {test.name: test.status for test in result.tests}


def messages(result):
    return {test.name: test.message for test in result.tests}


@pytest.fixture
def grade(tiny, runtime):
    def grade(situation_or_path, **options):
        path = situation_or_path if not isinstance(situation_or_path, str) else SUBMISSIONS / situation_or_path
        return grade_submission(submission=path, challenge=tiny, runtime=runtime, seed=7, **options)
    return grade


def test_the_reference_scores_full_marks_with_the_gil_disabled(grade, tiny_reference):
    result = grade(tiny_reference)
    assert result.passed and result.score == result.max_score == 10
    assert result.interpreter.gil_disabled
    assert result.stress.seed == 7 and result.stress.threads == 8


def test_a_race_forced_by_latency_loses_only_the_thread_group(grade):
    result = grade("unlocked")
    lost = {group.id for group in result.groups if not group.passed}
    assert lost == {"threads"}
    assert "threads added 40, the total says" in messages(result)["test_concurrent_adds_lose_nothing"]


def test_a_test_that_hangs_times_out_alone_and_the_rest_still_run(grade):
    result = grade("hang-in-test")
    assert statuses(result)["test_hang_returns"] is Status.TIMEOUT
    assert "timed out after 8 s in this test" in messages(result)["test_hang_returns"]
    others = {name: status for name, status in statuses(result).items() if name != "test_hang_returns"}
    assert set(others.values()) == {Status.PASSED}


def test_a_process_exit_inside_a_test_costs_that_test_only(grade):
    result = grade("crash-in-test")
    assert statuses(result)["test_crash_returns"] is Status.ERROR
    assert "ended during this test (exit code 0)" in messages(result)["test_crash_returns"]
    assert statuses(result)["test_add_returns_the_running_total"] is Status.PASSED
    assert statuses(result)["test_concurrent_adds_lose_nothing"] is Status.PASSED


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("syntax-error", "tally.py: SyntaxError at line 3"),
        ("not-utf8", "tally.py: not UTF-8 text"),
        ("binary", "tally.py: not"),
        ("wrong-name", "tally.py not found in the submission"),
        ("sys-exit-at-import", "tally.py: called sys.exit(0) while being imported"),
    ],
)
def test_a_submission_that_cannot_be_imported_gets_one_line_cause_on_every_test(grade, situation, message):
    result = grade(situation)
    pytest_tests = [test for test in result.tests if test.group != "typing"]
    assert {test.status for test in pytest_tests} == {Status.ERROR}
    assert all(test.message.startswith(message) for test in pytest_tests), messages(result)
    assert "\n" not in pytest_tests[0].message
    assert result.score < result.max_score


def test_an_exit_at_import_scores_zero_not_a_pass(grade):
    result = grade("exit-at-import")
    pytest_tests = [test for test in result.tests if test.group != "typing"]
    assert {test.status for test in pytest_tests} == {Status.ERROR}
    assert "ended while importing tally.py (exit code 0)" in pytest_tests[0].message


def test_a_hang_at_import_is_a_timeout_that_names_the_import(grade):
    result = grade("hang-at-import")
    pytest_tests = [test for test in result.tests if test.group != "typing"]
    assert {test.status for test in pytest_tests} == {Status.TIMEOUT}
    assert "importing tally.py" in pytest_tests[0].message


def test_an_output_flood_is_capped_and_the_grading_goes_on(grade):
    result = grade("flood")
    assert result.passed
    assert result.output_truncated
    assert len(result.output) <= 256 * 1024
    assert any("output was cut" in note for note in result.notes)


def test_a_wall_clock_limit_turns_the_tests_left_into_not_run(tiny, runtime):
    from grader.catalog import with_limits
    challenge = with_limits(tiny, ["wall_seconds=2.5", "test_seconds=30"])
    result = grade_submission(submission=SUBMISSIONS / "hang-in-test", challenge=challenge,
                              runtime=runtime, seed=7)
    assert statuses(result)["test_hang_returns"] is Status.TIMEOUT
    assert "wall-clock" in " ".join(result.notes)
    assert Status.NOT_RUN in statuses(result).values()


def test_the_result_says_where_the_grading_time_went_stage_by_stage(grade, tiny_reference):
    result = grade(tiny_reference)
    in_order = [stage.name for stage in result.stages if not stage.parallel]
    assert in_order == [
        "workspace", "collection", "child spawn", "sandbox and interpreter start", "child imports pytest",
        "child collects the suite", "child imports the submission", "tests", "child exit",
        "static checks, after the child", "workspace removal", "scoring",
    ]
    assert [stage.name for stage in result.stages if stage.parallel] == ["static checks"]
    assert all(stage.seconds >= 0 for stage in result.stages)


def test_a_retried_child_adds_a_stage_for_the_children_after_the_first(grade):
    result = grade("hang-in-test")
    assert "more children" in [stage.name for stage in result.stages]
