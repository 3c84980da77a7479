"""The student's loop: `grade watch`, `grade hint`, and the dashboard `grade` shows on its own.

The work is in grader/watch.py (when to grade again, what changed) and grader/progress.py
(best scores, hints revealed); this module only decides what the terminal shows.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from grader.catalog import Challenge, list_challenges, load_challenge, project_root
from grader.cli.app import MarkedChallengeOption, PythonOption, SubmissionArgument, app, err, out
from grader.cli.grading_progress import grade_showing_progress, render_next_step
from grader.errors import GradeError, SubmissionPathError
from grader.progress import (
    StudentProgress,
    load_progress,
    next_challenge,
    record_result,
    reveal_next_hint,
)
from grader.outcomes import Status
from grader.report.marks import COLOURS, MARKS
from grader.report.scorecard import points, render_scorecard
from grader.runtime import Runtime, find_runtime
from grader.scoring import Result
from grader.starter import PASS_CHALLENGE, marked_challenge
from grader.watch import ResultChanges, SubmissionWatcher, compare_results


@app.command("watch")
def watch_command(
    path: SubmissionArgument = Path("."),
    challenge_id: MarkedChallengeOption = None,
    python: PythonOption = None,
) -> None:
    """Grade now and again on every save, showing what changed since the last run. Ctrl-C stops."""
    if not path.exists():
        raise SubmissionPathError(f"{path}: no such file or folder: pass the folder holding your solution")
    challenge = load_challenge(challenge_id or _challenge_of(path))
    runtime = find_runtime(python)
    try:
        _grade_on_every_save(path, challenge, runtime)
    except KeyboardInterrupt:
        best = load_progress().of(challenge.id).best_score
        so_far = f"; best so far on {challenge.id}: {points(best)}/{points(challenge.max_score)}" if best is not None else ""
        out.print(f"Stopped watching {path.resolve().name}{so_far}.")
        raise typer.Exit(0) from None


@app.command("hint")
def hint_command(
    challenge_id: Annotated[
        Optional[str], typer.Argument(metavar="[ID]", help="Defaults to the challenge of the current folder.")
    ] = None,
) -> None:
    """Reveal the challenge's next hint; they come one at a time, in order."""
    challenge = load_challenge(
        challenge_id or _challenge_of(Path("."), otherwise="name the challenge, as in `grade hint ID` (see `grade list`)")
    )
    if not challenge.hints:
        out.print(f"{challenge.id} has no hints: its statement says what is checked ([bold]grade show {challenge.id}[/]).")
        return
    revealed = reveal_next_hint(challenge)
    _show_notes(revealed.notes)
    out.print(Text.assemble(
        (challenge.id, "bold"), f" · {challenge.title} · hint {len(revealed.hints)} of {revealed.total}"
    ))
    for number, hint in enumerate(revealed.hints, 1):
        is_new = revealed.newly_revealed and number == len(revealed.hints)
        out.print(Text(f"  {number}. {hint}", style="bold" if is_new else "dim"))
    again = "grade hint" + (f" {challenge.id}" if challenge_id else "")
    if not revealed.newly_revealed:
        out.print(f"No more hints for {challenge.id}: all {revealed.total} are shown above.")
    elif revealed.exhausted:
        out.print("That was the last hint.")
    else:
        out.print(f"Run [bold]{again}[/] again for the next one.")


def show_dashboard() -> None:
    """What `grade` alone shows: progress per challenge, and what to do next."""
    challenges = list_challenges()
    if not challenges:
        out.print(f"No challenges found under {project_root() / 'challenges'}: set GRADE_HOME to the grade checkout.")
        return
    progress = load_progress()
    _show_notes(progress.notes)
    table = Table(box=None, show_header=False, title="Your progress", title_justify="left", title_style="bold")
    for column in ("mark", "id", "title", "best"):
        table.add_column(column, justify="right" if column == "best" else "left", no_wrap=column != "title")
    for challenge in challenges:
        mark = Status.PASSED if progress.at_full_marks(challenge) else Status.NOT_RUN
        table.add_row(
            Text(MARKS[mark], style=COLOURS[mark]),
            Text(challenge.id, style="bold cyan"),
            challenge.title,
            Text.assemble(_best_cell(progress, challenge), f"/{points(challenge.max_score)}"),
        )
    out.print(table)
    upcoming = next_challenge(challenges, progress)
    if upcoming is None:
        out.print("[bold green]Every challenge is at full marks.[/]")
    else:
        out.print(Text.assemble("Next: ", (upcoming.id, "bold cyan"), f" · {upcoming.title}"))
        out.print(f"  [bold]grade start {upcoming.id}[/]", soft_wrap=True)
        out.print(f"  [bold]cd {upcoming.id} && grade watch[/]", soft_wrap=True)
    out.print("[dim]More: grade list · grade show ID · grade hint · grade --help[/]")


def _best_cell(progress: StudentProgress, challenge: Challenge) -> Text:
    """A challenge's best score for a table: green at full marks, a dash if never graded."""
    best = progress.of(challenge.id).best_score
    if best is None:
        return Text("—", style="dim")
    return Text(points(best), style="bold green" if progress.at_full_marks(challenge) else "")


def _challenge_of(path: Path, *, otherwise: str = PASS_CHALLENGE) -> str:
    return marked_challenge(path, otherwise=otherwise, where="this folder" if path == Path(".") else None)


def _grade_on_every_save(path: Path, challenge: Challenge, runtime: Runtime) -> None:
    """Grade, show, wait for a save, again, until Ctrl-C. A user's error after the first run
    (a file mid-rename, say) is shown and the watching goes on."""
    previous: Result | None = None
    saved: tuple[Path, ...] = ()
    with SubmissionWatcher(path) as watcher:
        while True:
            try:
                result = grade_showing_progress(path, challenge, runtime)
            except GradeError as exc:
                if previous is None:
                    raise
                err.print(f"[red]grade: {exc}[/] (watching for the next save)", soft_wrap=True)
            else:
                progress = record_result(result)
                _show_run(result, previous, progress, watched=watcher.submission, saved=saved)
                previous = result
            saved = watcher.wait_for_save()


def _show_run(
    result: Result, previous: Result | None, progress: StudentProgress, *, watched: Path, saved: Sequence[Path]
) -> None:
    out.clear()
    render_scorecard(result, out)
    if previous is not None:
        _show_changes(compare_results(previous, result))
    render_next_step(result, out)
    _show_notes(progress.notes)
    trigger = f" after saving {', '.join(path.name for path in saved)}" if saved else ""
    out.print(f"[dim]graded at {time.strftime('%H:%M:%S')}{trigger} · watching {watched} · Ctrl-C to stop[/]")


def _show_changes(changes: ResultChanges) -> None:
    if changes.unchanged:
        out.print("[dim]Since the last run: no change.[/]")
        return
    delta = changes.score_after - changes.score_before
    style = "green" if delta > 0 else "red" if delta < 0 else ""
    out.print(Text.assemble(
        "Since the last run: ",
        (f"{points(changes.score_before)} → {points(changes.score_after)} points", style),
    ))
    for test in changes.newly_passing:
        out.print(Text.assemble(
            (f"  {MARKS[Status.PASSED]} newly passing: ", COLOURS[Status.PASSED]), f"{test.group} › {test.name}"
        ))
    for test in changes.newly_failing:
        mark, colour = MARKS[test.status], COLOURS[test.status]
        out.print(Text.assemble((f"  {mark} newly failing: ", colour), f"{test.group} › {test.name}  {test.status}"))


def _show_notes(notes: Sequence[str]) -> None:
    for note in notes:
        err.print(f"[yellow]note: {note}[/]", soft_wrap=True)
