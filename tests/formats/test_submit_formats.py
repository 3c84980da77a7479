"""`grade submit` with the formats, through the installed command on the tiny challenge:
--output, the job summary, exit codes (CI goes red below full marks unless --report-only), and
what it writes valid against each format's schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from format_results import EXERCISM_SCHEMA, GRADESCOPE_SCHEMA, RESULT_SCHEMA, assert_valid_json, assert_valid_junit
from junitparser import JUnitXml

GRADE = Path(sys.executable).parent / "grade"
TINY_HOME = Path(__file__).resolve().parent.parent / "fixtures" / "home"
SUBMISSIONS = TINY_HOME.parent / "submissions"
CRASHES_ON_LINE_20 = """\
import threading


class Tally:
    def __init__(self) -> None:
        self._total = 0
        self._lock = threading.Lock()

    def add(self, n: int) -> int:
        with self._lock:
            self._total += n
            return self._total


def hang() -> None:
    pass


def crash() -> None:
    raise ZeroDivisionError("nothing to divide")
"""


def grade(*args: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(GRADE), *args], check=False, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


@pytest.fixture
def grade_env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    return {**env, "GRADE_HOME": str(TINY_HOME), "XDG_STATE_HOME": str(tmp_path / "state")}


def test_output_writes_the_format_to_a_file_and_the_terminal_gets_the_scorecard(tmp_path, grade_env):
    report = tmp_path / "reports" / "junit.xml"
    done = grade("submit", str(SUBMISSIONS / "unlocked"), "-c", "tiny", "--format", "junit", "-o", str(report),
                 env=grade_env)
    assert done.returncode == 1, done.stderr
    assert "Total: 7/10" in done.stdout and "<testsuite" not in done.stdout
    assert_valid_junit(report.read_text(encoding="utf-8"))
    (suite,) = JUnitXml.fromfile(str(report))
    failed = [case.name for case in suite if case.result]
    assert failed == ["test_concurrent_adds_lose_nothing"]


def test_report_only_exits_zero_below_full_marks(grade_env):
    done = grade("submit", str(SUBMISSIONS / "unlocked"), "-c", "tiny", "--format", "gradescope", "--report-only",
                 env=grade_env)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert_valid_json(data, GRADESCOPE_SCHEMA)
    assert data["score"] == 7.0 and data["tests"]


def test_full_marks_exits_zero_and_a_usage_error_still_exits_two(grade_env):
    reference = TINY_HOME / "solutions" / "tiny" / "reference"
    full_marks = grade("submit", str(reference), "-c", "tiny", "--format", "junit", env=grade_env)
    assert full_marks.returncode == 0
    assert_valid_junit(full_marks.stdout)
    missing = grade("submit", "no-such-folder", "-c", "tiny", "--report-only", env=grade_env)
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr


def test_a_module_that_does_not_import_is_an_exercism_error(grade_env):
    done = grade("submit", str(SUBMISSIONS / "syntax-error"), "-c", "tiny", "--format", "exercism", env=grade_env)
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert_valid_json(data, EXERCISM_SCHEMA)
    assert data["status"] == "error" and "SyntaxError at line 3" in data["message"]


def test_json_output_validates_against_the_shipped_schema_and_names_the_import_error(grade_env):
    done = grade("submit", str(SUBMISSIONS / "syntax-error"), "-c", "tiny", "--format", "json", env=grade_env)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert_valid_json(data, RESULT_SCHEMA)
    assert data["import_error"] == "tally.py: SyntaxError at line 3: invalid syntax"


def test_github_format_annotates_the_log_and_appends_the_job_summary(tmp_path, grade_env):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    workspace = tmp_path / "repo"
    (workspace / "solution").mkdir(parents=True)
    (workspace / "solution" / "tally.py").write_text(CRASHES_ON_LINE_20, encoding="utf-8")
    env = {**grade_env, "GITHUB_STEP_SUMMARY": str(summary)}
    done = grade("submit", "solution", "-c", "tiny", "--format", "github", env=env, cwd=workspace)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("::stop-commands::")
    assert any(line.startswith("::notice title=grade tiny::") for line in lines)
    (crash,) = [line for line in lines if line.startswith("::error ")]
    assert crash.startswith("::error file=solution/tally.py,line=20,title=basics › test_crash_returns%3A failed::")
    assert "ZeroDivisionError: nothing to divide" in crash
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### ❌ Tiny Tally (`tiny`)")
    assert "#### What to fix" in text


def test_grade_timings_says_where_the_command_spent_its_time(tmp_path, grade_env):
    timings = tmp_path / "timings.json"
    reference = TINY_HOME / "solutions" / "tiny" / "reference"
    done = grade("submit", str(reference), "-c", "tiny", "--format", "json", env={**grade_env, "GRADE_TIMINGS": str(timings)})
    assert done.returncode == 0, done.stderr
    assert "stages" not in json.loads(done.stdout)  # the JSON stays as it was
    recorded = json.loads(timings.read_text())
    marks = list(recorded["marks"].items())
    assert [name for name, _ in marks] == ["command", "challenge", "runtime", "graded", "recorded", "rendered"]
    assert [at for _, at in marks] == sorted(at for _, at in marks)
    in_order = [name for name, _, parallel in recorded["stages"] if not parallel]
    assert in_order[:9] == [
        "workspace", "collection", "child spawn", "sandbox and interpreter start", "child imports pytest",
        "child collects the suite", "child imports the submission", "tests", "child exit",
    ]
    assert [name for name, _, parallel in recorded["stages"] if parallel] == ["static checks"]
    assert all(seconds >= 0 for _, seconds, _ in recorded["stages"])
