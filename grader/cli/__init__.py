"""The `grade` command. Each module registers its commands on the one typer app, in the order
`grade --help` lists them."""

from grader.cli import challenges, submit, setup, author  # noqa: F401, I001  (registers commands)
from grader.cli import batch  # noqa: F401, I001
from grader.cli import student  # noqa: F401, I001  (registers commands)
from grader.cli import integrations  # noqa: F401, I001  (registers commands)
from grader.cli.app import app, run

__all__ = ["app", "run"]
