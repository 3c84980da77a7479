"""The two command lines the benchmarks compare, and running them as whole processes.

- `grade_command`: `grade submit PATH -c ID --format json --seed N`, everything the student runs.
- `plain_command`: the same hidden suite under plain pytest with plain_fixtures.py, on the same
  interpreter, with the settings `grade submit` would give the child (the challenge's stress,
  per-test limit, allowance and support files; the child's `-B`; its root folder, so that node
  ids, and with them the seeded latencies, are the grader's).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import Challenge, project_root
from grader.runtime import Runtime

REPO = Path(__file__).resolve().parent.parent.parent
PLAIN_DIR = Path(__file__).resolve().parent
CHILD_DIR = REPO / "grader" / "child"
GRADE = Path(sys.executable).parent / "grade"
CONCURRENCY_GROUPS = ("concurrency", "threads", "stress", "tasks")


@dataclass(frozen=True)
class Command:
    argv: list[str]
    env: dict[str, str]


@dataclass(frozen=True)
class Run:
    """One finished process: when it started (wall clock), how long it took, what it said."""

    started_at: float
    seconds: float
    returncode: int
    stdout: str


def reference(challenge: Challenge) -> Path:
    return project_root() / "solutions" / challenge.id / "reference"


def typical_mutant(challenge: Challenge) -> tuple[str, Path] | None:
    """A typical failing submission: a mutant (solutions/ID/mutants/) that loses a single
    requirement group, a concurrency group where there is one; then the first by name."""
    found = []
    for folder in sorted((project_root() / "solutions" / challenge.id / "mutants").glob("*/")):
        manifest = folder / "mutant.toml"
        if not manifest.is_file():
            continue
        loses = tomllib.loads(manifest.read_text()).get("loses", [])
        concurrency = any(group in CONCURRENCY_GROUPS for group in loses)
        found.append(((len(loses) != 1, not concurrency, folder.name), folder))
    if not found:
        return None
    _, folder = min(found)
    return folder.name, folder


def grade_command(
    challenge: Challenge, submission: Path, *, seed: int = 1, env: dict[str, str] | None = None
) -> Command:
    argv = [str(GRADE), "submit", str(submission), "-c", challenge.id, "--format", "json", "--seed", str(seed)]
    return Command(argv, dict(env or os.environ))


def plain_command(
    challenge: Challenge,
    submission: Path,
    runtime: Runtime,
    *,
    seed: int = 1,
    latency: bool = True,
    repeat: int = 1,
    python: Path | None = None,
    extra: tuple[str, ...] = (),
) -> Command:
    """Plain pytest on the challenge's suite; `python` (default: the runtime's) must have pytest."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join((str(PLAIN_DIR), str(CHILD_DIR))),
        "PLAIN_SUBMISSION": str(submission),
        "PLAIN_MODULE": challenge.module,
        "PLAIN_THREADS": str(challenge.stress.threads),
        "PLAIN_ROUNDS": str(challenge.stress.rounds),
        "PLAIN_SEED": str(seed),
        "PLAIN_LATENCY": "on" if latency else "off",
        "PLAIN_REPEAT": str(repeat),
        "PLAIN_TEST_TIMEOUT": str(challenge.limits.test_seconds),
        "PLAIN_ALLOW": ",".join(challenge.allow),
        "PLAIN_SUPPORT": str(challenge.support_dir) if challenge.support_files else "",
    }
    tests = challenge.tests_dir
    ini = tests / "pytest.ini"
    argv = [
        str(python or runtime.executable), "-B", "-m", "pytest", "-p", "plain_fixtures", "-q",
        "-p", "no:cacheprovider", "--rootdir", str(tests), "-c", str(ini) if ini.exists() else os.devnull,
        *extra, str(tests),
    ]
    return Command(argv, env)


def run(command: Command, *, cwd: Path = REPO) -> Run:
    started_at = time.time()
    started = time.perf_counter()
    done = subprocess.run(command.argv, env=command.env, cwd=cwd, capture_output=True, text=True, check=False)
    return Run(started_at, time.perf_counter() - started, done.returncode, done.stdout)


def graded_passed(result: Run) -> bool:
    """`grade submit --format json` gave full marks."""
    try:
        return bool(json.loads(result.stdout)["passed"])
    except (ValueError, KeyError, TypeError):
        return False
