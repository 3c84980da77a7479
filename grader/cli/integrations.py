"""`grade dist`, `grade gradescope-bundle` and `grade ci init`: running `grade` where students
are, on Gradescope and in a student's GitHub repository. The work is in grader/dist.py and
grader/integrations/."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.catalog import list_challenges, load_challenge
from grader.cli.app import app, out
from grader.cli.submit import Visibility
from grader.dist import build_distribution
from grader.errors import GradeError
from grader.integrations.github import package_url, write_workflow
from grader.integrations.gradescope import build_gradescope_bundle
from grader.starter import marked_challenge

ci_app = typer.Typer(help="Grade a student's repository in CI (GitHub Actions).", no_args_is_help=True)
app.add_typer(ci_app, name="ci")


@app.command("dist")
def dist_command(
    challenge_ids: Annotated[
        Optional[list[str]],
        typer.Option("--challenge", "-c", metavar="ID", help="A challenge the course uses; repeat it. Default: every one."),
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="The folder to write the wheel into.")] = Path("dist"),
    version: Annotated[
        Optional[str], typer.Option("--version", help="The package's version, e.g. 0.1.0+fall25; default the grader's.")
    ] = None,
) -> None:
    """Build the grader as a wheel students install: the challenges and starters, never the solutions."""
    challenges = [load_challenge(challenge_id) for challenge_id in dict.fromkeys(challenge_ids or ())]
    built = build_distribution(challenges=challenges or list_challenges(), output_dir=output, version=version)
    out.print(f"wrote {built.path} (version {built.version}; {', '.join(built.challenges)}; no solutions): "
              "publish it where it downloads without credentials (a release asset, a package index), "
              "then run `grade ci init --package URL` in each student's repository.")


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
    package: Annotated[
        Optional[str],
        typer.Option("--package", metavar="URL", help="The https URL of the wheel `grade dist` built, as you published it."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing workflow.")] = False,
) -> None:
    """Write .github/workflows/grade.yml: grade the repository on every push, GIL disabled."""
    if not directory.is_dir():
        raise GradeError(f"{directory}: no such folder: pass the student's repository")
    if package is None:
        raise GradeError(
            "pass --package URL: the https URL where you published the wheel `grade dist` built "
            "(CI installs the grader from it, never from a checkout with the solutions)"
        )
    package = package_url(package)
    challenge = load_challenge(challenge_id or marked_challenge(directory))
    target = write_workflow(directory, challenge_id=challenge.id, package=package, force=force)
    out.print(f"wrote {target}: commit and push it; each push is graded on free-threaded CPython, "
              f"failures are annotated on {challenge.submission_file}, the scorecard is in the job summary.")
