"""The types every stage reads: a test's status and outcome, and the stress settings of a run.

The runner produces them, scoring and every report consume them; they live here so that no
report imports the runner to name a status.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    NOT_RUN = "not_run"


@dataclass(frozen=True, slots=True)
class TestOutcome:
    __test__ = False  # an outcome, not a test class for pytest to collect

    nodeid: str
    status: Status
    duration_s: float
    message: str


@dataclass(frozen=True, slots=True)
class StressSettings:
    threads: int
    rounds: int
    seed: int
