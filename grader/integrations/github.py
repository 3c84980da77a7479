"""`grade ci init`: a GitHub Actions workflow that grades a student's repository on every push.

It sets up two interpreters with actions/setup-python: free-threaded CPython 3.13 ("3.13t")
for the submission, regular 3.13 for the grader (mypy does not install on a free-threaded
build). It clones the grader, which carries the challenge's hidden suite, from a repository it
names, and runs `grade submit --format github --require-free-threading`: annotations on the
student's code, the scorecard in the job summary, and a red job unless full marks.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from grader.errors import GradeError

WORKFLOW = Path(".github/workflows/grade.yml")


class WorkflowExists(GradeError):
    """`grade ci init` would overwrite a workflow."""


def write_workflow(
    directory: Path, *, challenge_id: str, repository: str, ref: str = "main", solution: str = ".", force: bool = False,
) -> Path:
    """Write .github/workflows/grade.yml under `directory`; refuse to overwrite unless `force`."""
    target = directory / WORKFLOW
    if target.exists() and not force:
        raise WorkflowExists(f"{target} already exists: pass --force to overwrite it")
    text = resources.files("grader.integrations").joinpath("templates", "grade.yml").read_text(encoding="utf-8")
    for placeholder, value in (
        ("@REPOSITORY@", json.dumps(repository)),  # a JSON string is a YAML double-quoted scalar
        ("@REF@", json.dumps(ref)),
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


def grader_repository(checkout: Path) -> str | None:
    """Where this grader was cloned from (its git remote), to clone it again in CI."""
    try:
        done = subprocess.run(
            ["git", "-C", str(checkout), "remote", "get-url", "origin"],
            capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return public_url(done.stdout.strip()) if done.returncode == 0 else None


def public_url(url: str) -> str | None:
    """An https URL CI can clone without keys: no credentials, SSH remotes rewritten, local paths
    refused (a runner cannot reach them)."""
    scp_like = re.fullmatch(r"[\w.-]+@(?P<host>[\w.-]+):(?P<path>[^/].*)", url)
    if scp_like:
        return f"https://{scp_like['host']}/{scp_like['path']}"
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http", "ssh", "git") or not parts.hostname:
        return None
    host = parts.hostname + (f":{parts.port}" if parts.port and parts.scheme in ("https", "http") else "")
    return urlunsplit(("https", host, parts.path, "", ""))
