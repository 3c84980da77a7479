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
    PackageURLError,
    WorkflowExists,
    package_url,
    write_workflow,
)

GRADE = Path(sys.executable).parent / "grade"
PACKAGE = "https://github.com/example/course/releases/download/fall25/grade-0.1.0-py3-none-any.whl"


def steps_of(workflow: Path) -> list[dict]:
    (job,) = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].values()
    return job["steps"]


def test_the_workflow_sets_up_free_threaded_python_installs_the_grader_and_grades(tiny_home, tmp_path):
    done = CliRunner().invoke(app, ["ci", "init", str(tmp_path), "--challenge", "tiny", "--package", PACKAGE])
    assert done.exit_code == 0, done.output
    workflow = tmp_path / WORKFLOW
    document = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert document["env"]["GRADE_PACKAGE"] == PACKAGE
    steps = steps_of(workflow)
    pythons = [step["with"]["python-version"] for step in steps if step.get("uses", "").startswith("actions/setup-python@")]
    assert pythons == ["3.13t", "3.13"]
    install = next(step["run"] for step in steps if step.get("name") == "Install the grader")
    assert install.split() == ["python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", '"$GRADE_PACKAGE"']
    command = steps[-1]["run"].split()
    assert command[:3] == ["grade", "submit", "."]
    assert {"--format", "github", "--require-free-threading", "--challenge", "tiny"} <= set(command)
    assert "${{ steps.free-threaded.outputs.python-path }}" in steps[-1]["run"]


def test_the_challenge_comes_from_a_folder_started_with_grade_start(tiny_home, tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["start", "tiny", str(tmp_path / "work")]).exit_code == 0
    done = runner.invoke(app, ["ci", "init", str(tmp_path / "work"), "--package", PACKAGE])
    assert done.exit_code == 0, done.output
    assert "--challenge tiny" in steps_of(tmp_path / "work" / WORKFLOW)[-1]["run"]


def test_an_existing_workflow_is_kept_unless_forced(tmp_path):
    write_workflow(tmp_path, challenge_id="tiny", package=PACKAGE)
    (tmp_path / WORKFLOW).write_text("mine\n", encoding="utf-8")
    with pytest.raises(WorkflowExists, match="--force"):
        write_workflow(tmp_path, challenge_id="tiny", package=PACKAGE)
    assert (tmp_path / WORKFLOW).read_text(encoding="utf-8") == "mine\n"
    write_workflow(tmp_path, challenge_id="tiny", package=PACKAGE, force=True)
    assert "grade submit" in (tmp_path / WORKFLOW).read_text(encoding="utf-8")


def test_the_refusal_is_one_line_and_exit_code_two(tiny_home, tmp_path):
    write_workflow(tmp_path, challenge_id="tiny", package=PACKAGE)
    done = subprocess.run(
        [str(GRADE), "ci", "init", str(tmp_path), "-c", "tiny", "--package", PACKAGE],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"grade: {tmp_path / WORKFLOW} already exists: pass --force to overwrite it"]


def test_the_workflow_uses_the_actions_that_run_on_node_24(tmp_path):
    write_workflow(tmp_path, challenge_id="tiny", package=PACKAGE)
    used = {step["uses"].split("@")[0]: step["uses"].split("@")[1] for step in steps_of(tmp_path / WORKFLOW) if "uses" in step}
    assert used == {"actions/checkout": "v6", "actions/setup-python": "v6"}


def test_the_workflow_never_names_a_checkout_of_the_grader(tmp_path):
    text = write_workflow(tmp_path, challenge_id="tiny", package=PACKAGE).read_text(encoding="utf-8")
    commands = "\n".join(step.get("run", "") for step in steps_of(tmp_path / WORKFLOW))
    assert "git" not in commands.split() and "clone" not in commands and "GRADE_HOME" not in text


@pytest.mark.parametrize("url", [
    "https://user:secret@example.org/grade-0.1.0-py3-none-any.whl",
    "https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/org/course/raw/main/grade-0.1.0-py3-none-any.whl",
    "https://oauth2@gitlab.example.org/grade-0.1.0-py3-none-any.whl",
    "https://example.org/grade-0.1.0-py3-none-any.whl?token=abc",
    "https://bucket.s3.amazonaws.com/grade-0.1.0-py3-none-any.whl?X-Amz-Signature=abc&X-Amz-Credential=def",
    "https://example.org/dl/github_pat_11ABCDEFG0123456789_abcdefghij/grade-0.1.0-py3-none-any.whl",
])
def test_a_package_url_with_credentials_is_refused(url):
    with pytest.raises(PackageURLError, match="credentials|token") as refused:
        package_url(url)
    assert "\n" not in str(refused.value) and "secret" not in str(refused.value) and "abc" not in str(refused.value)


@pytest.mark.parametrize("url", [
    "http://example.org/grade-0.1.0-py3-none-any.whl",
    "https://github.com/example/grade.git",
    "git@github.com:example/grade.git",
    "/home/me/dist/grade-0.1.0-py3-none-any.whl",
    "grade==0.1.0",
])
def test_anything_but_the_https_url_of_a_wheel_is_refused(url):
    with pytest.raises(PackageURLError, match="https URL of the wheel"):
        package_url(url)


def test_a_wheel_url_without_credentials_is_taken_as_it_is():
    pinned = PACKAGE + "#sha256=" + "0" * 64
    assert package_url(PACKAGE) == PACKAGE and package_url(pinned) == pinned


def test_the_refusal_of_credentials_is_one_line_and_writes_nothing(tiny_home, tmp_path):
    done = subprocess.run(
        [str(GRADE), "ci", "init", str(tmp_path), "-c", "tiny", "--package",
         "https://me:hunter2@example.org/grade-0.1.0-py3-none-any.whl"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("grade: --package: the URL carries credentials") and "hunter2" not in line
    assert not (tmp_path / WORKFLOW).exists()


def test_ci_init_without_a_package_says_what_to_pass(tiny_home, tmp_path):
    done = subprocess.run(
        [str(GRADE), "ci", "init", str(tmp_path), "-c", "tiny"], capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "grade: pass --package URL: the https URL where you published the wheel `grade dist` built "
        "(CI installs the grader from it, never from a checkout with the solutions)"
    ]
