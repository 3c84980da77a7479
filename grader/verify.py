"""The author's check: grade the reference and every mutant N times -> `Verification`.

A challenge is right when its reference scores full marks every run and every mutant loses
exactly the groups its `mutant.toml` names, every run. Anything else is a finding: a group kept
that should be lost (the suite misses the bug), lost that should be kept (the suite blames the
wrong requirement), or flaky (the verdict depends on luck).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from grader.catalog import Challenge, project_root
from grader.errors import ChallengeError
from grader.grading import grade_submission
from grader.runtime import Runtime
from grader.scoring import Result

REFERENCE = "reference"


class Cell(StrEnum):
    LOST = "lost as expected"
    KEPT = "kept"
    MISSED = "kept when it should be lost"
    WRONGLY_LOST = "lost when it should be kept"
    FLAKY = "flaky"


@dataclass(frozen=True, slots=True)
class Solution:
    name: str
    path: Path
    loses: frozenset[str]
    bug: str


@dataclass(frozen=True, slots=True)
class SolutionVerdict:
    solution: Solution
    cells: tuple[tuple[str, Cell], ...]
    scores: tuple[float, ...]

    @property
    def ok(self) -> bool:
        return all(cell in (Cell.LOST, Cell.KEPT) for _, cell in self.cells)


@dataclass(frozen=True, slots=True)
class Verification:
    challenge: str
    runs: int
    groups: tuple[str, ...]
    verdicts: tuple[SolutionVerdict, ...]

    @property
    def ok(self) -> bool:
        return all(verdict.ok for verdict in self.verdicts)


def find_solutions(challenge: Challenge) -> tuple[Solution, ...]:
    root = project_root() / "solutions" / challenge.id
    reference = root / REFERENCE
    if not reference.is_dir():
        raise ChallengeError(f"{challenge.id} has no reference solution at {reference}")
    solutions = [Solution(REFERENCE, reference, frozenset(), "")]
    group_ids = {group.id for group in challenge.groups}
    for manifest in sorted((root / "mutants").glob("*/mutant.toml")):
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        loses = frozenset(data.get("loses", []))
        if not loses or not loses <= group_ids:
            raise ChallengeError(
                f"{manifest}: 'loses' must name groups of {challenge.id} ({sorted(group_ids)})"
            )
        solutions.append(Solution(manifest.parent.name, manifest.parent, loses, str(data.get("bug", ""))))
    return tuple(solutions)


def lost_groups(result: Result) -> frozenset[str]:
    return frozenset(group.id for group in result.groups if not group.passed)


def verify_challenge(
    challenge: Challenge,
    runtime: Runtime,
    *,
    runs: int = 5,
    only: tuple[str, ...] = (),
    jobs: int = 1,
    on_result: Callable[[Solution, int, Result], None] = lambda *_: None,
) -> Verification:
    """Grade each solution `runs` times, `jobs` gradings at a time (each is its own process)."""
    solutions = [s for s in find_solutions(challenge) if not only or s.name in only]
    group_ids = tuple(group.id for group in challenge.groups)

    def grade(solution: Solution, run: int) -> Result:
        result = grade_submission(submission=solution.path, challenge=challenge, runtime=runtime)
        on_result(solution, run, result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            solution.name: [pool.submit(grade, solution, run) for run in range(runs)]
            for solution in solutions
        }
        verdicts = tuple(
            _judge(solution, group_ids, [future.result() for future in futures[solution.name]])
            for solution in solutions
        )
    return Verification(challenge.id, runs, group_ids, verdicts)


def _judge(solution: Solution, group_ids: tuple[str, ...], results: list[Result]) -> SolutionVerdict:
    lost_per_run = [lost_groups(result) for result in results]
    cells = []
    for group in group_ids:
        lost = sum(group in lost for lost in lost_per_run)
        if 0 < lost < len(results):
            cell = Cell.FLAKY
        elif group in solution.loses:
            cell = Cell.LOST if lost else Cell.MISSED
        else:
            cell = Cell.WRONGLY_LOST if lost else Cell.KEPT
        cells.append((group, cell))
    return SolutionVerdict(solution, tuple(cells), tuple(result.score for result in results))
