"""The Exercism view of a `Result`: a test runner's `results.json`, version 3
(exercism.org/docs/building/tooling/test-runners/interface), so a challenge can run on an
Exercism-style track.

Top-level status "error" means no test ran, as the interface requires: the module could not be
imported (a syntax error, a missing file, an exit or hang while importing) and every test errored;
the top-level message says why. Otherwise "pass" (full marks) or "fail", with message null. Per
test, failed is "fail" and an error, a timeout or a test never run is "error", each with its
message. A tampered run ran its tests, so it is "fail": a test that claims to have passed says
"fail" with the tampering evidence, since none of them scored.

A test's `task_id` is its group's position in challenge.toml, so a track numbers its tasks in
that order. The program's output is not per test here: it is attached to the first test that did
not pass (the one Exercism shows), cut to the 500 characters the interface allows.
"""

from __future__ import annotations

import json
from typing import Any

from grader.outcomes import Status
from grader.scoring import GroupResult, Result, TestResult

EXERCISM_VERSION = 3
OUTPUT_LIMIT = 500
OUTPUT_CUT_NOTE = "\n[Output was truncated. Please limit to 500 chars]"
TEST_STATUS = {
    Status.PASSED: "pass",
    Status.FAILED: "fail",
    Status.ERROR: "error",
    Status.TIMEOUT: "error",
    Status.NOT_RUN: "error",
}


def result_to_exercism(result: Result) -> dict[str, Any]:
    tampering = "; ".join(result.tamper_evidence)
    tests: list[dict[str, Any]] = []
    output_given = False
    for task_id, group in enumerate(result.groups, start=1):
        for test in group.tests:
            status = TEST_STATUS[test.status]
            message = None if status == "pass" else (test.message or str(test.status))
            if result.tampered:
                message = "\n\n".join(filter(None, (f"not scored: tampering detected ({tampering})", message)))
                status = "fail" if status == "pass" else status
            entry: dict[str, Any] = {
                "name": f"{group.title}: {test.name}",
                "status": status,
                "message": message,
                "test_code": describe_test(test, group, task_id),
                "task_id": task_id,
            }
            if status != "pass" and not output_given and result.output.strip():
                entry["output"] = capped_output(result.output)
                output_given = True
            tests.append(entry)
    if result.import_error and all(entry["status"] == "error" for entry in tests):
        status, message = "error", f"{result.import_error} (so no test could run)"
        if result.tampered:
            message += f"; tampering detected as well ({tampering})"
    else:
        status, message = ("pass" if result.passed else "fail"), None
    return {"version": EXERCISM_VERSION, "status": status, "message": message, "tests": tests}


def render_exercism(result: Result) -> str:
    return json.dumps(result_to_exercism(result), indent=2, ensure_ascii=False)


def describe_test(test: TestResult, group: GroupResult, task_id: int) -> str:
    """`test_code`, shown above a result. The interface asks for the test's body, but our suites
    are hidden (their code would hand students the checks to write against), so it says in Python
    comments what the test checks, from its name (a sentence), and which task it belongs to."""
    sentence = test.name.removeprefix("test_").replace("_", " ")
    return f"# checks that: {sentence}\n# a hidden test of task {task_id}, {group.title}: its code is not shown"


def capped_output(output: str) -> str:
    """At most OUTPUT_LIMIT characters, the note included, as the interface requires."""
    if len(output) <= OUTPUT_LIMIT:
        return output
    return output[: OUTPUT_LIMIT - len(OUTPUT_CUT_NOTE)] + OUTPUT_CUT_NOTE
