"""What the terminal shows around a grading, shared by `submit` and `watch`: a progress bar on
stderr while it runs, and the next challenge to try after full marks."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from rich.text import Text

from grader.catalog import Challenge, list_challenges
from grader.cli.app import err
from grader.grading import Progress as GradeProgress
from grader.grading import grade_submission
from grader.progress import load_progress, next_challenge
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


def render_next_step(result: Result, console: Console) -> None:
    """After full marks, the next challenge to try (the first in list order not at full marks)."""
    if not result.passed:
        return
    others = [challenge for challenge in list_challenges() if challenge.id != result.challenge]
    upcoming = next_challenge(others, load_progress())
    if upcoming is None:
        console.print("[bold green]Full marks, and every challenge is done.[/]")
    else:
        console.print(Text.assemble(
            ("Full marks! ", "bold green"), "Next challenge: ", (upcoming.id, "bold cyan"),
            f" · {upcoming.title}: ", (f"grade start {upcoming.id}", "bold"),
        ))
