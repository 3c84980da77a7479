"""The `grade` command: every command module registered on the one app, the options every
command shares, and the one error boundary (`run`, the entry point), which maps errors to
the exit codes grader/cli/app.py defines.
"""

from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import typer
from rich.markup import escape

from grader import __version__

# Each module registers its commands on the app as it is imported, in the order `grade --help` lists them.
from grader.cli import challenges, submit, setup, author  # noqa: F401, I001
from grader.cli import batch  # noqa: F401, I001
from grader.cli import student  # noqa: F401, I001
from grader.cli import integrations  # noqa: F401, I001
from grader.cli import similarity  # noqa: F401, I001
from grader.cli.app import EXIT_INTERNAL, EXIT_USAGE, app, err, out
from grader.cli.student import show_dashboard
from grader.errors import GradeError

__all__ = ["app", "run"]
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
        show_dashboard()  # `grade` alone shows the student's progress


def run() -> NoReturn:
    """Entry point: one place turns user errors into a line and an exit code.

    typer handles its own usage errors (exit 2) and exits; what reaches here is ours.
    """
    try:
        app()
    except GradeError as exc:
        if _debug:
            raise
        err.print(f"[red]grade: {escape(str(exc))}[/]", soft_wrap=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        err.print("grade: interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the boundary where a grader bug becomes a message
        if _debug:
            raise
        err.print(
            f"[red]grade: internal error: {type(exc).__name__}: {escape(str(exc))} "
            "(rerun with --debug for the traceback)[/]",
            soft_wrap=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(0)
