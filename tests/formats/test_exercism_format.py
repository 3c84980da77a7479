"""Exercism's results.json, version 3: statuses, messages, task ids and the 500-character output."""

import json

from format_results import build, failing, passing

from grader.outcomes import Status, TestOutcome
from grader.report.exercism import OUTPUT_LIMIT, render_exercism, result_to_exercism

STATUSES = {"pass", "fail", "error"}


def check_version_3(data: dict) -> None:
    assert data["version"] == 3
    assert data["status"] in STATUSES
    assert (data["message"] is not None) == (data["status"] == "error")
    for test in data["tests"]:
        assert set(test) <= {"name", "status", "message", "output", "test_code", "task_id"}
        assert test["status"] in STATUSES and isinstance(test["name"], str)
        assert isinstance(test["task_id"], int) and test["task_id"] >= 1
        assert len(test.get("output") or "") <= OUTPUT_LIMIT


def test_a_failing_run_is_fail_with_a_status_per_test(tiny):
    data = json.loads(render_exercism(failing(tiny)))
    check_version_3(data)
    assert data["status"] == "fail"
    assert [test["status"] for test in data["tests"]] == ["pass", "error", "error", "fail", "error"]
    assert [test["task_id"] for test in data["tests"]] == [1, 1, 1, 2, 3]
    assert data["tests"][0]["message"] is None
    assert data["tests"][3]["message"] == "8 threads added 40, the total says 37"


def test_full_marks_is_pass(tiny):
    data = result_to_exercism(passing(tiny))
    check_version_3(data)
    assert data["status"] == "pass" and data["message"] is None


def test_a_module_that_does_not_import_is_error_with_the_reason(tiny):
    reason = "tally.py: SyntaxError at line 3: invalid syntax"
    outcomes = tuple(TestOutcome(nodeid, Status.ERROR, 0.0, reason) for nodeid in (
        "test_basics.py::test_add_returns_the_running_total", "test_threads.py::test_concurrent_adds_lose_nothing",
    ))
    data = result_to_exercism(build(tiny, outcomes, import_error=reason))
    check_version_3(data)
    assert data["status"] == "error"
    assert data["message"].startswith(reason)


def test_the_output_goes_to_the_first_test_that_did_not_pass_cut_to_500_characters(tiny):
    data = result_to_exercism(build(tiny, output="x" * 2000))
    check_version_3(data)
    with_output = [test for test in data["tests"] if "output" in test]
    assert [test["name"] for test in with_output] == ["Counting: test_hang_returns"]
    assert len(with_output[0]["output"]) == OUTPUT_LIMIT
    assert with_output[0]["output"].endswith("Output was truncated. Please limit to 500 chars]")


def test_short_output_is_kept_whole(tiny):
    data = result_to_exercism(build(tiny, output="debug: 3\n"))
    assert next(test for test in data["tests"] if "output" in test)["output"] == "debug: 3\n"
