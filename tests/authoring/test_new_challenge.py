"""A challenge written the way docs/authoring.md says, from `grade new` to "verified".

The scaffold loads and grades but is not done: `grade verify` says what is left. Completed as
the page describes, with a support file (an instrumented driver) and a sandbox allowance (a
fresh interpreter), the same challenge verifies, `grade start` hands the student the support file, and a
student's own copy of it loses to the grader's, with a note.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from grader.catalog import load_challenge
from grader.errors import ChallengeError
from grader.grading import grade_submission
from grader.scaffold import scaffold_challenge
from grader.starter import start_challenge
from grader.verify import verify_challenge


@pytest.fixture
def empty_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("GRADE_HOME", str(home))
    return home


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def failed_checks(verification) -> dict[str, str]:
    return {check.name: check.detail for check in verification.checks if not check.ok}


def test_a_scaffold_grades_and_verify_lists_what_is_left(empty_home, runtime):
    scaffold_challenge("counter", module="counter", title="A Shared Counter")
    challenge = load_challenge("counter")

    verification = verify_challenge(challenge, runtime, runs=1, jobs=2)

    (reference,) = verification.verdicts
    assert reference.ok and reference.scores == (challenge.max_score,)
    assert set(failed_checks(verification)) == {
        "no TODO left in the statement or the manifest",
        "every group is lost by at least one mutant",
    }
    assert "solutions/counter/mutants/" in failed_checks(verification)[
        "every group is lost by at least one mutant"]
    assert not verification.ok


def test_a_scaffold_refuses_a_taken_id_and_a_bad_one(empty_home):
    scaffold_challenge("counter", module="counter", title="A Shared Counter")
    with pytest.raises(ChallengeError, match="already exists"):
        scaffold_challenge("counter", module="counter", title="Again")
    with pytest.raises(ChallengeError, match="not a challenge id"):
        scaffold_challenge("Counter Two", module="counter", title="Bad")


DRIVER = '''
    """The grader's instrumented driver: counts connections, can sleep to widen races."""
    import threading
    import time

    opened = 0
    delay = 0.0
    _lock = threading.Lock()


    def connect():
        global opened
        time.sleep(delay)
        with _lock:
            opened += 1
        return object()
'''

REFERENCE = '''
    import atexit
    import threading

    import driver

    _lock = threading.Lock()
    _connection = None


    def get_connection():
        """One connection for the process, opened on first use."""
        global _connection
        with _lock:
            if _connection is None:
                _connection = driver.connect()
        return _connection


    @atexit.register
    def _goodbye():
        print("closed" if _connection is not None else "never opened")
'''


def complete_the_challenge(home: Path) -> None:
    """What an author does after `grade new`, following docs/authoring.md."""
    root = home / "challenges" / "counter"
    write(root / "challenge.toml", '''
        schema = 1
        title = "One Connection"
        difficulty = "beginner"
        module = "counter"
        hints = ["Check and create under one lock."]

        [limits]
        wall_seconds = 60
        test_seconds = 10

        [stress]
        threads = 8
        rounds = 10

        [sandbox]
        allow = ["fresh-interpreter"]

        [[groups]]
        id = "basics"
        title = "One connection, opened once"
        points = 6

        [[groups]]
        id = "exit"
        title = "Closed at exit"
        points = 4
    ''')
    write(root / "README.md", '''
        # One Connection

        `counter.py` provides `get_connection()`: **One connection, opened once** with
        `driver.connect()`, however many threads call it at once. **Closed at exit**: at
        interpreter exit it prints `closed` if a connection was opened.
    ''')
    (root / "tests" / "test_basics.py").unlink()
    write(root / "support" / "driver.py", DRIVER)
    write(root / "tests" / "test_basics.py", '''
        def test_threads_released_together_open_one_connection(fresh_submission, stress):
            import driver
            driver.delay = 0.002
            for round_index in range(stress.rounds):
                module = fresh_submission()
                before = driver.opened
                got = stress.run(lambda _: module.get_connection())
                assert len({id(c) for c in got}) == 1, f"round {round_index}: several connections"
                assert driver.opened - before == 1, f"round {round_index}: connect() called twice"
    ''')
    write(root / "tests" / "test_exit.py", '''
        def test_exit_reports_a_closed_connection(fresh_interpreter):
            run = fresh_interpreter.run("import counter; counter.get_connection()")
            assert run.returncode == 0, run.stderr
            assert run.stdout.strip() == "closed", "at exit, counter.py should print 'closed'"
    ''')
    write(home / "starter" / "counter" / "counter.py", '''
        import driver


        def get_connection():
            """One connection for the process. TODO: make it safe from many threads."""
            return driver.connect()
    ''')
    write(home / "solutions" / "counter" / "reference" / "counter.py", REFERENCE)
    mutant = home / "solutions" / "counter" / "mutants" / "no-lock"
    write(mutant / "counter.py", REFERENCE.replace("with _lock:\n            if", "if"))
    write(mutant / "mutant.toml", '''
        bug = "checks for a connection and opens one with no lock"
        loses = ["basics"]
    ''')
    silent = home / "solutions" / "counter" / "mutants" / "silent-exit"
    write(silent / "counter.py", REFERENCE.replace('print("closed"', 'print("open"'))
    write(silent / "mutant.toml", '''
        bug = "says the connection is still open at exit"
        loses = ["exit"]
    ''')


def test_a_challenge_completed_as_documented_verifies_and_grades(empty_home, runtime):
    scaffold_challenge("counter", module="counter", title="A Shared Counter")
    complete_the_challenge(empty_home)
    challenge = load_challenge("counter")
    assert challenge.allow == ("fresh-interpreter",)

    verification = verify_challenge(challenge, runtime, runs=1, jobs=2)

    assert not failed_checks(verification)
    assert verification.ok, [(v.solution.name, v.cells) for v in verification.verdicts]

    started = start_challenge(challenge, empty_home / "started")
    assert {path.name for path in started} == {"counter.py", "driver.py"}, "the support file comes too"
    assert (empty_home / "started" / "driver.py").read_text() == textwrap.dedent(DRIVER).lstrip()

    student = empty_home / "student"
    write(student / "counter.py", REFERENCE)
    write(student / "driver.py", "def connect():\n    return 'my own fake'\n")
    result = grade_submission(submission=student, challenge=challenge, runtime=runtime)
    assert result.score == result.max_score
    assert any(note.startswith("driver.py: the challenge supplies this file") for note in result.notes)
