"""`grade list`, `grade show`, `grade start`: finding a challenge and starting on it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markdown import Markdown
from rich.table import Table

from grader.catalog import Challenge, list_challenges, load_challenge, project_root
from grader.cli.app import app, err, out
from grader.progress import load_progress
from grader.report.scorecard import points
from grader.starter import start_challenge


@app.command("list")
def list_command() -> None:
    """List the challenges, beginner to advanced: id, title, difficulty, time, points, your best."""
    progress = load_progress()
    for note in progress.notes:
        err.print(f"[yellow]note: {note}[/]", soft_wrap=True)
    table = Table(title="Challenges")
    table.add_column("id", style="bold cyan", no_wrap=True)  # typed back by the student: never cut
    table.add_column("title")
    table.add_column("difficulty")
    table.add_column("time", justify="right", no_wrap=True)
    table.add_column("points", justify="right")
    table.add_column("best", justify="right")
    challenges = list_challenges()
    if not challenges:
        out.print(f"No challenges found under {project_root() / 'challenges'}.")
        return
    for challenge in challenges:
        best = progress.of(challenge.id).best_score
        table.add_row(challenge.id, challenge.title, challenge.difficulty, _duration(challenge),
                      points(challenge.max_score),
                      "—" if best is None else points(best))
    out.print(table)
    out.print("Start one with [bold]grade start ID[/].")


@app.command("show")
def show_command(challenge_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Show a challenge's statement."""
    challenge = load_challenge(challenge_id)
    facts = [challenge.difficulty, f"about {_duration(challenge)}" if challenge.minutes else "",
             f"{points(challenge.max_score)} points"]
    out.print(f"[dim]{challenge.id}: {' · '.join(fact for fact in facts if fact)}[/]")
    out.print(Markdown(challenge.statement.read_text(encoding="utf-8")))


def _duration(challenge: Challenge) -> str:
    return f"{challenge.minutes} min" if challenge.minutes else "—"


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
