"""Which tests are stress tests, which mutants are concurrency mutants, and running them plainly.

A stress test is one whose fixture closure holds `stress`, read from the suite itself (collected
under plain pytest with bench/catch_probe.py), never guessed from a group's name. A concurrency
group holds at least one stress test; a concurrency mutant must lose at least one such group.
`plain_rounds` runs a submission's chosen tests under bench/plain with one stress round per
execution, each test repeated, and returns what catch_probe reported of every execution.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plain.commands import plain_command, reference  # noqa: E402

from grader.catalog import Challenge  # noqa: E402
from grader.runtime import Runtime  # noqa: E402
from grader.verify import REFERENCE, Solution, find_solutions  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
STRESS_FIXTURE = "stress"


@dataclass(frozen=True)
class Suite:
    """A challenge's stress tests by group (node ids as the grader names them)."""

    challenge: Challenge
    stress_tests: dict[str, tuple[str, ...]]

    @property
    def concurrency_groups(self) -> frozenset[str]:
        return frozenset(group for group, tests in self.stress_tests.items() if tests)


@dataclass(frozen=True)
class Mutant:
    solution: Solution
    groups: tuple[str, ...]  # the concurrency groups it must lose
    tests: tuple[str, ...]  # their stress tests


@dataclass(frozen=True)
class Execution:
    """One execution of one test: failed or not, why, and how many times it released threads."""

    nodeid: str
    failed: bool
    message: str
    releases: int


def group_of(test_file: str) -> str:
    """The file rule: tests/test_<group>.py belongs to <group>."""
    return Path(test_file).stem.removeprefix("test_")


def read_suite(challenge: Challenge, runtime: Runtime) -> Suite:
    records = _probe(challenge, reference(challenge), runtime.executable, runtime, collect_only=True)
    by_group: dict[str, list[str]] = {group.id: [] for group in challenge.groups}
    for record in records:
        if record["event"] == "collected" and STRESS_FIXTURE in record["fixtures"]:
            by_group.setdefault(group_of(record["file"]), []).append(record["nodeid"])
    return Suite(challenge, {group: tuple(tests) for group, tests in by_group.items()})


def concurrency_mutants(suite: Suite) -> tuple[Mutant, ...]:
    mutants = []
    for solution in find_solutions(suite.challenge):
        groups = tuple(sorted(solution.loses & suite.concurrency_groups))
        if solution.name != REFERENCE and groups:
            tests = tuple(test for group in groups for test in suite.stress_tests[group])
            mutants.append(Mutant(solution, groups, tests))
    return tuple(mutants)


def plain_rounds(
    challenge: Challenge,
    submission: Path,
    python: Path,
    runtime: Runtime,
    tests: tuple[str, ...],
    *,
    repeat: int,
    latency: bool,
    seed: int = 1,
) -> list[Execution]:
    """Each of `tests` run `repeat` times with `stress.rounds` = 1, under plain pytest."""
    records = _probe(challenge, submission, python, runtime, tests=tests, repeat=repeat, latency=latency, seed=seed)
    return [
        Execution(record["nodeid"], record["failed"], record["message"], record["releases"])
        for record in records if record["event"] == "outcome"
    ]


def _probe(
    challenge: Challenge,
    submission: Path,
    python: Path,
    runtime: Runtime,
    *,
    tests: tuple[str, ...] = (),
    collect_only: bool = False,
    repeat: int = 1,
    latency: bool = True,
    seed: int = 1,
) -> list[dict]:
    command = plain_command(challenge, submission, runtime, seed=seed, latency=latency, repeat=repeat,
                            python=python, extra=("-p", "catch_probe"))
    # plain_command ends with the suite's folder: run just `tests` instead, when given.
    argv = command.argv[:-1] + ([str(challenge.tests_dir / test) for test in tests] if tests else command.argv[-1:])
    if collect_only:
        argv.insert(argv.index("-q"), "--collect-only")
    with tempfile.NamedTemporaryFile(prefix="catch-", suffix=".jsonl", delete=False) as handle:
        out = Path(handle.name)
    env = {
        **command.env,
        "PYTHONPATH": os.pathsep.join((str(BENCH_DIR), command.env["PYTHONPATH"])),
        "PLAIN_ROUNDS": "1",
        "CATCH_PROBE_OUT": str(out),
    }
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, timeout=600)
        records = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    finally:
        out.unlink(missing_ok=True)
    if done.returncode not in (0, 1) or not records:
        raise RuntimeError(
            f"plain pytest of {challenge.id} on {submission.name} ({python}) exited {done.returncode}: "
            f"{(done.stdout + done.stderr).strip()[-600:]}"
        )
    return records
