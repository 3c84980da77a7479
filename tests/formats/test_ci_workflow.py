"""`grade ci init`: the GitHub Actions workflow it writes into a student's repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from grader.cli.main import app
from grader.integrations.github import (
    WORKFLOW,
    WorkflowExists,
    public_url,
    write_workflow,
)

GRADE = Path(sys.executable).parent / "grade"
GRADER_REPO = "https://github.com/example/grade.git"


def steps_of(workflow: Path) -> list[dict]:
    (job,) = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].values()
    return job["steps"]


def test_the_workflow_sets_up_free_threaded_python_installs_the_grader_and_grades(tiny_home, tmp_path):
    done = CliRunner().invoke(app, ["ci", "init", str(tmp_path), "--challenge", "tiny", "--grader-repo", GRADER_REPO])
    assert done.exit_code == 0, done.output
    workflow = tmp_path / WORKFLOW
    document = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert document["env"]["GRADE_REPOSITORY"] == GRADER_REPO
    steps = steps_of(workflow)
    pythons = [step["with"]["python-version"] for step in steps if step.get("uses", "").startswith("actions/setup-python@")]
    assert pythons == ["3.13t", "3.13"]
    install = next(step["run"] for step in steps if step.get("name") == "Install the grader")
    assert "pip install" in install and "GRADE_HOME=" in install
    command = steps[-1]["run"].split()
    assert command[:3] == ["grade", "submit", "."]
    assert {"--format", "github", "--require-free-threading", "--challenge", "tiny"} <= set(command)
    assert "${{ steps.free-threaded.outputs.python-path }}" in steps[-1]["run"]


def test_the_challenge_comes_from_a_folder_started_with_grade_start(tiny_home, tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["start", "tiny", str(tmp_path / "work")]).exit_code == 0
    done = runner.invoke(app, ["ci", "init", str(tmp_path / "work"), "--grader-repo", GRADER_REPO])
    assert done.exit_code == 0, done.output
    assert "--challenge tiny" in steps_of(tmp_path / "work" / WORKFLOW)[-1]["run"]


def test_an_existing_workflow_is_kept_unless_forced(tmp_path):
    write_workflow(tmp_path, challenge_id="tiny", repository=GRADER_REPO)
    (tmp_path / WORKFLOW).write_text("mine\n", encoding="utf-8")
    with pytest.raises(WorkflowExists, match="--force"):
        write_workflow(tmp_path, challenge_id="tiny", repository=GRADER_REPO)
    assert (tmp_path / WORKFLOW).read_text(encoding="utf-8") == "mine\n"
    write_workflow(tmp_path, challenge_id="tiny", repository=GRADER_REPO, force=True)
    assert "grade submit" in (tmp_path / WORKFLOW).read_text(encoding="utf-8")


def test_the_refusal_is_one_line_and_exit_code_two(tiny_home, tmp_path):
    write_workflow(tmp_path, challenge_id="tiny", repository=GRADER_REPO)
    done = subprocess.run(
        [str(GRADE), "ci", "init", str(tmp_path), "-c", "tiny", "--grader-repo", GRADER_REPO],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"grade: {tmp_path / WORKFLOW} already exists: pass --force to overwrite it"]


def test_the_grader_remote_is_cloned_over_https_without_credentials():
    assert public_url("https://user:token@github.com/org/grade.git") == "https://github.com/org/grade.git"
    assert public_url("git@github.com:org/grade.git") == "https://github.com/org/grade.git"
    assert public_url("ssh://git@example.org/org/grade") == "https://example.org/org/grade"
    assert public_url("/home/me/grade") is None
