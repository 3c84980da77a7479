"""Grading with a progress bar on stderr, shared by `submit` and `watch`."""

from __future__ import annotations

from pathlib import Path

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from grader.catalog import Challenge
from grader.cli.app import err
from grader.grading import Progress as GradeProgress
from grader.grading import grade_submission
from grader.runtime import Runtime
from grader.scoring import Result


def grade_showing_progress(
    path: Path, challenge: Challenge, runtime: Runtime, *, seed: int | None = None, show: bool = True
) -> Result:
    """Grade with a bar naming the test just finished; the bar is gone when this returns.

    It goes to stderr, so JSON and other formats on stdout stay clean.
    """
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]grading[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not show,
    )
    task = progress.add_task(challenge.id, total=None)

    def on_event(event: GradeProgress) -> None:
        progress.update(task, total=event.total)
        if event.outcome is not None:
            progress.advance(task)
            progress.update(task, description=f"{challenge.id} · {event.outcome.nodeid.split('::')[-1]}")

    with progress:
        return grade_submission(
            submission=path, challenge=challenge, runtime=runtime, seed=seed, on_event=on_event
        )
