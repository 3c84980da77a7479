"""The shell around the core: the typer app, the consoles, and the one error boundary.

Exit codes: 0 full marks, 1 not full marks, 2 a usage or configuration error (one line on
stderr, no traceback unless --debug), 3 the grader itself failed.
"""

from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from grader import __version__
from grader.errors import GradeError

app = typer.Typer(
    name="grade",
    help="Grade Python design-pattern and concurrency challenges on free-threaded CPython.",
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
EXIT_FULL_MARKS, EXIT_NOT_FULL, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
_debug = False


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show the grader's own tracebacks.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    global _debug
    _debug = debug
    if version:
        out.print(f"grade {__version__}")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        # `grade` alone shows the student's progress; imported here, as student.py imports this module.
        from grader.cli.student import show_dashboard

        show_dashboard()


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
