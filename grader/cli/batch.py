"""`grade batch`: grade a class's submissions and write the gradebook, feedback and report.

Exit codes: 0 every submission graded, 1 some could not be graded (their rows say why),
2 a usage error (or a cluster's scheduler lost mid-batch), 130 interrupted (what was done is
written; --resume finishes it). With --scheduler the gradings run on Dask workers
(grader.batch.cluster); `distributed` is imported only then.
"""

from __future__ import annotations

import logging
import shlex
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from grader.batch.journal import RESULTS_FILE
from grader.batch.outputs import FEEDBACK_DIR, GRADEBOOK_FILE, REPORT_FILE, default_out
from grader.batch.local import LocalGrading
from grader.batch.plan import plan_batch
from grader.batch.scheduler import BatchProgress, BatchRun, Grading, default_jobs, grade_batch
from grader.catalog import Challenge, load_challenge, with_limits
from grader.cli.app import (
    EXIT_NOT_FULL, ClassRootArgument, LimitOption, NamePatternOption, StripPrefixOption, app, err, out,
)
from grader.errors import GradeError
from grader.report.scorecard import points
from grader.runtime import find_runtime
from grader.sandbox import SandboxLevel, detect_sandbox

EXIT_INTERRUPTED = 130
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@app.command("batch")
def batch_command(
    root: ClassRootArgument,
    challenge_id: Annotated[str, typer.Option("--challenge", "-c", help="Challenge id (see `grade list`).")],
    jobs: Annotated[
        Optional[int], typer.Option("--jobs", "-j", min=1, help="Submissions graded at once (default: one per core).")
    ] = None,
    out_dir: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="Where results go (default: ./grade-batch-<challenge>).")
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Finish an interrupted batch: grade only what is missing.")] = False,
    strip_prefix: StripPrefixOption = "",
    name_pattern: NamePatternOption = None,
    python: Annotated[Optional[str], typer.Option("--python", help="Interpreter to run the submissions on.")] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", help="The same stress seed for every submission.")] = None,
    limit: LimitOption = None,
    scheduler: Annotated[
        Optional[str],
        typer.Option("--scheduler", help="Grade on a Dask cluster: its scheduler's tcp://host:port, or scheduler file."),
    ] = None,
) -> None:
    """Grade every submission in ROOT; write a gradebook, feedback per student and a report."""
    if scheduler and (jobs or python):
        raise GradeError(f"{'--jobs' if jobs else '--python'} sets how this machine grades; with --scheduler "
                         "each worker grades with its own `grade setup` runtime, `dask worker --nthreads` at once")
    challenge = with_limits(load_challenge(challenge_id), limit or [])
    target = out_dir or default_out(challenge.id)
    plan = plan_batch(
        root, module_file=challenge.submission_file, strip_prefix=strip_prefix, name_pattern=name_pattern, out=target,
    )
    for entry in plan.skipped:
        err.print(f"[dim]skipped {entry}[/]", soft_wrap=True)

    progress = _progress_bar()
    task = progress.add_task(challenge.id, total=None, last="")

    def on_progress(event: BatchProgress) -> None:
        description = f"{challenge.id} · stopping" if event.stopping else challenge.id
        last = f"{event.student}: {event.status}" if event.student else progress.tasks[0].fields["last"]
        progress.update(task, total=event.total, completed=event.done, description=description, last=last)

    # Ctrl-C (or a kill, or the terminal closing) asks the batch to stop: it kills the
    # gradings under way, removes their copies and writes what is done.
    stop = threading.Event()
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in STOP_SIGNALS}
    try:
        with _grading(challenge, scheduler=scheduler, python=python, jobs=jobs, seed=seed) as grading, progress:
            run = grade_batch(
                plan=plan, challenge=challenge, out=target, grading=grading,
                resume=resume, seed=seed, on_progress=on_progress, stop=stop,
            )
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)

    _print_summary(run)
    if run.interrupted:
        again = ["grade", "batch", str(root), "--challenge", challenge.id, "--out", str(target), "--resume"]
        for option, value in (("--jobs", jobs), ("--strip-prefix", strip_prefix), ("--name-pattern", name_pattern),
                              ("--python", python), ("--seed", seed), ("--scheduler", scheduler)):
            again += [option, str(value)] if value else []
        if run.lost:
            err.print(f"[red]{run.lost}[/]", soft_wrap=True)
        err.print(
            f"{'stopped' if run.lost else 'interrupted'}: {run.done_before + run.graded_now} of {run.planned} "
            f"graded, {run.missing} left; finish with:\n  {shlex.join(again)}"
            + ("\n(or without --scheduler, on this machine)" if run.lost else ""),
            soft_wrap=True,
        )
        raise typer.Exit(2 if run.lost else EXIT_INTERRUPTED)
    raise typer.Exit(EXIT_NOT_FULL if run.summary.errors else 0)


@contextmanager
def _grading(
    challenge: Challenge, *, scheduler: str | None, python: str | None, jobs: int | None, seed: int | None,
) -> Iterator[Grading]:
    """This machine's cores, or the workers of the Dask cluster at `scheduler`."""
    if scheduler is None:
        runtime = find_runtime(python)
        if not runtime.gil_disabled:
            err.print(f"[yellow]warning: {runtime.base_executable} has the GIL enabled; races may go unseen[/]")
        if detect_sandbox() is SandboxLevel.LIMITS_ONLY:
            err.print("[yellow]warning: sandbox: limits only: submissions can read each other's files "
                      "(install bubblewrap: `grade setup`)[/]")
        yield LocalGrading(challenge=challenge, runtime=runtime, seed=seed, jobs=jobs or default_jobs())
        return
    try:
        from grader.batch.cluster import open_cluster_grading
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in ("distributed", "dask"):
            raise
        # Printed here, not raised: the shell's error line reads its text as markup, and would
        # swallow `[cluster]`.
        err.print("grade: --scheduler needs Dask's distributed, which is not installed here: install the grader "
                  "with its cluster extra (pip install '/path/to/grade[cluster]', see docs/cluster.md)",
                  style="red", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    # The client's own log would print tracebacks for a lost connection: the batch says it in one line.
    for name in [name for name in logging.root.manager.loggerDict if name.partition(".")[0] == "distributed"]:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    with err.status(f"connecting to the Dask scheduler at {scheduler}"):
        grading = open_cluster_grading(scheduler, challenge=challenge, seed=seed)
    try:
        for address, why in grading.check.refused:
            err.print(f"[yellow]worker {address} refused: {why}[/]", soft_wrap=True)
        err.print(f"grading on {len(grading.check.usable)} worker(s), {grading.check.threads} thread(s), "
                  f"at {scheduler}", soft_wrap=True, highlight=False)
        yield grading
    finally:
        grading.close()


def _progress_bar() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]grading[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        _TimeLeft(),
        TextColumn("{task.fields[last]}", style="dim"),
        console=err,
        transient=True,
    )


class _TimeLeft(ProgressColumn):
    """Time left at the pace so far: rich's own estimate swings when gradings finish together."""

    def render(self, task: Task) -> Text:
        if not task.completed or task.total is None or task.elapsed is None:
            return Text("eta -:--:--", style="progress.remaining")
        left = int(task.elapsed / task.completed * (task.total - task.completed))
        return Text(f"eta {left // 3600}:{left // 60 % 60:02d}:{left % 60:02d}", style="progress.remaining")


def _print_summary(run: BatchRun) -> None:
    summary = run.summary

    def score(value: float | None) -> str:
        return "–" if value is None else f"{points(value)}/{points(summary.max_score)}"

    table = Table(title=f"grade batch · {summary.students} submissions", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, value in (
        ("students", str(summary.students)), ("mean", score(summary.mean)), ("median", score(summary.median)),
        ("full marks", str(summary.full_marks)), ("crashed", str(summary.crashed)),
        ("timeouts", str(summary.timeouts)), ("tampered", str(summary.tampered)),
        ("errors (not graded)", f"[red]{summary.errors}[/]" if summary.errors else "0"),
    ):
        table.add_row(what, value)
    out.print(table)
    if run.done_before:
        out.print(f"{run.done_before} were already graded; {run.graded_now} graded now")
    for name, what in (
        (GRADEBOOK_FILE, "gradebook"), (RESULTS_FILE, "full results, one JSON line per student"),
        (f"{FEEDBACK_DIR}/", "feedback per student"), (REPORT_FILE, "class report"),
    ):
        out.print(f"  {run.out / name}  [dim]{what}[/]", soft_wrap=True, highlight=False)
