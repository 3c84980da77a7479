"""`grade ci init`: a GitHub Actions workflow that grades a student's repository on every push.

It sets up two interpreters with actions/setup-python: free-threaded CPython 3.13 ("3.13t")
for the submission, regular 3.13 for the grader (mypy does not install on a free-threaded
build). It installs the grader with pip from the wheel `grade dist` built, at a URL the
instructor published (never a checkout: that holds the solutions), and runs `grade submit
--format github --require-free-threading`: annotations on the student's code, the scorecard in
the job summary, and a red job unless full marks. The URL is committed to the student's
repository, so one carrying credentials is refused.
"""

from __future__ import annotations

import json
import re
import shlex
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from grader.errors import GradeError

WORKFLOW = Path(".github/workflows/grade.yml")


class WorkflowExists(GradeError):
    """`grade ci init` would overwrite a workflow."""


class PackageURLError(GradeError):
    """The URL CI would install the grader from cannot go into a student's repository."""


# Query parameters and token shapes that carry a secret (GitHub and GitLab tokens, signed URLs).
_SECRET_PARAMETER = re.compile(r"token|key|secret|pass|auth|sig|credential", re.IGNORECASE)
_TOKEN = re.compile(r"gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|glpat-[\w-]{20,}")
_WHERE = "publish the wheel where it downloads without credentials (a release asset of a public repository, a package index)"


def write_workflow(
    directory: Path, *, challenge_id: str, package: str, solution: str = ".", force: bool = False,
) -> Path:
    """Write .github/workflows/grade.yml under `directory`; refuse to overwrite unless `force`."""
    target = directory / WORKFLOW
    if target.exists() and not force:
        raise WorkflowExists(f"{target} already exists: pass --force to overwrite it")
    text = resources.files("grader.integrations").joinpath("templates", "grade.yml").read_text(encoding="utf-8")
    for placeholder, value in (
        ("@PACKAGE@", json.dumps(package_url(package))),  # a JSON string is a YAML double-quoted scalar
        ("@SOLUTION@", shlex.quote(solution)),
        ("@CHALLENGE@", shlex.quote(challenge_id)),
    ):
        text = text.replace(placeholder, value)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise GradeError(f"cannot write {target}: {exc.strerror}") from None
    return target


def package_url(url: str) -> str:
    """`url` if students' CI may install the grader from it: https, a wheel, no credentials.

    The workflow is committed to the student's repository, where anyone who reads it could use
    a credential in it; the messages never repeat the URL, so they do not print one either.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        raise PackageURLError("--package: not a URL: give the https URL of the wheel `grade dist` built") from None
    if parts.username is not None or parts.password is not None:
        raise PackageURLError(f"--package: the URL carries credentials (user:password@): {_WHERE}")
    if _TOKEN.search(url) or any(_SECRET_PARAMETER.search(name) for name, _ in parse_qsl(parts.query)):
        raise PackageURLError(f"--package: the URL carries a token: {_WHERE}")
    if parts.scheme != "https" or not parts.hostname or not parts.path.endswith(".whl"):
        raise PackageURLError(
            "--package: give the https URL of the wheel `grade dist` built "
            "(.../grade-VERSION-py3-none-any.whl), never a repository with the solutions"
        )
    return url.strip()
