"""The author's check: grade the reference, every mutant and the starter -> `Verification`.

A challenge is right when its reference scores full marks every run and every mutant loses
exactly the groups its `mutant.toml` names, every run. Anything else is a finding: a group kept
that should be lost (the suite misses the bug), lost that should be kept (the suite blames the
wrong requirement), or flaky (the verdict depends on luck). Around that matrix come the checks
of the author's work that make a verdict worth trusting (`AuthorCheck`): the statement names
every group, every group has tests and is lost by some mutant, the starter imports and does not
already score full marks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from grader.catalog import Challenge, authoring_root, project_root
from grader.errors import ChallengeError
from grader.grading import grade_submission
from grader.manifest import TEXT, TEXTS, check_table, read_manifest
from grader.runtime import Runtime
from grader.scoring import Result

REFERENCE = "reference"
DEFAULT_RUNS = 5  # what "verified" means: the same verdict five runs in a row
STARTER = "starter"
MUTANT_KEYS = {"bug": TEXT, "loses": TEXTS}


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
class AuthorCheck:
    """One check of the author's work; `detail` says what was found and what to do next."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Verification:
    challenge: str
    runs: int
    groups: tuple[str, ...]
    verdicts: tuple[SolutionVerdict, ...]
    checks: tuple[AuthorCheck, ...] = ()

    @property
    def ok(self) -> bool:
        return all(verdict.ok for verdict in self.verdicts) and all(check.ok for check in self.checks)


def solutions_dir(challenge: Challenge) -> Path:
    return authoring_root() / "solutions" / challenge.id


def find_solutions(challenge: Challenge) -> tuple[Solution, ...]:
    """The reference, then every mutant with its manifest checked (unknown keys are errors)."""
    root = solutions_dir(challenge)
    reference = root / REFERENCE
    if not reference.is_dir():
        raise ChallengeError(
            f"{challenge.id} has no reference solution at {reference}: write one that scores full marks"
        )
    solutions = [Solution(REFERENCE, reference, frozenset(), "")]
    group_ids = {group.id for group in challenge.groups}
    for folder in sorted(path for path in (root / "mutants").glob("*") if path.is_dir()):
        manifest = folder / "mutant.toml"
        if not manifest.is_file():
            raise ChallengeError(f"{manifest} is missing: say what the mutant gets wrong and which groups it loses")
        data = read_manifest(manifest)
        check_table(data, MUTANT_KEYS, manifest=manifest, required=("bug", "loses"))
        unknown = sorted(set(data["loses"]) - group_ids)
        if unknown:
            raise ChallengeError(
                f"{manifest}: 'loses' names {unknown}, which are not groups of {challenge.id}; "
                f"groups: {sorted(group_ids)}"
            )
        solutions.append(Solution(folder.name, folder, frozenset(data["loses"]), data["bug"]))
    return tuple(solutions)


def lost_groups(result: Result) -> frozenset[str]:
    return frozenset(group.id for group in result.groups if not group.passed)


def verify_challenge(
    challenge: Challenge,
    runtime: Runtime,
    *,
    runs: int = DEFAULT_RUNS,
    only: tuple[str, ...] = (),
    jobs: int = 1,
    on_result: Callable[[Solution, int, Result], None] = lambda *_: None,
) -> Verification:
    """Grade each solution `runs` times, `jobs` gradings at a time (each is its own process).

    With `only`, just those solutions are graded and the author checks, which need them all,
    are left out.
    """
    if challenge.requires_free_threading and not runtime.gil_disabled:
        raise ChallengeError(
            f"{challenge.id} requires free threading and {runtime.base_executable} has the GIL "
            "enabled: its races could pass unseen; run `grade setup` or pass --python with a "
            "free-threaded interpreter"
        )
    solutions = [s for s in find_solutions(challenge) if not only or s.name in only]
    starter = Solution(STARTER, project_root() / "starter" / challenge.id, frozenset(), "")
    grade_starter = not only and starter.path.is_dir()
    group_ids = tuple(group.id for group in challenge.groups)

    def grade(solution: Solution, run: int) -> Result:
        result = grade_submission(submission=solution.path, challenge=challenge, runtime=runtime)
        on_result(solution, run, result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        # Round by round rather than solution by solution: a flaky verdict shows early.
        futures: dict[str, list] = {solution.name: [] for solution in solutions}
        starter_future = pool.submit(grade, starter, 0) if grade_starter else None
        for run in range(runs):
            for solution in solutions:
                futures[solution.name].append(pool.submit(grade, solution, run))
        results = {name: [future.result() for future in owed] for name, owed in futures.items()}
        starter_result = starter_future.result() if starter_future else None
    verdicts = tuple(_judge(solution, group_ids, results[solution.name]) for solution in solutions)
    checks: tuple[AuthorCheck, ...] = ()
    if not only:
        checks = check_authoring(
            challenge, verdicts=verdicts, reference=results[REFERENCE], starter=starter_result
        )
    return Verification(challenge.id, runs, group_ids, verdicts, checks)


def check_authoring(
    challenge: Challenge,
    *,
    verdicts: tuple[SolutionVerdict, ...],
    reference: list[Result],
    starter: Result | None,
) -> tuple[AuthorCheck, ...]:
    """The checks of the author's work that the verdict matrix alone does not show."""
    checks = [_statement_names_groups(challenge)]
    unfinished = [
        path.name for path in (challenge.statement, challenge.root / "challenge.toml")
        if "TODO" in path.read_text(encoding="utf-8")
    ]
    checks.append(AuthorCheck(
        "no TODO left in the statement or the manifest",
        not unfinished,
        f"{' and '.join(unfinished)} still hold TODO marks: write what students will read"
        if unfinished else "",
    ))

    empty = [group.id for group in reference[0].groups if not group.tests] if reference else []
    checks.append(AuthorCheck(
        "every group has at least one test",
        not empty,
        f"no test reported for {', '.join(empty)}: add a test to tests/test_<group>.py or a "
        "[[static]] check naming the group" if empty else "",
    ))

    mutants = [verdict for verdict in verdicts if verdict.solution.name != REFERENCE]
    idle = [verdict.solution.name for verdict in mutants if not verdict.solution.loses]
    checks.append(AuthorCheck(
        "every mutant loses at least one group",
        not idle,
        f"{', '.join(idle)}: 'loses' is empty; a mutant carries one bug that costs points"
        if idle else "",
    ))

    covered = {group for verdict in mutants for group, cell in verdict.cells if cell is Cell.LOST}
    unbroken = [group for group in (g.id for g in challenge.groups) if group not in covered]
    checks.append(AuthorCheck(
        "every group is lost by at least one mutant",
        not unbroken,
        f"no mutant loses {', '.join(unbroken)}: add solutions/{challenge.id}/mutants/<bug>/ with "
        "one bug those tests must catch, so they are shown to bite" if unbroken else "",
    ))

    starter_dir = project_root() / "starter" / challenge.id
    if starter is None:
        checks.append(AuthorCheck("the starter imports and does not score full marks", False,
                                  f"no starter at {starter_dir}: give students a file to start from"))
    else:
        problem = ""
        if starter.import_error:
            problem = f"the starter does not import: {starter.import_error}"
        elif starter.score >= starter.max_score:
            problem = "the starter already scores full marks: leave the work to the student"
        checks.append(AuthorCheck("the starter imports and does not score full marks", not problem,
                                  problem or f"scores {starter.score:g}/{starter.max_score:g}"))
    return tuple(checks)


def _statement_names_groups(challenge: Challenge) -> AuthorCheck:
    """Each requirement the suite grades is one the student can read about."""
    statement = _normalise(challenge.statement.read_text(encoding="utf-8"))
    missing = [group.title for group in challenge.groups if _normalise(group.title) not in statement]
    return AuthorCheck(
        "the statement names every group",
        not missing,
        "README.md does not mention " + "; ".join(repr(title) for title in missing)
        + ": name each requirement group's title where the statement describes it" if missing else "",
    )


def _normalise(text: str) -> str:
    """Case, Markdown emphasis and code marks, and line breaks do not count."""
    return re.sub(r"\s+", " ", re.sub(r"[`*_]", "", text)).casefold()


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
