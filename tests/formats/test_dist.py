"""`grade dist`: the wheel students' CI installs. It holds the grader, the challenges and their
starters, and never the answer key; installed into a fresh venv it finds its challenges
without a checkout, and grades."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from answer_key import answer_key_leaks, home_with_an_answer_key
from typer.testing import CliRunner

from fixture_paths import REPO
from grader.catalog import list_challenges
from grader.cli.main import app
from grader.dist import DistError, build_distribution


@pytest.fixture
def wheel(tiny, tmp_path: Path) -> Path:
    return build_distribution(challenges=[tiny], output_dir=tmp_path / "dist").path


@pytest.fixture
def installed(wheel: Path, tmp_path: Path) -> Path:
    """A fresh venv with the wheel installed by pip. Its dependencies are not downloaded: a
    path file lends it the grader venv's site-packages, after its own (whose `grader` wins)."""
    venv = tmp_path / "student-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index",
         "--disable-pip-version-check", str(wheel)],
        check=True, timeout=120,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    (Path(purelib) / "grade-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def run_installed(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "GRADE_HOME"}
    env.update(XDG_STATE_HOME=str(cwd / "state"), COLUMNS="120")
    return subprocess.run(
        [str(venv / "bin" / "grade"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False
    )


def test_the_wheel_holds_the_grader_the_challenge_and_its_starter(wheel):
    assert wheel.name == "grade-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read("grade-0.1.0.dist-info/METADATA").decode()
        scripts = archive.read("grade-0.1.0.dist-info/entry_points.txt").decode()
        record = archive.read("grade-0.1.0.dist-info/RECORD").decode().splitlines()
        contents = {name: archive.read(name) for name in names}
    assert {
        "grader/cli/main.py", "grader/child/grade_child/__main__.py", "grader/provision/build-cpython.sh",
        "grader/integrations/templates/run_autograder", "grader/home/challenges/tiny/challenge.toml",
        "grader/home/challenges/tiny/README.md", "grader/home/challenges/tiny/tests/test_threads.py",
        "grader/home/challenges/tiny/static/add_takes_int.py", "grader/home/starter/tiny/tally.py",
    } <= names
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    assert "Name: grade\n" in metadata and "Requires-Python: >=3.11" in metadata
    assert "Requires-Dist: typer" in metadata and "extra ==" not in metadata
    assert "grade = grader.cli.main:run" in scripts
    # RECORD lists every other file with its size and sha256, as pip checks it.
    listed = {line.split(",")[0]: line.split(",")[1:] for line in record}
    assert set(listed) == names
    for name, (digest, size) in ((n, v) for n, v in listed.items() if not n.endswith("RECORD")):
        expected = base64.urlsafe_b64encode(hashlib.sha256(contents[name]).digest()).rstrip(b"=").decode()
        assert (digest, int(size)) == (f"sha256={expected}", len(contents[name])), name


def test_the_wheel_holds_none_of_the_answer_key(tmp_path, monkeypatch):
    home = home_with_an_answer_key(tmp_path / "home")
    monkeypatch.setenv("GRADE_HOME", str(home))
    built = build_distribution(challenges=list_challenges(), output_dir=tmp_path / "dist")
    assert answer_key_leaks(built.path, home) == []


def test_the_wheel_of_every_challenge_here_holds_none_of_the_answer_key(tmp_path, monkeypatch):
    monkeypatch.delenv("GRADE_HOME", raising=False)
    challenges = list_challenges()
    built = build_distribution(challenges=challenges, output_dir=tmp_path)
    assert set(built.challenges) == {challenge.id for challenge in challenges}
    assert answer_key_leaks(built.path, REPO) == []
    with zipfile.ZipFile(built.path) as archive:
        names = archive.namelist()
    for challenge in challenges:
        assert f"grader/home/challenges/{challenge.id}/challenge.toml" in names
        assert any(name.startswith(f"grader/home/starter/{challenge.id}/") for name in names)


def test_the_same_challenges_give_the_same_bytes(tiny, tmp_path):
    first = build_distribution(challenges=[tiny], output_dir=tmp_path / "one").path.read_bytes()
    second = build_distribution(challenges=[tiny], output_dir=tmp_path / "two").path.read_bytes()
    assert first == second


def test_the_installed_wheel_lists_starts_and_grades_its_challenge_without_a_checkout(installed, tmp_path):
    imported = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import grader.catalog as c; print(c.__file__); print(c.project_root())"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
        env={key: value for key, value in os.environ.items() if key != "GRADE_HOME"},
    ).stdout.split()
    assert imported[0].startswith(str(installed)) and imported[1] == str(Path(imported[0]).parent / "home")

    listed = run_installed(installed, "list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "tiny" in listed.stdout and "Tiny Tally" in listed.stdout

    started = run_installed(installed, "start", "tiny", "work", cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    assert (tmp_path / "work" / "tally.py").is_file() and not (tmp_path / "work" / "tests").exists()

    graded = run_installed(installed, "submit", "work", "--format", "json", "--report-only", cwd=tmp_path)
    assert graded.returncode == 0, graded.stderr
    result = json.loads(graded.stdout)
    assert result["challenge"] == "tiny" and result["max_score"] == 10.0
    assert {group["id"] for group in result["groups"]} == {"basics", "threads", "typing"}

    for authoring in (("new", "my-own"), ("verify", "tiny")):
        refused = run_installed(installed, *authoring, cwd=tmp_path)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "holds no solutions" in refused.stderr


def test_the_command_packages_the_chosen_challenges_with_a_version(tiny_home, tmp_path):
    done = CliRunner().invoke(app, ["dist", "-c", "tiny", "-o", str(tmp_path), "--version", "0.1.0+fall25"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "grade-0.1.0+fall25-py3-none-any.whl").is_file()
    assert "no solutions" in done.output


def test_a_version_pip_would_not_accept_is_refused(tiny, tmp_path):
    with pytest.raises(DistError, match="PEP 440"):
        build_distribution(challenges=[tiny], output_dir=tmp_path, version="fall 2025")


def test_an_unknown_challenge_is_refused_before_anything_is_written(tiny_home, tmp_path):
    done = CliRunner().invoke(app, ["dist", "-c", "tiny", "-c", "no-such", "-o", str(tmp_path / "out")])
    assert done.exit_code != 0
    assert not (tmp_path / "out").exists()


def test_a_challenge_is_packaged_once_however_often_it_is_named(tiny_home, tmp_path):
    done = CliRunner().invoke(app, ["dist", "-c", "tiny", "-c", "tiny", "-o", str(tmp_path)])
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(tmp_path / "grade-0.1.0-py3-none-any.whl") as archive:
        names = archive.namelist()
        metadata = archive.read("grade-0.1.0.dist-info/METADATA").decode()
    assert len(names) == len(set(names))
    assert metadata.rstrip().endswith("(never the solutions): tiny.")


def test_a_challenge_without_starter_files_is_refused(tmp_path, monkeypatch):
    home = home_with_an_answer_key(tmp_path / "home")
    for path in (home / "starter" / "tiny").iterdir():
        path.unlink()
    monkeypatch.setenv("GRADE_HOME", str(home))
    with pytest.raises(DistError, match="no starter files"):
        build_distribution(challenges=list_challenges(), output_dir=tmp_path / "dist")


def test_the_check_finds_the_answer_key_under_any_name(tmp_path):
    home = home_with_an_answer_key(tmp_path / "home")
    archive = tmp_path / "leaky.zip"
    with zipfile.ZipFile(archive, "w") as leaky:
        leaky.writestr("grader/home/starter/tiny/tally.py", (home / "solutions/tiny/mutants/no-lock/tally.py").read_bytes())
        leaky.writestr("grader/home/solutions/tiny/notes.txt", "")
    assert [leak.split(":")[0] for leak in answer_key_leaks(archive, home)] == [
        "grader/home/starter/tiny/tally.py", "grader/home/solutions/tiny/notes.txt",
    ]
