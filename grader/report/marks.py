"""The mark each test status wears in every report, so a status looks alike everywhere.

MARKS are text marks (the scorecard, a student's feedback, `grade watch`), COLOURS their rich
styles; ICONS are the emoji that Markdown read on a host (GitHub, Gradescope) shows instead.
"""

from __future__ import annotations

from grader.outcomes import Status

MARKS = {
    Status.PASSED: "✓",
    Status.FAILED: "✗",
    Status.ERROR: "!",
    Status.TIMEOUT: "⧗",
    Status.NOT_RUN: "·",
}
COLOURS = {
    Status.PASSED: "green",
    Status.FAILED: "red",
    Status.ERROR: "red",
    Status.TIMEOUT: "yellow",
    Status.NOT_RUN: "dim",
}
ICONS = {
    Status.PASSED: "✅",
    Status.FAILED: "❌",
    Status.ERROR: "💥",
    Status.TIMEOUT: "⏱️",
    Status.NOT_RUN: "⏭️",
}
TAMPERED_ICON = "🚫"


def group_mark(passed: bool, *, icon: bool = False) -> str:
    """A requirement group's mark: passed, or not (a tampered run's groups are not)."""
    marks = ICONS if icon else MARKS
    return marks[Status.PASSED if passed else Status.FAILED]
