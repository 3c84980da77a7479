"""The instructor's report: one self-contained HTML page for a batch (no network, no files
beside it but the feedback it links to).

Plots are inline SVG (laid out in charts.py): the score distribution, the pass rate of every
test (which requirement the class struggles with) and the time per submission; then a sortable
table of students. Read from the journal in two streaming passes (figures first, then the
table), so a class of any size costs the same memory. The page (instructor_page.py) is a
Jinja2 template that escapes every student-supplied string, and a Content-Security-Policy lets
only its own script run.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from grader.batch.records import BatchSummary, JournalRow
from grader.catalog import Challenge
from grader.report.charts import score_chart, test_chart, time_chart
from grader.report.instructor_page import SCRIPT, SCRIPT_HASH, template
from grader.report.scorecard import points

UNTRUSTED_STATUSES = {"tampered", "error"}  # their test verdicts say nothing about the class


@dataclass(slots=True)
class _Tally:
    """Counts gathered in the first pass over the journal."""

    scores: list[float] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)
    tests: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (group, name) -> [passed, ran]
    group_scores: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


def write_report(
    *,
    rows: Callable[[], Iterator[JournalRow]],
    summary: BatchSummary,
    challenge: Challenge,
    stream: IO[str],
) -> None:
    """`rows` is called twice: once for the figures, once for the table."""
    tally = _tally(rows())
    context = {
        "challenge": challenge,
        "summary": summary,
        "generated": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "points": points,
        "scores_chart": score_chart(tally.scores, challenge.max_score),
        "tests_chart": test_chart(tally.tests, challenge),
        "time_chart": time_chart(tally.durations),
        "groups": [
            (group, _mean(tally.group_scores.get(group.id, [])))
            for group in challenge.groups
        ],
        "statuses": sorted(tally.statuses.items()),
        "students": rows(),
        "script_hash": SCRIPT_HASH,
        "script": SCRIPT,
    }
    for chunk in template().generate(**context):
        stream.write(chunk)


def _tally(rows: Iterable[JournalRow]) -> _Tally:
    tally = _Tally()
    for row in rows:
        tally.statuses[str(row.status)] = tally.statuses.get(str(row.status), 0) + 1
        if row.score is None:
            continue
        tally.scores.append(row.score)
        tally.durations.append(row.duration_s)
        for group, score in row.group_scores:
            tally.group_scores.setdefault(group, []).append(score)
        if str(row.status) in UNTRUSTED_STATUSES:
            continue
        for test in row.tests:
            counts = tally.tests.setdefault((test.group, test.name), [0, 0])
            counts[0] += test.status == "passed"
            counts[1] += 1
    return tally


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None
