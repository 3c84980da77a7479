"""`grade submit`: grade one submission and render its Result."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from grader.catalog import Challenge, load_challenge
from grader.cli.app import EXIT_FULL_MARKS, EXIT_NOT_FULL, app, err, out
from grader.errors import GradeError
from grader.grading import Progress as GradeProgress
from grader.grading import grade_submission
from grader.report.json_format import render_json
from grader.report.scorecard import render_scorecard
from grader.runtime import Runtime, find_runtime
from grader.scoring import Result
from grader.starter import workspace_challenge


class Format(StrEnum):
    RICH = "rich"
    JSON = "json"


@app.command("submit")
def submit_command(
    path: Annotated[Path, typer.Argument(help="Your solution folder (or its .py file).")] = Path("."),
    challenge_id: Annotated[
        Optional[str], typer.Option("--challenge", "-c", help="Challenge id; read from the folder if started with `grade start`.")
    ] = None,
    output_format: Annotated[Format, typer.Option("--format", "-f", help="rich scorecard or JSON on stdout.")] = Format.RICH,
    python: Annotated[Optional[str], typer.Option("--python", help="Interpreter to run the submission on.")] = None,
    require_free_threading: Annotated[
        bool, typer.Option("--require-free-threading", help="Fail (exit 2) unless the GIL stays disabled.")
    ] = False,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Replay a run: the seed its scorecard shows.")] = None,
) -> None:
    """Grade a submission and print its scorecard."""
    challenge = load_challenge(_challenge_for(path, challenge_id))
    runtime = find_runtime(python)
    if require_free_threading and not runtime.gil_disabled:
        raise GradeError(
            f"{runtime.base_executable} does not run with the GIL disabled: "
            "run `grade setup` or pass --python /path/to/python3.13t"
        )
    if not runtime.gil_disabled and output_format is Format.RICH:
        err.print(f"[yellow]warning: {runtime.base_executable} has the GIL enabled; races may go unseen[/]")
    result = _grade_with_progress(path, challenge, runtime, seed, show=output_format is Format.RICH)
    if output_format is Format.JSON:
        sys.stdout.write(render_json(result) + "\n")
    else:
        render_scorecard(result, out)
    if require_free_threading and not result.interpreter.gil_disabled:
        raise GradeError("the GIL was enabled while grading (an import turned it back on)")
    raise typer.Exit(EXIT_FULL_MARKS if result.passed else EXIT_NOT_FULL)


def _challenge_for(path: Path, challenge_id: str | None) -> str:
    if challenge_id:
        return challenge_id
    if not path.exists():
        raise GradeError(f"{path}: no such file or folder: pass the folder holding your solution")
    marked = workspace_challenge(path)
    if marked is None:
        raise GradeError(
            f"{path} was not started with `grade start`: pass --challenge ID (see `grade list`)"
        )
    return marked


def _grade_with_progress(
    path: Path, challenge: Challenge, runtime: Runtime, seed: int | None, *, show: bool
) -> Result:
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
        return grade_submission(submission=path, challenge=challenge, runtime=runtime, seed=seed, on_event=on_event)
