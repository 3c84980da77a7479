"""Static stage: type-check the challenge's client files against the submission -> `TestOutcome`s.

mypy runs from the grader's own environment (it cannot be installed into a free-threaded venv)
with `--python-version 3.13`, on a private copy of the submission's Python files next to the
clients, with a config file of ours so nothing the submission ships is read as configuration.
Errors count only in the client files: the student's own code may be as untidy as it likes.
A client line ending in `# expect-error` must get an error; every other line must get none.

Most of a cold mypy run is spent on the standard library's stubs, the same for every
submission. So each run starts from a private copy of a seed cache that holds only those
(built once, from the standard library alone, by `grade setup` or the first run): a quarter
of the time, and nothing one submission leaves in a cache can reach another's check.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.catalog import Challenge, StaticCheck
from grader.outcomes import Status, TestOutcome
from grader.runtime import cache_dir

EXPECT_ERROR = "# expect-error"
CLIENT_PREFIX = "grade_static_"
TIMEOUT_S = 120
ERROR_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<text>.*)$")
MYPY_CONFIG = """\
[mypy]
python_version = 3.13
warn_unused_configs = False
"""
# What the seed cache holds: the standard library modules submissions commonly import.
SEED_SOURCE = (
    "import abc, asyncio, collections, collections.abc, concurrent.futures, contextlib, "
    "dataclasses, enum, functools, itertools, logging, queue, threading, time, types, typing, weakref\n"
)


def static_nodeid(check: StaticCheck) -> str:
    return f"static::{check.name}"


def check_types(challenge: Challenge, submission: Path) -> tuple[TestOutcome, ...]:
    """One outcome per static check of the challenge; empty if it has none."""
    if not challenge.static_checks:
        return ()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="grade-static-") as scratch:
        folder = Path(scratch) / "check"  # the cache beside it, out of the submission's reach
        folder.mkdir()
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
        cache = _private_cache(Path(scratch) / "cache")
        command = [
            sys.executable, "-m", "mypy",
            "--config-file", "grade-mypy.ini",
            "--cache-dir", str(cache),
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


def _private_cache(target: Path) -> Path:
    """A copy of the seed for this check alone; no cache at all if there is no seed."""
    seed = seed_cache()
    try:
        if seed is not None:
            shutil.copytree(seed, target)
            return target
    except OSError:
        pass
    return Path(os.devnull)


def seed_cache() -> Path | None:
    """The standard library's part of mypy's cache, built once per mypy and configuration;
    None if it cannot be built here (each run is then a cold one)."""
    mypy = importlib.util.find_spec("mypy")
    if mypy is None or mypy.origin is None:
        return None
    version_file = Path(mypy.origin).with_name("version.py")
    stamp = f"{version_file}|{version_file.stat().st_mtime_ns}|{sys.version}|{MYPY_CONFIG}|{SEED_SOURCE}"
    home = cache_dir() / "mypy-seed" / hashlib.sha256(stamp.encode()).hexdigest()[:12]
    seed = home / "cache"
    if (home / ".complete").exists():
        return seed
    try:
        home.mkdir(parents=True, exist_ok=True)
        with open(home / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (home / ".complete").exists():
                _build_seed(home, seed)
    except (OSError, subprocess.SubprocessError):
        return None
    return seed if (home / ".complete").exists() else None


def _build_seed(home: Path, seed: Path) -> None:
    shutil.rmtree(seed, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="grade-static-seed-") as scratch:
        folder = Path(scratch)
        (folder / "grade_seed.py").write_text(SEED_SOURCE)
        (folder / "grade-mypy.ini").write_text(MYPY_CONFIG)
        done = subprocess.run(
            [sys.executable, "-m", "mypy", "--config-file", "grade-mypy.ini", "--cache-dir", str(seed),
             "grade_seed.py"],
            cwd=folder, capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
            env={"PATH": "/usr/bin:/bin"},
        )
    if done.returncode == 0:
        (home / ".complete").write_text("the standard library's part of mypy's cache; each check copies it\n")


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
