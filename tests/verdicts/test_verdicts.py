"""Every challenge's reference scores full marks and every mutant loses exactly its groups.

Each solution of each challenge is graded RUNS times on the free-threaded runtime through the
same code as `grade verify`, the gradings of one challenge running side by side (one per core):
a verdict that changes between runs is a defect, not bad luck. `make test` grades each solution
twice; `make verify` runs `grade verify --runs 5` on every challenge. GRADE_VERDICT_RUNS changes
the count here.
"""

import os

import pytest

from grader.catalog import list_challenges
from grader.verify import REFERENCE, Cell, verify_challenge

RUNS = int(os.environ.get("GRADE_VERDICT_RUNS", "2"))
JOBS = max(2, os.cpu_count() or 2)


@pytest.mark.slow
@pytest.mark.parametrize("challenge", list_challenges(), ids=lambda challenge: challenge.id)
def test_every_solution_gets_its_expected_verdict_every_run(challenge, runtime):
    verification = verify_challenge(challenge, runtime, runs=RUNS, jobs=JOBS)
    wrong = {
        verdict.solution.name: {group: str(cell) for group, cell in verdict.cells
                                if cell not in (Cell.LOST, Cell.KEPT)}
        for verdict in verification.verdicts if not verdict.ok
    }
    assert not wrong, f"{challenge.id}: {wrong}"
    for verdict in verification.verdicts:
        assert len(verdict.scores) == RUNS
        if verdict.solution.name == REFERENCE:
            assert all(score == challenge.max_score for score in verdict.scores)
        else:
            assert all(score < challenge.max_score for score in verdict.scores), verdict.solution.name
    failing = [f"{check.name}: {check.detail}" for check in verification.checks if not check.ok]
    assert not failing, f"{challenge.id}: author checks failed: {failing}"
