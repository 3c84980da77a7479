"""The JSON output is a contract: its keys are pinned here, per schema version."""

import json

from grader.outcomes import Status, StressSettings, TestOutcome
from grader.report.json_format import render_json, result_to_dict
from grader.runner import Execution
from grader.scoring import RESULT_SCHEMA_VERSION, InterpreterInfo, score


def make_result(tiny):
    outcomes = (
        TestOutcome("test_basics.py::test_add_returns_the_running_total", Status.PASSED, 0.01, ""),
        TestOutcome("test_basics.py::test_hang_returns", Status.TIMEOUT, 4.0, "timed out after 4 s in this test"),
        TestOutcome("test_basics.py::test_crash_returns", Status.ERROR, 0.0, "the test process ended"),
        TestOutcome("test_threads.py::test_concurrent_adds_lose_nothing", Status.FAILED, 0.2, "lost 3 updates"),
    )
    return score(
        challenge=tiny,
        execution=Execution(outcomes, False, False, None, "printed", False, 2, (), ()),
        static_outcomes=(TestOutcome("static::add_takes_int", Status.NOT_RUN, 0.0, "not run"),),
        interpreter=InterpreterInfo("/x/python3.13t", "3.13.5", True, True),
        stress=StressSettings(threads=8, rounds=20, seed=42),
        sandbox="bubblewrap",
        duration_s=5.0,
    )


def test_the_json_keys_are_pinned_for_schema_version_1(tiny):
    data = result_to_dict(make_result(tiny))
    assert RESULT_SCHEMA_VERSION == 1
    assert list(data) == [
        "schema_version", "challenge", "title", "score", "max_score", "passed", "interpreter",
        "stress", "sandbox", "duration_s", "groups", "tests", "notes", "output", "output_truncated",
        "tampered", "tamper_evidence",
    ]
    assert list(data["interpreter"]) == ["executable", "version", "free_threaded_build", "gil_disabled"]
    assert list(data["stress"]) == ["threads", "rounds", "seed"]
    assert list(data["groups"][0]) == ["id", "title", "score", "max_score", "passed"]
    assert list(data["tests"][0]) == ["name", "group", "status", "score", "max_score", "duration_s", "message"]


def test_every_status_is_one_of_the_documented_five(tiny):
    data = json.loads(render_json(make_result(tiny)))
    assert {test["status"] for test in data["tests"]} == {"passed", "failed", "error", "timeout", "not_run"}
    assert data["passed"] is False
    assert data["score"] == 2.0 and data["max_score"] == 10.0


def test_passed_means_full_marks(tiny):
    data = result_to_dict(make_result(tiny))
    assert data["passed"] == (data["score"] == data["max_score"])
