"""The Gradescope autograder zip: its layout, and its run_autograder grading a submission in a
fake /autograder tree with this machine's grader."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli.main import app
from grader.integrations.gradescope import build_gradescope_bundle

GRADE = Path(sys.executable).parent / "grade"
SUBMISSIONS = Path(__file__).resolve().parent.parent / "fixtures" / "submissions"


@pytest.fixture
def bundle(tiny, tmp_path: Path) -> Path:
    return build_gradescope_bundle(tiny, tmp_path / "autograder.zip")


@pytest.fixture
def autograder_root(bundle: Path, tmp_path: Path) -> Path:
    """What Gradescope lays out: the zip in source/, the submission in submission/."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):
        (root / "source" / name).chmod(0o755)
    return root


def run_autograder(root: Path, grade_bin: Path = GRADE) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "GRADE_HOME"}
    env.update(GRADE_AUTOGRADER_ROOT=str(root), GRADE_BIN=str(grade_bin), XDG_STATE_HOME=str(root / "state"))
    return subprocess.run(
        [str(root / "source" / "run_autograder")], capture_output=True, text=True, env=env, timeout=180, check=False
    )


def test_the_zip_has_both_scripts_at_its_root_executable_and_the_challenge_without_solutions(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        modes = {info.filename: stat.S_IMODE(info.external_attr >> 16) for info in archive.infolist()}
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755
    assert {"grade/pyproject.toml", "grade/README.md", "grade/grader/cli/app.py",
            "grade/grader/provision/build-cpython.sh", "grade/grader/child/grade_child/__main__.py",
            "grade/challenges/tiny/challenge.toml", "grade/challenges/tiny/tests/test_threads.py"} <= names
    assert not any(name.startswith(("grade/solutions", "grade/starter", "grade/tests")) for name in names)
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)


def test_both_scripts_are_valid_bash(autograder_root):
    for name in ("setup.sh", "run_autograder"):
        done = subprocess.run(
            ["bash", "-n", str(autograder_root / "source" / name)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr


def test_run_autograder_grades_the_submission_and_writes_gradescope_results(autograder_root):
    nested = autograder_root / "submission" / "my-upload"
    nested.mkdir(parents=True)
    shutil.copy(SUBMISSIONS / "unlocked" / "tally.py", nested / "tally.py")
    done = run_autograder(autograder_root)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((autograder_root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 7.0
    assert results["visibility"] == "visible" and results["output_format"] == "md"
    failed = [test["name"] for test in results["tests"] if test["status"] == "failed"]
    assert failed == ["Counting from many threads · test_concurrent_adds_lose_nothing"]
    assert "Total: 7/10" in done.stdout  # the instructor's view of the run


def test_run_autograder_leaves_results_even_when_the_grader_cannot_run(autograder_root):
    (autograder_root / "submission").mkdir()
    done = run_autograder(autograder_root, grade_bin=Path("/bin/false"))
    assert done.returncode == 0
    results = json.loads((autograder_root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 0 and "could not grade this submission" in results["output"]


def test_the_command_writes_the_zip_with_the_chosen_visibility(tiny_home, tmp_path):
    target = tmp_path / "out" / "autograder.zip"
    done = CliRunner().invoke(app, ["gradescope-bundle", "tiny", "-o", str(target), "--visibility", "after_due_date"])
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(target) as archive:
        script = archive.read("run_autograder").decode()
    assert "challenge=tiny\n" in script and "module=tally.py\n" in script and "visibility=after_due_date\n" in script
