"""The `grade` command: every command module registered on the one app, the options every
command shares, and the one error boundary (`run`, the entry point), which maps errors to
the exit codes grader/cli/app.py defines.

Start-up is part of every grading a student waits for, so the entry point imports only the
module of the command it runs (`load_commands`); `grade`, `grade --help` and anything it
cannot place load them all. `from grader.cli.main import app` gives the app with every command.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated, Any, NoReturn

import typer
from rich.markup import escape

import grader.cli.app as shell
from grader import __version__
from grader.cli.app import EXIT_INTERNAL, EXIT_USAGE, err, out
from grader.errors import GradeError

__all__ = ["app", "load_commands", "run"]

# Each module registers its commands on the app as it is imported, in the order `grade --help`
# lists them. tests/stages/test_cli_commands.py checks this table against what they register.
COMMANDS: dict[str, tuple[str, ...]] = {
    "grader.cli.challenges": ("list", "show", "start"),
    "grader.cli.submit": ("submit",),
    "grader.cli.setup": ("doctor", "setup"),
    "grader.cli.author": ("verify", "new"),
    "grader.cli.batch": ("batch",),
    "grader.cli.student": ("watch", "hint"),
    "grader.cli.integrations": ("dist", "gradescope-bundle"),
    "grader.cli.similarity": ("similarity",),
}
_debug = False


def load_commands(command: str | None = None) -> None:
    """Register `command`'s module only, or every module when `command` names none."""
    modules = [module for module, names in COMMANDS.items() if command in names] or list(COMMANDS)
    for module in modules:
        importlib.import_module(module)


def __getattr__(name: str) -> Any:
    if name == "app":
        load_commands()
        return shell.app
    raise AttributeError(name)


@shell.app.callback(invoke_without_command=True)
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
        from grader.cli.student import show_dashboard

        show_dashboard()  # `grade` alone shows the student's progress


def run() -> NoReturn:
    """Entry point: one place turns user errors into a line and an exit code.

    typer handles its own usage errors (exit 2) and exits; what reaches here is ours.
    """
    load_commands(sys.argv[1] if len(sys.argv) > 1 else None)
    try:
        shell.app()
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
