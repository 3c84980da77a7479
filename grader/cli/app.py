"""The shell's shared parts: the one typer app every command module registers on, the consoles
and the exit codes. It imports no command: grader/cli/main.py gathers them, with the entry point.

Exit codes: 0 full marks, 1 not full marks, 2 a usage or configuration error (one line on
stderr, no traceback unless --debug), 3 the grader itself failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from grader.batch.plan import NAME_PATTERNS

app = typer.Typer(
    name="grade",
    help="Grade Python design-pattern and concurrency challenges on free-threaded CPython.",
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
EXIT_FULL_MARKS, EXIT_NOT_FULL, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

# The arguments and options several commands take, declared once.
ClassRootArgument = Annotated[Path, typer.Argument(help="The folder holding one folder or .zip per student.")]
StripPrefixOption = Annotated[
    str, typer.Option("--strip-prefix", help="Drop this prefix from names (GitHub Classroom: '<assignment>-').")
]
NamePatternOption = Annotated[
    Optional[str],
    typer.Option("--name-pattern", help=f"Regex whose 'student' group is the name, or one of: {', '.join(NAME_PATTERNS)}."),
]
SubmissionArgument = Annotated[Path, typer.Argument(help="Your solution folder (or its .py file).")]
MarkedChallengeOption = Annotated[
    Optional[str], typer.Option("--challenge", "-c", help="Challenge id; read from the folder if started with `grade start`.")
]
PythonOption = Annotated[Optional[str], typer.Option("--python", help="Interpreter to run the submission on.")]
LimitOption = Annotated[
    Optional[list[str]],
    typer.Option("--limit", metavar="KEY=VALUE", help="Change a limit, e.g. wall_seconds=300 (see README)."),
]
