"""The batch's files for people: the gradebook CSV an instructor imports, and each student's
Markdown feedback (the scorecard they would have seen: scores, failures, hints).

Student names and messages come from submissions, so nothing here trusts them: a CSV cell that
a spreadsheet would run as a formula is defused, and messages sit in code fences long enough
that nothing inside can close them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO

from grader.batch.records import JournalRow
from grader.catalog import Challenge
from grader.outcomes import Status
from grader.report.marks import MARKS, group_mark
from grader.report.scorecard import points
from grader.scoring import Result

OUTPUT_PREVIEW_LINES = 12


def write_gradebook(rows: Iterable[JournalRow], challenge: Challenge, stream: IO[str]) -> None:
    """student, score, max_score, percent, one column per group, status; blank scores for a
    submission the grader could not grade, so no import mistakes it for a zero."""
    group_ids = [group.id for group in challenge.groups]
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["student", "score", "max_score", "percent", *group_ids, "status"])
    for row in rows:
        if row.score is None:
            scores = ["", points(row.max_score), "", *("" for _ in group_ids)]
        else:
            by_group = dict(row.group_scores)
            scores = [
                points(row.score), points(row.max_score), f"{row.percent:.1f}",
                *(points(by_group[group]) if group in by_group else "" for group in group_ids),
            ]
        writer.writerow([_cell(row.student), *scores, str(row.status)])


def _cell(text: str) -> str:
    """A leading =, +, -, @ or control character makes spreadsheets evaluate the cell."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_feedback(student: str, result: Result) -> str:
    lines = [
        f"# {result.title}: {points(result.score)}/{points(result.max_score)}",
        "",
        f"Feedback for **{_inline(student)}** on `{result.challenge}`: "
        + ("full marks." if result.passed else "not full marks yet."),
        "",
    ]
    if result.tampered:
        lines += ["**This run scores zero: its results cannot be trusted.**", ""]
        lines += [f"- {_inline(item)}" for item in result.tamper_evidence] + [""]
    lines += ["| requirement | points | tests passed |", "| --- | ---: | ---: |"]
    for group in result.groups:
        passed = sum(test.status is Status.PASSED for test in group.tests)
        lines.append(
            f"| {group_mark(group.passed and not result.tampered)} {group.title} | {points(group.score)}/{points(group.max_score)} "
            f"| {passed}/{len(group.tests)} |"
        )
    lines.append("")
    failures = [
        (group, test) for group in result.groups for test in group.tests if test.status is not Status.PASSED
    ]
    if failures:
        lines += ["## What to fix", ""]
        hinted: set[str] = set()
        for group, test in failures:
            lines.append(f"### {MARKS[test.status]} {group.id} › `{test.name}` ({test.status})")
            lines += ["", *_fenced(test.message or str(test.status)), ""]
            if group.hint and group.id not in hinted:
                hinted.add(group.id)
                lines += [f"Hint: {group.hint}", ""]
    if result.notes:
        lines += ["## Notes", "", *(f"- {_inline(note)}" for note in result.notes), ""]
    if result.output.strip() and not result.passed:
        output = result.output.strip().splitlines()
        preview = output[:OUTPUT_PREVIEW_LINES]
        if len(output) > OUTPUT_PREVIEW_LINES or result.output_truncated:
            preview.append("… (output cut)")
        lines += ["## Your program's output", "", *_fenced("\n".join(preview)), ""]
    interpreter = result.interpreter
    gil = "GIL disabled" if interpreter.gil_disabled else "GIL enabled"
    lines.append(
        f"_Graded on Python {interpreter.version} ({gil}), sandbox: {result.sandbox}, "
        f"stress {result.stress.threads} threads × {result.stress.rounds} rounds, "
        f"seed {result.stress.seed}, {result.duration_s:.1f} s._"
    )
    return "\n".join(lines) + "\n"


def render_ungraded_feedback(student: str, challenge: Challenge, reason: str) -> str:
    return "\n".join([
        f"# {challenge.title}: not graded",
        "",
        (f"The submission of **{_inline(student)}** on `{challenge.id}` could not be graded "
         "automatically; your instructor will look at it."),
        "",
        *_fenced(reason),
        "",
    ])


def _fenced(text: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, text, fence]


def _inline(text: str) -> str:
    """One line of untrusted text, with the characters that would start Markdown or HTML escaped."""
    flat = " ".join(text.split())
    return re.sub(r"([\\`*_{}\[\]<>()#+|!~])", r"\\\1", flat)
