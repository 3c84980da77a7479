"""Static stage: type-check the challenge's client files against the submission -> `TestOutcome`s.

mypy runs from the grader's own environment (it cannot be installed into a free-threaded venv)
with `--python-version 3.13`, on a private copy of the submission's Python files next to the
clients, with a config file of ours so nothing the submission ships is read as configuration.
Errors count only in the client files: the student's own code may be as untidy as it likes.
A client line ending in `# expect-error` must get an error; every other line must get none.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.catalog import Challenge, StaticCheck
from grader.outcomes import Status, TestOutcome

EXPECT_ERROR = "# expect-error"
CLIENT_PREFIX = "grade_static_"
TIMEOUT_S = 120
ERROR_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<text>.*)$")
MYPY_CONFIG = """\
[mypy]
python_version = 3.13
warn_unused_configs = False
"""


def static_nodeid(check: StaticCheck) -> str:
    return f"static::{check.name}"


def check_types(challenge: Challenge, submission: Path) -> tuple[TestOutcome, ...]:
    """One outcome per static check of the challenge; empty if it has none."""
    if not challenge.static_checks:
        return ()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="grade-static-") as scratch:
        folder = Path(scratch)
        for source in submission.rglob("*.py"):
            if source.is_file() and not source.is_symlink():
                target = folder / source.relative_to(submission)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
        clients = {}
        for check in challenge.static_checks:
            client = folder / f"{CLIENT_PREFIX}{check.name}.py"
            shutil.copyfile(check.file, client)
            clients[check] = client
        (folder / "grade-mypy.ini").write_text(MYPY_CONFIG)
        command = [
            sys.executable, "-m", "mypy",
            "--config-file", "grade-mypy.ini",
            "--cache-dir", "/dev/null",
            "--no-error-summary", "--hide-error-context", "--show-error-codes",
            "--no-color-output", "--no-pretty",
            *(client.name for client in clients.values()),
        ]
        try:
            done = subprocess.run(
                command, cwd=folder, capture_output=True, text=True, timeout=TIMEOUT_S,
                check=False, env={"PATH": "/usr/bin:/bin", "MYPYPATH": str(folder)},
            )
        except subprocess.TimeoutExpired:
            return _all(challenge, Status.ERROR, f"the type check took over {TIMEOUT_S} s")
        elapsed = (time.monotonic() - started) / len(clients)
        errors = _errors_by_file(done.stdout)
        if done.returncode not in (0, 1) or _fatal(done.stdout, challenge.submission_file):
            text = (done.stderr or done.stdout).strip().splitlines()
            message = _first_submission_error(done.stdout, challenge.submission_file) or (
                text[-1] if text else f"mypy exited with code {done.returncode}"
            )
            return _all(challenge, Status.ERROR, f"the type checker could not run: {message}")
        return tuple(
            _judge(check, client, errors.get(client.name, {}), elapsed)
            for check, client in clients.items()
        )


def _errors_by_file(output: str) -> dict[str, dict[int, str]]:
    found: dict[str, dict[int, str]] = {}
    for line in output.splitlines():
        match = ERROR_LINE.match(line)
        if match:
            found.setdefault(match["file"], {}).setdefault(int(match["line"]), match["text"])
    return found


def _fatal(output: str, module_file: str) -> bool:
    """A syntax error in the submission stops mypy before it checks any client."""
    return any(
        line.startswith(f"{module_file}:") and ("syntax" in line.lower() or "[syntax]" in line)
        for line in output.splitlines()
    )


def _first_submission_error(output: str, module_file: str) -> str | None:
    for line in output.splitlines():
        match = ERROR_LINE.match(line)
        if match and match["file"] == module_file:
            return f"{module_file}:{match['line']}: {match['text']}"
    return None


def _judge(check: StaticCheck, client: Path, errors: dict[int, str], elapsed: float) -> TestOutcome:
    lines = client.read_text(encoding="utf-8").splitlines()
    expected = {
        number for number, text in enumerate(lines, start=1) if text.rstrip().endswith(EXPECT_ERROR)
    }
    missing = sorted(expected - set(errors))
    unexpected = sorted(set(errors) - expected)
    problems = [
        f"line {n} `{_code(lines, n)}` should be a type error but the checker accepted it"
        for n in missing
    ] + [
        f"line {n} `{_code(lines, n)}`: {errors[n]}"
        for n in unexpected
    ]
    status = Status.FAILED if problems else Status.PASSED
    return TestOutcome(static_nodeid(check), status, round(elapsed, 3), "; ".join(problems))


def _code(lines: list[str], number: int) -> str:
    return lines[number - 1].split(EXPECT_ERROR)[0].strip()


def _all(challenge: Challenge, status: Status, message: str) -> tuple[TestOutcome, ...]:
    return tuple(
        TestOutcome(static_nodeid(check), status, 0.0, message) for check in challenge.static_checks
    )
