"""Per-round catch rates: how often a mutant's race shows in one stress round, per configuration.

Each configuration runs the mutant's catching test (the stress test that failed it in the most
whole gradings) under plain pytest with `stress.rounds` = 1, repeated, so one execution is one
round and a failing execution is a round in which the race showed. A group may hold stress tests
its bug does not touch; running the one that catches it keeps the bench in its minutes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from catch_suite import Execution, Mutant, plain_rounds

from grader.catalog import Challenge
from grader.runtime import Runtime


@dataclass(frozen=True)
class Config:
    key: str
    label: str
    python: Path | None
    latency: bool
    missing: str = ""  # why the configuration was skipped


@dataclass(frozen=True)
class TestRate:
    """One test's executions in one configuration."""

    test: str
    failed: int
    executions: int
    releases: int  # thread releases over all its executions: > executions when the test loops itself
    message: str  # the first failure's message

    @property
    def rate(self) -> float:
        return self.failed / self.executions if self.executions else 0.0


def base_name(nodeid: str) -> str:
    """`test_x.py::test_y[repeat3]` -> `test_x.py::test_y` (other parameters kept)."""
    if nodeid.endswith("]") and "[" in nodeid:
        stem, _, params = nodeid[:-1].rpartition("[")
        kept = [part for part in params.split("-") if not part.startswith("repeat")]
        return f"{stem}[{'-'.join(kept)}]" if kept else stem
    return nodeid


def rates(executions: list[Execution]) -> dict[str, TestRate]:
    grouped: dict[str, list[Execution]] = defaultdict(list)
    for execution in executions:
        grouped[base_name(execution.nodeid)].append(execution)
    return {
        test: TestRate(
            test,
            sum(run.failed for run in runs),
            len(runs),
            sum(run.releases for run in runs),
            next((run.message for run in runs if run.failed), ""),
        )
        for test, runs in grouped.items()
    }


def measure(
    challenge: Challenge,
    mutant: Mutant,
    tests: tuple[str, ...],
    config: Config,
    runtime: Runtime,
    *,
    repeat: int,
    seed: int,
) -> dict[str, TestRate]:
    """`tests` (stress tests of the mutant's concurrency groups), `repeat` executions each."""
    assert config.python is not None
    return rates(plain_rounds(challenge, mutant.solution.path, config.python, runtime, tests,
                              repeat=repeat, latency=config.latency, seed=seed))


def catching_test(by_config: dict[str, dict[str, TestRate]], order: list[str]) -> str:
    """The test that fails most often, judged on the configurations in `order` (first decides)."""
    tests = sorted({test for per_test in by_config.values() for test in per_test})
    if not tests:
        return ""

    def key(test: str) -> tuple[float, ...]:
        return tuple(by_config.get(name, {}).get(test, TestRate(test, 0, 0, 0, "")).rate for name in order)

    return max(tests, key=key)
