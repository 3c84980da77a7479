"""The attack corpus: each hostile submission gets a clear, non-passing verdict, in bounded
time, and leaves the host as it found it (no process, no file).

Every attack targets the tiny fixture challenge; the ones that forge results carry a wrong
`add()`, so only a forgery could make them pass.
"""

import json
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from fixture_paths import SUBMISSIONS
from processes import processes_holding
from grader.grading import grade_submission
from grader.report.json_format import render_json
from grader.outcomes import Status

ATTACKS = Path(__file__).parent / "attacks"
HOST_MARKERS = (Path("/root/grade-hostile-marker"), Path("/var/tmp/grade-hostile-marker"))


@dataclass(frozen=True)
class Expect:
    tampered: bool = False
    import_error: str = ""          # every pytest test errors with a message containing this
    statuses: tuple = ()            # (test name, status) pairs that must hold
    note: str = ""                  # a note the result must carry
    output: tuple = ()              # lines the submission's own output must hold
    output_when_allowed: tuple = ()  # and, with the fresh-interpreter allowance on, these too


CORPUS = {
    "patch-pytest-reports": Expect(tampered=True),
    "patch-pytest-module-level": Expect(tampered=True),
    "imports-pytest": Expect(tampered=True),
    "forged-records": Expect(tampered=True),
    "serialised-threading": Expect(tampered=True),
    "conftest-forgery": Expect(tampered=True),
    "atexit-exit-zero": Expect(statuses=(("test_add_returns_the_running_total", Status.FAILED),)),
    "fork-bomb": Expect(import_error="may not start processes"),
    "spawn-at-import": Expect(import_error="may not start processes"),
    "reaches-the-runner": Expect(tampered=True, output=("another thread: refused", "checked"),
                                 output_when_allowed=("runner: started", "inside: refused")),
    "memory-bomb": Expect(import_error="MemoryError"),
    "network": Expect(import_error="may not open network connections"),
    "write-outside": Expect(import_error="may not write outside its workspace"),
    "read-hidden-tests": Expect(statuses=(("test_add_returns_the_running_total", Status.FAILED),)),
    "infinite-loop-in-test": Expect(statuses=(("test_hang_returns", Status.TIMEOUT),
                                              ("test_add_returns_the_running_total", Status.PASSED))),
    "symlink-escape": Expect(import_error="tally.py not found", note="a symlink: not followed"),
    "exit-at-import": Expect(import_error="ended while importing tally.py"),
    "sys-exit-at-import": Expect(import_error="called sys.exit(0)"),
    "hang-at-import": Expect(import_error="importing tally.py"),
    "flood": Expect(note="output was cut"),
}


# The fresh-interpreter allowance lets the child start one process of its own: the attacks on
# processes, the network and the records must fare exactly as they do without it.
ALLOWING_FRESH_INTERPRETER = ("fork-bomb", "spawn-at-import", "reaches-the-runner", "network",
                              "forged-records", "patch-pytest-reports", "conftest-forgery")
CASES = [pytest.param(name, (), id=name) for name in sorted(CORPUS)] + [
    pytest.param(name, ("fresh-interpreter",), id=f"{name}-allowing-fresh-interpreter")
    for name in ALLOWING_FRESH_INTERPRETER
]


def attack_path(name):
    return ATTACKS / name if (ATTACKS / name).exists() else SUBMISSIONS / name


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The grader's scratch space for this test alone, so leftovers can be told apart."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(("name", "allow"), CASES)
def test_the_attack_gets_a_clear_verdict_and_leaves_the_host_untouched(name, allow, tiny, runtime, private_tmp):
    expect = CORPUS[name]
    started = time.monotonic()
    challenge = replace(tiny, allow=allow)
    result = grade_submission(submission=attack_path(name), challenge=challenge, runtime=runtime, seed=3)
    elapsed = time.monotonic() - started

    assert elapsed < tiny.limits.wall_seconds + 30, f"{name} took {elapsed:.0f} s"
    assert processes_holding(str(private_tmp)) == [], f"{name} left processes behind"
    assert list(private_tmp.glob("grade-*")) == [], f"{name} left its workspace behind"
    assert not any(marker.exists() for marker in HOST_MARKERS), f"{name} wrote on the host"

    if name != "flood":
        assert not result.passed, f"{name} passed"
    assert result.tampered is expect.tampered, result.tamper_evidence
    if expect.tampered:
        assert result.score == 0
        assert "tampering detected" not in result.output
    if expect.import_error:
        pytest_tests = [test for test in result.tests if test.group != "typing"]
        assert all(expect.import_error in test.message for test in pytest_tests), [
            test.message for test in pytest_tests
        ]
        assert {test.status for test in pytest_tests} <= {Status.ERROR, Status.TIMEOUT}
    statuses = {test.name: test.status for test in result.tests}
    for test_name, status in expect.statuses:
        assert statuses[test_name] is status, (test_name, statuses[test_name])
    if expect.note:
        assert any(expect.note in note for note in result.notes), result.notes
    assert "ESCAPED" not in result.output, result.output
    lines = result.output.splitlines()
    for line in expect.output + (expect.output_when_allowed if allow else ()):
        assert line in lines, result.output


def test_the_hidden_tests_never_reach_the_feedback(tiny, runtime):
    result = grade_submission(
        submission=ATTACKS / "read-hidden-tests", challenge=tiny, runtime=runtime, seed=3
    )
    feedback = render_json(result)
    assert "def test_add_returns_the_running_total" not in feedback
    assert "def test_concurrent_adds_lose_nothing" not in feedback
    assert json.loads(feedback)["output"].strip() == ""
