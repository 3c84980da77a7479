"""What one journal line holds, as the gradebook, the summary and the report read it.

The batch writes these and the reports (grader/report/gradebook.py, instructor.py) read them,
so they live here, below both: this module imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from grader.outcomes import Status
from grader.scoring import Result


class SubmissionStatus(StrEnum):
    """One word per student for the gradebook; `status_of` picks the most telling of those that apply."""

    FULL_MARKS = "full-marks"
    GRADED = "graded"             # scored, some points lost
    CRASHED = "crashed"           # a test or the import ended in an error
    TIMEOUT = "timeout"           # a test timed out, or the wall clock ran out
    TAMPERED = "tampered"         # evidence of tampering: scored zero
    ERROR = "error"               # the grader could not grade it: no score


@dataclass(frozen=True, slots=True)
class TestVerdict:
    __test__ = False  # a verdict, not a test class for pytest to collect

    group: str
    name: str
    status: str


@dataclass(frozen=True, slots=True)
class JournalRow:
    """The parts of one journal line that the gradebook, the summary and the report read."""

    student: str
    status: SubmissionStatus
    score: float | None
    max_score: float
    group_scores: tuple[tuple[str, float], ...]
    tests: tuple[TestVerdict, ...]
    duration_s: float
    feedback: str
    error: str

    @property
    def percent(self) -> float | None:
        if self.score is None:
            return None
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


@dataclass(frozen=True, slots=True)
class BatchSummary:
    students: int
    scored: int
    max_score: float
    mean: float | None
    median: float | None
    full_marks: int
    crashed: int
    timeouts: int
    tampered: int
    errors: int


def status_of(result: Result) -> SubmissionStatus:
    """The most telling of the statuses that apply: tampering, then time, then a crash."""
    statuses = {test.status for test in result.tests}
    if result.tampered:
        return SubmissionStatus.TAMPERED
    if statuses & {Status.TIMEOUT, Status.NOT_RUN}:
        return SubmissionStatus.TIMEOUT
    if Status.ERROR in statuses:
        return SubmissionStatus.CRASHED
    if result.passed:
        return SubmissionStatus.FULL_MARKS
    return SubmissionStatus.GRADED
