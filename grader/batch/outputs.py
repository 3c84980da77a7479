"""What a batch leaves beside its journal: the gradebook and the report, each written from the
journal (never from Results held in memory) and replaced whole or not at all."""

from __future__ import annotations

from pathlib import Path

from grader.atomic import write_atomically
from grader.batch.journal import RESULTS_FILE, sorted_rows, summarize
from grader.catalog import Challenge
from grader.report import gradebook, instructor

GRADEBOOK_FILE = "gradebook.csv"
REPORT_FILE = "report.html"
FEEDBACK_DIR = "feedback"


def default_out(challenge_id: str) -> Path:
    return Path(f"grade-batch-{challenge_id}")


def write_outputs(*, out: Path, challenge: Challenge) -> None:
    """gradebook.csv and report.html from the journal, each replaced whole or not at all."""
    journal = out / RESULTS_FILE
    write_atomically(
        out / GRADEBOOK_FILE,
        lambda stream: gradebook.write_gradebook(sorted_rows(journal), challenge, stream),
    )
    write_atomically(
        out / REPORT_FILE,
        lambda stream: instructor.write_report(
            rows=lambda: sorted_rows(journal), summary=summarize(journal), challenge=challenge, stream=stream,
        ),
    )


def remove_leftovers(out: Path) -> None:
    """Temporary files that a killed batch left half-written beside its outputs."""
    for leftover in (*out.glob(".*.tmp"), *(out / FEEDBACK_DIR).glob(".*.tmp")):
        leftover.unlink(missing_ok=True)
