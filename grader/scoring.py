"""Scoring stage: challenge + collected tests + outcomes -> `Result`. Pure: no I/O.

The rule, in one place: a group's points are shared equally by its tests (pytest tests from
`tests/test_<group>.py` and static checks naming the group); a test scores its share only if it
passed. A test the parent collected but no child reported on scores zero. A run with any
evidence of tampering scores zero, whatever its records claim. `passed` means full marks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.catalog import Challenge
from grader.outcomes import Status, StressSettings, TestOutcome
from grader.runner import Execution

RESULT_SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class TestResult:
    __test__ = False  # a result, not a test class for pytest to collect

    name: str
    group: str
    status: Status
    score: float
    max_score: float
    duration_s: float
    message: str


@dataclass(frozen=True, slots=True)
class GroupResult:
    id: str
    title: str
    score: float
    max_score: float
    hint: str
    tests: tuple[TestResult, ...]

    @property
    def passed(self) -> bool:
        """Every test passed; a group none of whose tests reported has not passed."""
        return bool(self.tests) and all(test.status is Status.PASSED for test in self.tests)


@dataclass(frozen=True, slots=True)
class InterpreterInfo:
    executable: str
    version: str
    free_threaded_build: bool
    gil_disabled: bool


@dataclass(frozen=True, slots=True)
class StageTime:
    """How long one stage of a grading took, for `bench/overhead.py`'s breakdown."""

    name: str
    seconds: float
    parallel: bool = False  # ran beside the stages in order (the static checks), not between them


@dataclass(frozen=True, slots=True)
class Result:
    """The one object every report renders."""

    challenge: str
    title: str
    score: float
    max_score: float
    groups: tuple[GroupResult, ...]
    interpreter: InterpreterInfo
    stress: StressSettings
    sandbox: str
    duration_s: float
    notes: tuple[str, ...]
    output: str
    output_truncated: bool
    tamper_evidence: tuple[str, ...] = ()
    import_error: str | None = None  # why the submission could not be imported: nothing ran
    stages: tuple[StageTime, ...] = field(default=(), compare=False)  # where the grading's time went, in order; no report shows it

    @property
    def tampered(self) -> bool:
        return bool(self.tamper_evidence)

    @property
    def passed(self) -> bool:
        return not self.tampered and all(group.passed for group in self.groups)

    @property
    def tests(self) -> tuple[TestResult, ...]:
        return tuple(test for group in self.groups for test in group.tests)


def group_of(nodeid: str) -> str:
    """`test_concurrency.py::test_x` -> `concurrency`; static checks carry their group apart."""
    module = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
    return module.removeprefix("test_").removesuffix(".py")


def short_name(nodeid: str) -> str:
    return nodeid.split("::", 1)[1] if "::" in nodeid else nodeid


def score(
    *,
    challenge: Challenge,
    execution: Execution,
    static_outcomes: tuple[TestOutcome, ...],
    interpreter: InterpreterInfo,
    stress: StressSettings,
    sandbox: str,
    duration_s: float,
    extra_notes: tuple[str, ...] = (),
    tamper_evidence: tuple[str, ...] = (),
) -> Result:
    static_groups = {f"static::{check.name}": check.group for check in challenge.static_checks}
    members: dict[str, list[TestOutcome]] = {group.id: [] for group in challenge.groups}
    for outcome in (*execution.outcomes, *static_outcomes):
        group_id = static_groups.get(outcome.nodeid) or group_of(outcome.nodeid)
        members.setdefault(group_id, []).append(outcome)

    evidence = tuple(dict.fromkeys((*tamper_evidence, *execution.tamper_evidence)))
    groups = []
    for group in challenge.groups:
        tests = members.get(group.id, [])
        share = group.points / len(tests) if tests else 0.0
        results = tuple(
            TestResult(
                name=short_name(outcome.nodeid),
                group=group.id,
                status=outcome.status,
                score=share if outcome.status is Status.PASSED and not evidence else 0.0,
                max_score=share,
                duration_s=outcome.duration_s,
                message=outcome.message,
            )
            for outcome in tests
        )
        if evidence:
            earned = 0.0
        elif results and all(test.status is Status.PASSED for test in results):
            earned = group.points  # exact, whatever the shares add up to in floating point
        else:
            earned = sum(test.score for test in results)
        groups.append(
            GroupResult(
                id=group.id,
                title=group.title,
                score=round(earned, 2),
                max_score=group.points,
                hint=group.hint,
                tests=results,
            )
        )
    notes = list(extra_notes) + list(execution.notes)
    strays = sorted(set(members) - {group.id for group in challenge.groups})
    if strays:
        notes.append(f"tests outside any group were not scored: {', '.join(strays)}")
    total = round(sum(group.score for group in groups), 2)
    return Result(
        challenge=challenge.id,
        title=challenge.title,
        score=total,
        max_score=challenge.max_score,
        groups=tuple(groups),
        interpreter=interpreter,
        stress=stress,
        sandbox=sandbox,
        duration_s=round(duration_s, 3),
        notes=tuple(notes),
        output=execution.output,
        output_truncated=execution.output_truncated,
        tamper_evidence=evidence,
        import_error=execution.import_error,
    )
