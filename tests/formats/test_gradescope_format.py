"""Gradescope's results.json, checked against the fields and values its specification allows."""

import json

import pytest
from format_results import GRADESCOPE_SCHEMA, SITUATIONS, assert_valid_json, build, failing

from grader.outcomes import Status, TestOutcome
from grader.report.gradescope import render_gradescope, result_to_gradescope

TOP_LEVEL = {
    "score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
    "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard",
}
PER_TEST = {
    "score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
    "visibility", "extra_data",
}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
OUTPUT_FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def check_against_the_specification(data: dict) -> None:
    assert set(data) <= TOP_LEVEL
    assert isinstance(data["score"], float | int) and isinstance(data["execution_time"], float | int)
    assert isinstance(data["output"], str)
    for key in ("output_format", "test_output_format", "test_name_format"):
        assert data[key] in OUTPUT_FORMATS
    assert data["visibility"] in VISIBILITIES and data["stdout_visibility"] in VISIBILITIES
    for test in data["tests"]:
        assert set(test) <= PER_TEST
        assert test["status"] in {"passed", "failed"}
        assert test["visibility"] in VISIBILITIES and test["output_format"] in OUTPUT_FORMATS
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert 0 <= test["score"] <= test["max_score"]


def test_a_failing_run_follows_the_specification(tiny):
    data = json.loads(render_gradescope(failing(tiny)))
    check_against_the_specification(data)
    assert data["score"] == 2.0 and data["execution_time"] == 5.0
    assert [test["status"] for test in data["tests"]] == ["passed", "failed", "failed", "failed", "failed"]
    assert [test["number"] for test in data["tests"]] == ["1.1", "1.2", "1.3", "2.1", "3.1"]


def test_a_failed_test_shows_its_message_and_hint_and_a_passed_one_nothing(tiny):
    tests = {test["name"]: test for test in result_to_gradescope(failing(tiny))["tests"]}
    assert tests["Counting · test_add_returns_the_running_total"]["output"] == ""
    failed = tests["Counting from many threads · test_concurrent_adds_lose_nothing"]
    assert failed["output"] == (
        "8 threads added 40, the total says 37\n\nhint: use a threading.Lock around the read-modify-write"
    )
    assert (failed["score"], failed["max_score"]) == (0.0, 3.0)


def test_the_overall_output_has_the_interpreter_seed_and_program_output(tiny):
    output = result_to_gradescope(failing(tiny))["output"]
    assert "Python 3.13.5 (free-threaded)" in output and "GIL disabled" in output and "seed 42" in output
    assert "```text\nprinted\n```" in output


def test_the_score_is_the_graders_total_even_where_test_shares_are_rounded(tiny):
    # Seven tests share the 3 points of `threads`: each share is rounded, the total is not.
    outcomes = (
        TestOutcome("test_basics.py::test_add_returns_the_running_total", Status.PASSED, 0.0, ""),
        *(TestOutcome(f"test_threads.py::test_{n}", Status.PASSED, 0.0, "") for n in range(7)),
    )
    data = result_to_gradescope(build(tiny, outcomes, (TestOutcome("static::add_takes_int", Status.PASSED, 0.0, ""),)))
    check_against_the_specification(data)
    assert sum(test["score"] for test in data["tests"]) != 10.0
    assert data["score"] == 10.0


def test_a_tampered_run_scores_zero_and_no_test_passes(tiny):
    outcomes = (TestOutcome("test_basics.py::test_add_returns_the_running_total", Status.PASSED, 0.1, ""),)
    data = result_to_gradescope(build(tiny, outcomes, (), tamper_evidence=("forged records",)))
    check_against_the_specification(data)
    assert data["score"] == 0.0
    assert {test["status"] for test in data["tests"]} == {"failed"}
    assert "forged records" in data["output"]


@pytest.mark.parametrize("visibility", sorted(VISIBILITIES))
def test_every_visibility_gradescope_knows_can_be_chosen(tiny, visibility):
    data = result_to_gradescope(failing(tiny), visibility=visibility)
    assert data["visibility"] == visibility
    assert {test["visibility"] for test in data["tests"]} == {visibility}


def test_an_unknown_visibility_is_refused(tiny):
    with pytest.raises(ValueError, match="visibility must be one of"):
        result_to_gradescope(failing(tiny), visibility="sometimes")


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("visibility", ["visible", "after_due_date"])
def test_every_results_json_validates_against_gradescopes_specification(tiny, situation, visibility):
    data = json.loads(render_gradescope(SITUATIONS[situation](tiny), visibility=visibility))
    assert_valid_json(data, GRADESCOPE_SCHEMA)
