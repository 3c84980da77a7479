"""The Gradescope view of a `Result`: the `results.json` an autograder leaves in
/autograder/results/ (gradescope-autograders.readthedocs.io, "Autograder Specifications").

The top-level `score` is the grader's total, so Gradescope shows exactly what `grade` decided
(group points are exact even where per-test shares are rounded). Each test carries its score,
its share of the group's points, a status that is only ever "passed" or "failed" (Gradescope's
two), and the message and hint as plain text. The header, notes and program output go in the
top-level `output` as Markdown. A tampered run's tests all say "failed": none scored.
"""

from __future__ import annotations

import json
from typing import Any

from grader.outcomes import Status
from grader.report.markdown import escape_inline, markdown_header, markdown_output
from grader.scoring import Result

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
OUTPUT_FORMATS = ("text", "html", "simple_format", "md", "ansi")


def result_to_gradescope(result: Result, *, visibility: str = "visible") -> dict[str, Any]:
    """`visibility` applies to every test: when students see them (one of VISIBILITIES)."""
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
    tests = []
    for group_number, group in enumerate(result.groups, start=1):
        for test_number, test in enumerate(group.tests, start=1):
            passed = test.status is Status.PASSED and not result.tampered
            if passed:
                output = ""
            elif result.tampered:
                output = "not scored: this run was tampered with (see the overall output)"
            else:
                output = test.message or str(test.status)
                output += f"\n\nhint: {group.hint}" if group.hint else ""
            tests.append({
                "name": f"{group.title} · {test.name}",
                "number": f"{group_number}.{test_number}",
                "score": round(test.score, 4),
                "max_score": round(test.max_score, 4),
                "status": "passed" if passed else "failed",
                "output": output,
                "output_format": "text",
                "tags": [group.id],
                "visibility": visibility,
            })
    return {
        "score": result.score,
        "execution_time": round(result.duration_s, 2),
        "output": _overall_output(result),
        "output_format": "md",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "extra_data": {
            "challenge": result.challenge,
            "max_score": result.max_score,
            "seed": result.stress.seed,
            "python": result.interpreter.version,
            "gil_disabled": result.interpreter.gil_disabled,
            "sandbox": result.sandbox,
            "tampered": result.tampered,
        },
        "tests": tests,
    }


def render_gradescope(result: Result, *, visibility: str = "visible") -> str:
    return json.dumps(result_to_gradescope(result, visibility=visibility), indent=2, ensure_ascii=False)


def _overall_output(result: Result) -> str:
    parts = [markdown_header(result)]
    if result.tampered:
        parts.append("This run scores zero: its results cannot be trusted.\n\n"
                     + "\n".join(f"- {escape_inline(item)}" for item in result.tamper_evidence))
    if result.import_error:
        parts.append(f"Your module could not be imported, so no test ran: {escape_inline(result.import_error)}")
    parts += [f"note: {escape_inline(note)}" for note in result.notes]
    output = markdown_output(result, collapsed=False)
    if output:
        parts.append(output)
    return "\n\n".join(parts)
