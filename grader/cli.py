"""The `grade` command: parse options, call the core, render, map errors to exit codes.

Exit codes: 0 full marks, 1 not full marks, 2 a usage or configuration error (one line on
stderr, no traceback unless --debug), 3 the grader itself failed.
"""

from __future__ import annotations

import os
import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from grader import __version__
from grader.catalog import Challenge, list_challenges, load_challenge
from grader.errors import GradeError
from grader.grading import Progress as GradeProgress
from grader.grading import grade_submission
from grader.report.json_format import render_json
from grader.report.scorecard import points, render_scorecard
from grader.runtime import candidate_interpreters, find_runtime, probe_interpreter, provision_runtime
from grader.sandbox import detect_sandbox, ensure_bubblewrap
from grader.scoring import Result
from grader.starter import start_challenge, workspace_challenge
from grader.verify import Cell, verify_challenge

app = typer.Typer(
    name="grade",
    help="Grade Python design-pattern and concurrency challenges on free-threaded CPython.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
EXIT_FULL_MARKS, EXIT_NOT_FULL, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
_debug = False


class Format(StrEnum):
    RICH = "rich"
    JSON = "json"


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show the grader's own tracebacks.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    global _debug
    _debug = debug
    if version:
        out.print(f"grade {__version__}")
        raise typer.Exit(0)


@app.command("list")
def list_command() -> None:
    """List the challenges: id, title, difficulty, points."""
    table = Table(title="Challenges")
    table.add_column("id", style="bold cyan")
    table.add_column("title")
    table.add_column("difficulty")
    table.add_column("points", justify="right")
    for challenge in list_challenges():
        table.add_row(challenge.id, challenge.title, challenge.difficulty, points(challenge.max_score))
    out.print(table)
    out.print("Start one with [bold]grade start ID[/].")


@app.command("show")
def show_command(challenge_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Show a challenge's statement."""
    challenge = load_challenge(challenge_id)
    out.print(Markdown(challenge.statement.read_text(encoding="utf-8")))


@app.command("start")
def start_command(
    challenge_id: Annotated[str, typer.Argument(metavar="ID")],
    directory: Annotated[Optional[Path], typer.Argument(metavar="DIR", help="Defaults to ./ID.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Copy a challenge's starter files into DIR and remember which challenge DIR is for."""
    challenge = load_challenge(challenge_id)
    target = directory or Path(challenge.id)
    copied = start_challenge(challenge, target, force=force)
    for path in copied:
        out.print(f"wrote {path}")
    out.print(f"Read the statement with [bold]grade show {challenge.id}[/], "
              f"then run [bold]grade submit {target}[/].")


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
    path: Path, challenge: Challenge, runtime, seed: int | None, *, show: bool  # type: ignore[no-untyped-def]
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


@app.command("doctor")
def doctor_command() -> None:
    """Show the interpreters found, which is free-threaded, and the sandbox available."""
    table = Table(title="Interpreters")
    for column in ("source", "path", "version", "build", "GIL at start", "pytest"):
        table.add_column(column)
    for source, path in candidate_interpreters():
        found = probe_interpreter(path)
        if found is None:
            table.add_row(source, str(path), "does not run", "", "", "")
            continue
        table.add_row(
            source, str(path), found.version,
            "free-threaded" if found.free_threaded_build else "GIL",
            "enabled" if found.gil_enabled else "disabled",
            "yes" if found.has_pytest else "no",
        )
    out.print(table)
    try:
        runtime = find_runtime(create_venv=False)
        out.print(f"runtime: [bold]{runtime.base_executable}[/] (Python {runtime.version}, "
                  f"{'GIL disabled' if runtime.gil_disabled else '[yellow]GIL enabled[/]'}) "
                  f"via {runtime.source}; venv {runtime.executable}")
    except GradeError as exc:
        out.print(f"[red]runtime: {exc}[/]")
    out.print(f"sandbox: [bold]{detect_sandbox()}[/]"
              + ("" if shutil.which("bwrap") else " (install bubblewrap for isolation)"))
    out.print(f"grade {__version__} on Python {sys.version.split()[0]} ({sys.executable})")


@app.command("setup")
def setup_command() -> None:
    """Provision a free-threaded CPython and the runtime venv submissions run in."""
    runtime = provision_runtime(log=lambda line: out.print(line))
    if not runtime.gil_disabled:
        raise GradeError(f"{runtime.base_executable} runs with the GIL enabled; setup did not finish")
    ensure_bubblewrap(log=lambda line: out.print(line))
    out.print(f"sandbox: {detect_sandbox()}")


@app.command("verify")
def verify_command(
    challenge_id: Annotated[str, typer.Argument(metavar="ID")],
    runs: Annotated[int, typer.Option("--runs", min=1, help="Grade each solution this many times.")] = 5,
    only: Annotated[Optional[list[str]], typer.Option("--only", help="Check only these solutions.")] = None,
    python: Annotated[Optional[str], typer.Option("--python", help="Interpreter to run on.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Gradings at a time.")] = os.cpu_count() or 1,
) -> None:
    """Grade the reference and every mutant RUNS times and print the verdict matrix."""
    challenge = load_challenge(challenge_id)
    runtime = find_runtime(python)

    def on_result(solution, run, result) -> None:  # type: ignore[no-untyped-def]
        err.print(f"  {solution.name} run {run + 1}/{runs}: {points(result.score)}/{points(result.max_score)}")

    verification = verify_challenge(
        challenge, runtime, runs=runs, only=tuple(only or ()), jobs=jobs, on_result=on_result
    )
    table = Table(title=f"{challenge.id}: {runs} runs each on Python {runtime.version}"
                  f"{' (GIL disabled)' if runtime.gil_disabled else ' (GIL enabled)'}")
    table.add_column("solution", style="bold")
    for group in verification.groups:
        table.add_column(group)
    table.add_column("scores")
    for verdict in verification.verdicts:
        table.add_row(
            verdict.solution.name,
            *(CELL_LABELS[cell] for _, cell in verdict.cells),
            " ".join(points(score) for score in verdict.scores),
        )
    out.print(table)
    out.print("lost: lost as expected · kept: kept as expected · [bold red]MISSED[/]: kept when it "
              "should be lost · [bold red]WRONG[/]: lost when it should be kept · "
              "[bold yellow]FLAKY[/]: differs between runs")
    if verification.ok:
        out.print("[bold green]verified:[/] the reference scored full marks and every mutant lost exactly its groups, every run")
        raise typer.Exit(0)
    out.print("[bold red]not verified:[/] see the red and yellow cells")
    raise typer.Exit(EXIT_NOT_FULL)


CELL_LABELS = {
    Cell.LOST: "[green]lost[/]",
    Cell.KEPT: "[dim]kept[/]",
    Cell.MISSED: "[bold red]MISSED[/]",
    Cell.WRONGLY_LOST: "[bold red]WRONG[/]",
    Cell.FLAKY: "[bold yellow]FLAKY[/]",
}


def run() -> NoReturn:
    """Entry point: one place turns user errors into a line and an exit code.

    typer handles its own usage errors (exit 2) and exits; what reaches here is ours.
    """
    try:
        app()
    except GradeError as exc:
        if _debug:
            raise
        err.print(f"[red]grade: {exc}[/]", soft_wrap=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        err.print("grade: interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the boundary where a grader bug becomes a message
        if _debug:
            raise
        err.print(
            f"[red]grade: internal error: {type(exc).__name__}: {exc} "
            "(rerun with --debug for the traceback)[/]",
            soft_wrap=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(0)
