"""Every challenge's reference scores full marks and every mutant loses exactly its groups.

Each solution is graded RUNS times on the free-threaded runtime through the same code as
`grade verify`: a verdict that changes between runs is a defect, not bad luck.
"""

import pytest

from grader.catalog import list_challenges
from grader.verify import Cell, find_solutions, verify_challenge

RUNS = 5

CASES = [
    pytest.param(challenge, solution.name, id=f"{challenge.id}/{solution.name}")
    for challenge in list_challenges()
    for solution in find_solutions(challenge)
]


@pytest.mark.parametrize(("challenge", "solution"), CASES)
def test_the_solution_gets_its_expected_verdict_every_run(challenge, solution, runtime):
    verification = verify_challenge(challenge, runtime, runs=RUNS, only=(solution,), jobs=2)
    (verdict,) = verification.verdicts
    wrong = {group: str(cell) for group, cell in verdict.cells if cell not in (Cell.LOST, Cell.KEPT)}
    assert not wrong, f"{solution}: {wrong}; scores per run {verdict.scores}"
    if solution == "reference":
        assert all(score == challenge.max_score for score in verdict.scores)
    else:
        assert all(score < challenge.max_score for score in verdict.scores)
