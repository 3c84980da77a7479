"""`grade gradescope-bundle` and `grade ci init`: running `grade` on Gradescope and in a
student's GitHub repository. The work is in grader/integrations/."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.catalog import load_challenge
from grader.cli.app import app, out
from grader.cli.submit import Visibility
from grader.errors import GradeError
from grader.integrations.github import grader_repository, write_workflow
from grader.integrations.gradescope import build_gradescope_bundle, grader_checkout
from grader.starter import marked_challenge

ci_app = typer.Typer(help="Grade a student's repository in CI (GitHub Actions).", no_args_is_help=True)
app.add_typer(ci_app, name="ci")


@app.command("gradescope-bundle")
def gradescope_bundle_command(
    challenge_id: Annotated[str, typer.Argument(metavar="ID")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the zip.")] = Path("autograder.zip"),
    visibility: Annotated[
        Visibility, typer.Option("--visibility", help="When students see each test on Gradescope.")
    ] = Visibility.VISIBLE,
) -> None:
    """Build the autograder zip Gradescope takes for a challenge (setup.sh, run_autograder, grader)."""
    challenge = load_challenge(challenge_id)
    target = build_gradescope_bundle(challenge, output, visibility=str(visibility))
    out.print(f"wrote {target}: upload it as the autograder of a Gradescope programming assignment; "
              f"students submit {challenge.submission_file}.")


@ci_app.command("init")
def ci_init_command(
    directory: Annotated[Path, typer.Argument(metavar="[DIR]", help="The student's repository.")] = Path("."),
    challenge_id: Annotated[
        Optional[str], typer.Option("--challenge", "-c", help="Challenge id; read from DIR if started with `grade start`.")
    ] = None,
    repository: Annotated[
        Optional[str], typer.Option("--grader-repo", help="Git URL CI clones the grader from; defaults to this grader's origin.")
    ] = None,
    ref: Annotated[str, typer.Option("--ref", help="Branch or tag of the grader to clone.")] = "main",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing workflow.")] = False,
) -> None:
    """Write .github/workflows/grade.yml: grade the repository on every push, GIL disabled."""
    if not directory.is_dir():
        raise GradeError(f"{directory}: no such folder: pass the student's repository")
    challenge = load_challenge(challenge_id or marked_challenge(directory))
    repository = repository or grader_repository(grader_checkout())
    if not repository:
        raise GradeError("this grader has no public git remote to clone in CI: pass --grader-repo URL")
    target = write_workflow(directory, challenge_id=challenge.id, repository=repository, ref=ref, force=force)
    out.print(f"wrote {target}: commit and push it; each push is graded on free-threaded CPython, "
              f"failures are annotated on {challenge.submission_file}, the scorecard is in the job summary.")
