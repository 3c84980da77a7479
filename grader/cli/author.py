"""The author's commands: `grade new` lays out a challenge, `grade verify` checks it, every run."""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer
from rich.table import Table

from grader.catalog import load_challenge
from grader.cli.app import EXIT_NOT_FULL, app, err, out
from grader.report.scorecard import points
from grader.runtime import find_runtime
from grader.scaffold import scaffold_challenge
from grader.verify import DEFAULT_RUNS, Cell, Verification, verify_challenge


@app.command("verify")
def verify_command(
    challenge_id: Annotated[str, typer.Argument(metavar="ID")],
    runs: Annotated[int, typer.Option("--runs", min=1, help="Grade each solution this many times.")] = DEFAULT_RUNS,
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
    table.add_column("scores seen")
    for verdict in verification.verdicts:
        table.add_row(
            verdict.solution.name,
            *(CELL_LABELS[cell] for _, cell in verdict.cells),
            " ".join(points(score) for score in sorted(set(verdict.scores))),
        )
    out.print(table)
    out.print("lost: lost as expected · kept: kept as expected · [bold red]MISSED[/]: kept when it "
              "should be lost · [bold red]WRONG[/]: lost when it should be kept · "
              "[bold yellow]FLAKY[/]: differs between runs")
    _print_author_checks(verification)
    if verification.ok:
        checked = ("every author check passed" if verification.checks
                   else "author checks left out with --only")
        out.print("[bold green]verified:[/] the reference scored full marks and every mutant lost "
                  f"exactly its groups, every run; {checked}")
        raise typer.Exit(0)
    out.print("[bold red]not verified:[/] see the red and yellow cells and the author checks")
    raise typer.Exit(EXIT_NOT_FULL)


def _print_author_checks(verification: Verification) -> None:
    if not verification.checks:
        return
    table = Table(title="author checks", title_justify="left", show_header=False, box=None)
    table.add_column("mark")
    table.add_column("check")
    for check in verification.checks:
        mark = "[green]ok[/]" if check.ok else "[bold red]TODO[/]"
        detail = f"\n  [dim]{check.detail}[/]" if check.detail else ""
        table.add_row(mark, f"{check.name}{detail}")
    out.print(table)


@app.command("new")
def new_command(
    challenge_id: Annotated[str, typer.Argument(metavar="ID", help="Lower-case words joined by dashes.")],
    module: Annotated[str, typer.Option("--module", "-m", help="The module the student writes.")] = "solution",
    title: Annotated[Optional[str], typer.Option("--title", help="The challenge's title.")] = None,
) -> None:
    """Lay out a new challenge (manifest, statement, hidden test, starter, reference) to fill in."""
    scaffold = scaffold_challenge(
        challenge_id, module=module, title=title or challenge_id.replace("-", " ").capitalize()
    )
    for path in scaffold.files:
        out.print(f"  wrote {path}")
    out.print(f"next: `grade verify {challenge_id}` grades it and lists what is left to do; "
              "docs/authoring.md explains every file")


CELL_LABELS = {
    Cell.LOST: "[green]lost[/]",
    Cell.KEPT: "[dim]kept[/]",
    Cell.MISSED: "[bold red]MISSED[/]",
    Cell.WRONGLY_LOST: "[bold red]WRONG[/]",
    Cell.FLAKY: "[bold yellow]FLAKY[/]",
}
