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
from answer_key import answer_key_leaks, home_with_an_answer_key
from typer.testing import CliRunner

from fixture_paths import REPO
from grader.catalog import list_challenges, load_challenge
from grader.cli.main import app
from grader.integrations.gradescope import build_gradescope_bundle

GRADE = Path(sys.executable).parent / "grade"
SUBMISSIONS = Path(__file__).resolve().parent.parent / "fixtures" / "submissions"


@pytest.fixture
def bundle(tiny, tmp_path: Path) -> Path:
    return build_gradescope_bundle(tiny, tmp_path / "autograder.zip")


@pytest.fixture
def autograder_root(bundle: Path, tmp_path: Path) -> Path:
    return lay_out(bundle, tmp_path / "autograder")


def lay_out(bundle: Path, root: Path) -> Path:
    """What Gradescope lays out: the zip in source/, the submission in submission/."""
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


def test_the_bundle_holds_none_of_the_answer_key(tmp_path, monkeypatch):
    home = home_with_an_answer_key(tmp_path / "home")
    monkeypatch.setenv("GRADE_HOME", str(home))
    bundle = build_gradescope_bundle(load_challenge("tiny"), tmp_path / "autograder.zip")
    assert answer_key_leaks(bundle, home) == []


def test_no_challenge_here_sends_its_answer_key_to_gradescope(tmp_path, monkeypatch):
    monkeypatch.delenv("GRADE_HOME", raising=False)
    for challenge in list_challenges():
        bundle = build_gradescope_bundle(challenge, tmp_path / f"{challenge.id}.zip")
        assert answer_key_leaks(bundle, REPO) == [], challenge.id


def test_both_scripts_are_valid_bash(autograder_root):
    for name in ("setup.sh", "run_autograder"):
        done = subprocess.run(
            ["bash", "-n", str(autograder_root / "source" / name)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_both_scripts_pass_shellcheck(autograder_root):
    for name in ("setup.sh", "run_autograder"):
        done = subprocess.run(
            ["shellcheck", "--severity=warning", str(autograder_root / "source" / name)],
            capture_output=True, text=True, check=False,
        )
        assert done.returncode == 0, done.stdout


def run_setup_without_internet(root: Path, system: str) -> subprocess.CompletedProcess[str]:
    """setup.sh on a machine whose downloads all fail: apt installs nothing new, no PPA, and a
    python3 that can neither make a venv nor run the grader (Ubuntu 22.04's 3.10, offline)."""
    shims = root.parent / "shims"
    shims.mkdir()
    log = root.parent / "commands.log"
    for name, body in {
        "apt-get": 'case "$*" in *python3.13*) exit 100 ;; esac; exit 0',
        "add-apt-repository": "exit 1",
        "python3": "exit 1",
    }.items():
        (shims / name).write_text(f'#!/bin/bash\necho "{name} $*" >> {log}\n{body}\n')
        (shims / name).chmod(0o755)
    # The source build stands in for the real one (minutes, and root's apt sources).
    (root / "source/grade/grader/provision/build-cpython.sh").write_text(f'echo "build-cpython $*" >> {log}\nexit 1\n')
    os_release = root.parent / "os-release"
    os_release.write_text(f"NAME={system.capitalize()}\nID={system}\n")
    env = {"PATH": f"{shims}:/usr/bin:/bin", "GRADE_AUTOGRADER_ROOT": str(root), "GRADE_OS_RELEASE": str(os_release)}
    return subprocess.run(
        ["bash", str(root / "source" / "setup.sh")], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_setup_on_ubuntu_without_a_free_threaded_python_stops_with_one_line_and_builds_nothing(autograder_root):
    done = run_setup_without_internet(autograder_root, "ubuntu")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith(
        "setup.sh: no free-threaded CPython 3.13: uv's download and the deadsnakes PPA both failed (see above); "
        "pick the Ubuntu 22.04 or 24.04 base image"
    )
    commands = (autograder_root.parent / "commands.log").read_text()
    assert "add-apt-repository -y ppa:deadsnakes/ppa" in commands and "build-cpython" not in commands


def test_setup_on_debian_builds_from_debians_source_and_says_so_when_that_fails(autograder_root):
    done = run_setup_without_internet(autograder_root, "debian")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "setup.sh: building CPython 3.13 from Debian's source package failed (see above)"
    )
    commands = (autograder_root.parent / "commands.log").read_text()
    assert "add-apt-repository" not in commands and "build-cpython" in commands


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
    assert results["visibility"] == "visible" and results["stdout_visibility"] == "hidden"


def test_the_results_left_when_the_grader_cannot_run_keep_the_bundles_visibility(tiny, tmp_path):
    bundle = build_gradescope_bundle(tiny, tmp_path / "autograder.zip", visibility="after_due_date")
    root = lay_out(bundle, tmp_path / "autograder")
    (root / "submission").mkdir()
    assert run_autograder(root, grade_bin=Path("/bin/false")).returncode == 0
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["visibility"] == "after_due_date" and results["score"] == 0


def test_the_command_writes_the_zip_with_the_chosen_visibility(tiny_home, tmp_path):
    target = tmp_path / "out" / "autograder.zip"
    done = CliRunner().invoke(app, ["gradescope-bundle", "tiny", "-o", str(target), "--visibility", "after_due_date"])
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(target) as archive:
        script = archive.read("run_autograder").decode()
    assert "challenge=tiny\n" in script and "module=tally.py\n" in script and "visibility=after_due_date\n" in script
