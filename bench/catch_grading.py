"""Whole gradings narrowed to the groups a mutant must lose: the real sandbox, child and scoring.

Twenty full gradings of every concurrency mutant do not fit in the bench's minutes, so each
grading runs a derived challenge: the same manifest settings (limits, stress, allowances, support
files), only the chosen groups, no static checks, and a copy of the hidden suite holding only
those groups' test files beside the conftest and helper modules. What a run covers is then
exactly those groups' tests, all of them, under `grade_submission` as `grade submit` runs it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from grader.catalog import Challenge
from grader.grading import grade_submission
from grader.runtime import Runtime
from grader.scoring import Result
from grader.verify import lost_groups


@dataclass(frozen=True)
class Grading:
    """One submission graded `runs` times on one derived challenge."""

    name: str
    submission: Path
    challenge: Challenge
    must_lose: frozenset[str]  # empty for a reference: it must keep every group


@dataclass(frozen=True)
class GradingRun:
    grading: Grading
    seed: int
    lost: frozenset[str]
    failed_tests: frozenset[str]  # node ids, as tests/test_<group>.py::name
    first_failure: str  # the first failing test and its message, for a report

    @property
    def as_expected(self) -> bool:
        """A mutant lost every group it must lose; a reference lost none."""
        if self.grading.must_lose:
            return self.grading.must_lose <= self.lost
        return not self.lost


class Narrowed:
    """Derived challenges in one scratch folder, made once per set of groups, removed on exit."""

    def __init__(self) -> None:
        self._scratch = Path(tempfile.mkdtemp(prefix="grade-catch-"))
        self._made: dict[tuple[str, tuple[str, ...]], Challenge] = {}

    def __enter__(self) -> Narrowed:
        return self

    def __exit__(self, *_: object) -> None:
        shutil.rmtree(self._scratch, ignore_errors=True)

    def to(self, challenge: Challenge, groups: Iterable[str]) -> Challenge:
        chosen = tuple(sorted(set(groups)))
        key = (challenge.id, chosen)
        if key not in self._made:
            self._made[key] = _derive(challenge, chosen, self._scratch / f"{challenge.id}-{len(self._made)}")
        return self._made[key]


def _derive(challenge: Challenge, groups: tuple[str, ...], root: Path) -> Challenge:
    shutil.copytree(challenge.root, root, ignore=shutil.ignore_patterns("__pycache__"))
    for test_file in (root / "tests").glob("test_*.py"):
        if test_file.stem.removeprefix("test_") not in groups:
            test_file.unlink()
    return replace(
        challenge,
        groups=tuple(group for group in challenge.groups if group.id in groups),
        static_checks=(),
        root=root,
    )


def grade_all(
    gradings: list[Grading],
    runtime: Runtime,
    *,
    runs: int,
    jobs: int = 2,
    on_run: Callable[[GradingRun], None] = lambda _: None,
) -> dict[str, list[GradingRun]]:
    """Every grading `runs` times, `jobs` at once (threads: each grading is its own processes),
    round by round as grader/verify.py does, with seeds 1..runs so a miss replays with --seed."""

    def grade(grading: Grading, seed: int) -> GradingRun:
        result = grade_submission(submission=grading.submission, challenge=grading.challenge,
                                  runtime=runtime, seed=seed)
        run = GradingRun(grading, seed, lost_groups(result), _failed_tests(result), _first_failure(result))
        on_run(run)
        return run

    # References first: they run every round of every test, the longest gradings by far, and
    # starting the longest first keeps both workers busy to the end.
    ordered = sorted(gradings, key=lambda grading: bool(grading.must_lose))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {grading.name: [pool.submit(grade, grading, seed) for seed in range(1, runs + 1)]
                   for grading in ordered}
        return {grading.name: [future.result() for future in futures[grading.name]] for grading in gradings}


def _failed_tests(result: Result) -> frozenset[str]:
    return frozenset(
        f"test_{group.id}.py::{test.name}" for group in result.groups for test in group.tests
        if test.status != "passed"
    )


def _first_failure(result: Result) -> str:
    for group in result.groups:
        for test in group.tests:
            if test.status != "passed":
                message = (test.message or "").strip().splitlines()
                return f"{test.name}: {test.status}: {message[0][:200] if message else ''}"
    if result.import_error:
        return f"import error: {result.import_error[:200]}"
    return ""
