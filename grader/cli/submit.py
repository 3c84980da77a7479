"""`grade submit`: grade one submission and render its Result."""

from __future__ import annotations

import io
import json
import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from grader.catalog import Challenge, load_challenge, with_limits
from grader.cli.app import (
    EXIT_FULL_MARKS,
    EXIT_NOT_FULL,
    LimitOption,
    MarkedChallengeOption,
    PythonOption,
    SubmissionArgument,
    app,
    err,
    out,
)
from grader.cli.grading_progress import grade_showing_progress, render_next_step
from grader.errors import GradeError
from grader.progress import record_result
from grader.report.scorecard import render_scorecard
from grader.runtime import Runtime, find_runtime
from grader.scoring import Result
from grader.starter import marked_challenge


class Format(StrEnum):
    RICH = "rich"
    JSON = "json"
    JUNIT = "junit"
    GRADESCOPE = "gradescope"
    GITHUB = "github"
    EXERCISM = "exercism"


class Visibility(StrEnum):
    """When Gradescope shows students each test (its own four settings)."""

    HIDDEN = "hidden"
    AFTER_DUE_DATE = "after_due_date"
    AFTER_PUBLISHED = "after_published"
    VISIBLE = "visible"


@app.command("submit")
def submit_command(
    path: SubmissionArgument = Path("."),
    challenge_id: MarkedChallengeOption = None,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="rich scorecard, or a format for other tools (docs/formats.md).")
    ] = Format.RICH,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write the format to this file; the terminal still gets the scorecard.")
    ] = None,
    report_only: Annotated[
        bool, typer.Option("--report-only", help="Exit 0 whatever the score (for CI that only reports).")
    ] = False,
    visibility: Annotated[
        Visibility, typer.Option("--visibility", help="With --format gradescope: when students see each test.")
    ] = Visibility.VISIBLE,
    python: PythonOption = None,
    require_free_threading: Annotated[
        bool, typer.Option("--require-free-threading", help="Fail (exit 2) unless the GIL stays disabled.")
    ] = False,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Replay a run: the seed its scorecard shows.")] = None,
    limit: LimitOption = None,
) -> None:
    """Grade a submission and print its scorecard."""
    marks = [("command", time.time())]
    # Check what was typed in the order it was typed: the challenge id, then the path.
    challenge = load_challenge(challenge_id) if challenge_id else None
    if not path.exists():
        raise GradeError(f"{path}: no such file or folder: pass the folder holding your solution")
    challenge = with_limits(challenge or load_challenge(_challenge_for(path, challenge_id)), limit or [])
    marks.append(("challenge", time.time()))
    runtime = find_runtime(python)
    marks.append(("runtime", time.time()))
    if require_free_threading and not runtime.gil_disabled:
        raise GradeError(
            f"{runtime.base_executable} does not run with the GIL disabled: "
            "run `grade setup` or pass --python /path/to/python3.13t"
        )
    terminal_scorecard = output_format is Format.RICH or output is not None
    if not runtime.gil_disabled and terminal_scorecard:
        err.print(f"[yellow]warning: {runtime.base_executable} has the GIL enabled; races may go unseen[/]")
    result = _grade_with_progress(path, challenge, runtime, seed, show=terminal_scorecard)
    marks.append(("graded", time.time()))
    record_result(result)  # the best score per challenge, for `grade` and `grade list`
    marks.append(("recorded", time.time()))
    if output is not None:
        _write_report(output, _render(result, output_format, path, visibility))
    elif output_format is not Format.RICH:
        sys.stdout.write(_render(result, output_format, path, visibility))
    if terminal_scorecard:
        render_scorecard(result, out)
        render_next_step(result, out)
    if output_format is Format.GITHUB:
        _append_step_summary(result)
    marks.append(("rendered", time.time()))
    _write_timings(marks, result)
    if require_free_threading and not result.interpreter.gil_disabled:
        raise GradeError("the GIL was enabled while grading (an import turned it back on)")
    raise typer.Exit(EXIT_FULL_MARKS if result.passed or report_only else EXIT_NOT_FULL)


def _render(result: Result, output_format: Format, path: Path, visibility: Visibility) -> str:
    """The one place a format is chosen: each is a view of the same Result. Each renderer is
    imported when chosen: every student waits for the start of `grade submit`."""
    match output_format:
        case Format.RICH:
            buffer = io.StringIO()
            render_scorecard(result, Console(file=buffer, width=100, color_system=None))
            text = buffer.getvalue()
        case Format.JSON:
            from grader.report.json_format import render_json

            text = render_json(result)
        case Format.JUNIT:
            from grader.report.junit import render_junit

            text = render_junit(result)
        case Format.GRADESCOPE:
            from grader.report.gradescope import render_gradescope

            text = render_gradescope(result, visibility=str(visibility))
        case Format.GITHUB:
            from grader.report.github import render_github

            text = render_github(result, source_dir=_relative_folder(path))
        case Format.EXERCISM:
            from grader.report.exercism import render_exercism

            text = render_exercism(result)
    return text if text.endswith("\n") else text + "\n"


def _write_report(target: Path, text: str) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise GradeError(f"cannot write {target}: {exc.strerror}: pass --output a writable path") from None


def _append_step_summary(result: Result) -> None:
    """Add the Markdown scorecard to the job summary, when GitHub Actions asks for one."""
    configured = os.environ.get("GITHUB_STEP_SUMMARY")
    if not configured:
        return
    from grader.report.github import STEP_SUMMARY_LIMIT, render_step_summary

    summary = Path(configured)
    used = summary.stat().st_size if summary.is_file() else 0
    text = render_step_summary(result, limit=max(STEP_SUMMARY_LIMIT - used, 0))
    try:
        with summary.open("a", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        err.print(f"[yellow]warning: cannot write the job summary to {summary}: {exc.strerror}[/]")


def _write_timings(marks: list[tuple[str, float]], result: Result) -> None:
    """With GRADE_TIMINGS=FILE, where this command's time went (`bench/overhead.py` reads it):
    wall-clock marks of the command's steps, and the grading's own stages in seconds."""
    target = os.environ.get("GRADE_TIMINGS")
    if not target:
        return
    timings = {
        "marks": dict(marks),
        "stages": [[stage.name, stage.seconds, stage.parallel] for stage in result.stages],
    }
    _write_report(Path(target), json.dumps(timings))


def _relative_folder(path: Path) -> str:
    """The submission's folder relative to here (the repository root in CI), for annotations."""
    folder = path if path.is_dir() else path.parent
    relative = os.path.relpath(folder.resolve(), Path.cwd().resolve())
    return "" if relative == "." else Path(relative).as_posix()


def _challenge_for(path: Path, challenge_id: str | None) -> str:
    if challenge_id:
        return challenge_id
    if not path.exists():
        raise GradeError(f"{path}: no such file or folder: pass the folder holding your solution")
    return marked_challenge(path)


def _grade_with_progress(
    path: Path, challenge: Challenge, runtime: Runtime, seed: int | None, *, show: bool
) -> Result:
    try:
        return grade_showing_progress(path, challenge, runtime, seed=seed, show=show)
    except KeyboardInterrupt:
        err.print("grade: interrupted; nothing was graded")
        raise typer.Exit(130) from None
