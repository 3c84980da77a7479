"""The JSON output is a contract: its keys are pinned here, per schema version, and every rendered
result validates against docs/result.schema.json, which docs/json-schema.md describes."""

import json
import re

import pytest
from format_results import (
    RESULT_SCHEMA, SITUATIONS, assert_valid_json, does_not_import, tampered_claiming_full_marks,
)

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
        "tampered", "tamper_evidence", "import_error",
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


SCHEMA = json.loads(RESULT_SCHEMA.read_text(encoding="utf-8"))
PROSE = (RESULT_SCHEMA.parent / "json-schema.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("situation", SITUATIONS)
def test_every_result_validates_against_the_shipped_schema(tiny, situation):
    assert_valid_json(json.loads(render_json(SITUATIONS[situation](tiny))), RESULT_SCHEMA)


def test_the_schema_carries_its_version_and_requires_every_key(tiny):
    data = result_to_dict(make_result(tiny))
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["properties"]["schema_version"]["const"] == RESULT_SCHEMA_VERSION
    assert f"schema version {RESULT_SCHEMA_VERSION}" in SCHEMA["title"]
    assert SCHEMA["required"] == list(data) == list(SCHEMA["properties"])
    for key, items in (("groups", data["groups"][0]), ("tests", data["tests"][0])):
        item_schema = SCHEMA["properties"][key]["items"]
        assert item_schema["required"] == list(items) == list(item_schema["properties"])
    for key in ("interpreter", "stress"):
        assert SCHEMA["properties"][key]["required"] == list(data[key]) == list(SCHEMA["properties"][key]["properties"])


def test_the_prose_names_every_key_of_the_schema():
    documented = set(re.findall(r"`([a-z_.\[\]]+)`", PROSE))
    assert f"schema version {RESULT_SCHEMA_VERSION}" in PROSE and "result.schema.json" in PROSE
    for key, spec in SCHEMA["properties"].items():
        assert key in documented or f"{key}[]" in documented or any(f"{key}." in name for name in documented), key
        nested = spec.get("properties") or spec.get("items", {}).get("properties") or {}
        for inner in nested:
            assert inner in documented or f"{key}.{inner}" in documented, f"{key}.{inner}"


def test_a_tampered_run_says_so_and_scores_zero(tiny):
    data = result_to_dict(tampered_claiming_full_marks(tiny))
    assert data["tampered"] is True and data["passed"] is False and data["score"] == 0.0
    assert data["tamper_evidence"] == ["a canary test reported passed", "records forged"]
    assert {test["status"] for test in data["tests"]} == {"passed"}  # what the records claimed
    assert {test["score"] for test in data["tests"]} == {0.0}


def test_an_import_error_is_in_the_json(tiny):
    assert result_to_dict(make_result(tiny))["import_error"] is None
    assert result_to_dict(does_not_import(tiny))["import_error"] == "tally.py: SyntaxError at line 3: invalid syntax"
