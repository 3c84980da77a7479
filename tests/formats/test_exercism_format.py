"""Exercism's results.json, version 3, validated against a schema written from the test runner
interface: statuses, messages, test code, task ids and the 500-character output."""

import json

import pytest
from format_results import (
    EXERCISM_SCHEMA, SITUATIONS, assert_valid_json, build, does_not_import, exits_at_import_but_type_checks,
    failing, passing, tampered_claiming_full_marks,
)

from grader.report.exercism import OUTPUT_LIMIT, render_exercism, result_to_exercism


def check_version_3(data: dict) -> None:
    assert_valid_json(data, EXERCISM_SCHEMA)
    # Hidden suites make every challenge what Exercism calls a Concept Exercise: test_code is required.
    assert all(test["test_code"] for test in data.get("tests", []))


@pytest.mark.parametrize("situation", SITUATIONS)
def test_every_results_json_validates_against_the_interface(tiny, situation):
    check_version_3(json.loads(render_exercism(SITUATIONS[situation](tiny))))


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
    data = result_to_exercism(does_not_import(tiny))
    check_version_3(data)
    assert data["status"] == "error"
    assert data["message"] == "tally.py: SyntaxError at line 3: invalid syntax (so no test could run)"
    assert {test["status"] for test in data["tests"]} == {"error"}


def test_an_import_error_with_a_test_that_passed_is_fail_not_error(tiny):
    # `error` means no test ran; the type checker did run, and passed.
    data = result_to_exercism(exits_at_import_but_type_checks(tiny))
    check_version_3(data)
    assert data["status"] == "fail" and data["message"] is None
    assert [test["status"] for test in data["tests"]] == ["error", "error", "error", "error", "pass"]


def test_a_tampered_run_is_fail_and_no_test_says_pass(tiny):
    data = result_to_exercism(tampered_claiming_full_marks(tiny))
    check_version_3(data)
    assert data["status"] == "fail" and data["message"] is None
    assert {test["status"] for test in data["tests"]} == {"fail"}
    assert all("a canary test reported passed; records forged" in test["message"] for test in data["tests"])


def test_a_tampered_run_keeps_each_failures_own_message(tiny):
    data = result_to_exercism(build(tiny, tamper_evidence=("records forged",)))
    check_version_3(data)
    failed = next(test for test in data["tests"] if test["name"].endswith("test_concurrent_adds_lose_nothing"))
    assert failed["status"] == "fail"
    assert failed["message"] == "not scored: tampering detected (records forged)\n\n8 threads added 40, the total says 37"


def test_test_code_says_what_the_hidden_test_checks_and_its_task(tiny):
    tests = result_to_exercism(failing(tiny))["tests"]
    assert tests[3]["test_code"] == (
        "# checks that: concurrent adds lose nothing\n"
        "# a hidden test of task 2, Counting from many threads: its code is not shown"
    )
    assert tests[4]["test_code"].startswith("# checks that: add takes int\n")


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
