"""The Exercism view of a `Result`: a test runner's `results.json`, version 3
(exercism.org/docs/building/tooling/test-runners/interface), so a challenge can run on an
Exercism-style track.

Status "error" means nothing ran: the module could not be imported (a syntax error, a missing
file, an exit or hang while importing), or the run was tampered with and no verdict stands; the
top-level message says why. Otherwise "pass" (full marks) or "fail". Per test, failed is "fail"
and an error, a timeout or a test never run is "error". A test's `task_id` is its group's
position in challenge.toml, so a track numbers its tasks in that order. The program's output is
not per test here: it is attached to the first test that did not pass (the one Exercism shows),
cut to the 500 characters the interface allows.
"""

from __future__ import annotations

import json
from typing import Any

from grader.outcomes import Status
from grader.scoring import Result

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
    tests: list[dict[str, Any]] = []
    output_given = False
    for task_id, group in enumerate(result.groups, start=1):
        for test in group.tests:
            status = TEST_STATUS[test.status]
            entry: dict[str, Any] = {
                "name": f"{group.title}: {test.name}",
                "status": status,
                "message": None if status == "pass" else (test.message or str(test.status)),
                "task_id": task_id,
            }
            if status != "pass" and not output_given and result.output.strip():
                entry["output"] = capped_output(result.output)
                output_given = True
            tests.append(entry)
    if result.tampered:
        status, message = "error", "tampering detected, so no result stands: " + "; ".join(result.tamper_evidence)
    elif result.import_error:
        status, message = "error", f"{result.import_error} (so no test could run)"
    else:
        status, message = ("pass" if result.passed else "fail"), None
    return {"version": EXERCISM_VERSION, "status": status, "message": message, "tests": tests}


def render_exercism(result: Result) -> str:
    return json.dumps(result_to_exercism(result), indent=2, ensure_ascii=False)


def capped_output(output: str) -> str:
    """At most OUTPUT_LIMIT characters, the note included, as the interface requires."""
    if len(output) <= OUTPUT_LIMIT:
        return output
    return output[: OUTPUT_LIMIT - len(OUTPUT_CUT_NOTE)] + OUTPUT_CUT_NOTE
