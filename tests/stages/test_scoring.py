"""The point rules, on hand-made outcomes: scoring is pure, so no process is needed."""

from grader.outcomes import Status, StressSettings, TestOutcome
from grader.runner import Execution
from grader.scoring import InterpreterInfo, score

INTERPRETER = InterpreterInfo("/x/python3.13t", "3.13.5", True, True)
STRESS = StressSettings(threads=8, rounds=20, seed=1)


def execution(*outcomes):
    return Execution(outcomes, False, False, None, "", False, 1, (), ())


def outcome(nodeid, status=Status.PASSED):
    return TestOutcome(nodeid, status, 0.01, "" if status is Status.PASSED else "broken")


def grade(tiny, *outcomes, static=()):
    return score(
        challenge=tiny, execution=execution(*outcomes), static_outcomes=static,
        interpreter=INTERPRETER, stress=STRESS, sandbox="bubblewrap", duration_s=1.0,
    )


ALL_BASICS = [
    "test_basics.py::test_add_returns_the_running_total",
    "test_basics.py::test_hang_returns",
    "test_basics.py::test_crash_returns",
]
THREADS = "test_threads.py::test_concurrent_adds_lose_nothing"
STATIC = "static::add_takes_int"


def test_every_test_passing_gives_full_marks(tiny):
    result = grade(tiny, *map(outcome, ALL_BASICS), outcome(THREADS), static=(outcome(STATIC),))
    assert result.passed and result.score == result.max_score == 10


def test_a_groups_points_are_shared_equally_by_its_tests(tiny):
    result = grade(
        tiny, outcome(ALL_BASICS[0], Status.FAILED), *map(outcome, ALL_BASICS[1:]), outcome(THREADS),
        static=(outcome(STATIC),),
    )
    basics = result.groups[0]
    assert basics.score == 4 and basics.max_score == 6
    assert result.score == 8 and not result.passed


def test_timeouts_errors_and_not_run_all_score_zero(tiny):
    result = grade(
        tiny,
        outcome(ALL_BASICS[0], Status.TIMEOUT),
        outcome(ALL_BASICS[1], Status.ERROR),
        outcome(ALL_BASICS[2], Status.NOT_RUN),
        outcome(THREADS),
        static=(outcome(STATIC),),
    )
    assert result.groups[0].score == 0
    assert result.score == 4


def test_a_group_whose_tests_never_reported_scores_nothing(tiny):
    result = grade(tiny, *map(outcome, ALL_BASICS), static=(outcome(STATIC),))
    threads = next(group for group in result.groups if group.id == "threads")
    assert threads.tests == ()
    assert threads.score == 0
    assert result.score == 7
    assert not result.passed


def test_a_test_outside_every_group_is_noted_and_not_scored(tiny):
    result = grade(tiny, *map(outcome, ALL_BASICS), outcome(THREADS), outcome("test_extra.py::test_x"),
                   static=(outcome(STATIC),))
    assert result.score == 10
    assert any("outside any group" in note for note in result.notes)
