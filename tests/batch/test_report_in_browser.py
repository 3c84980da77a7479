"""The instructor's report opened in a real headless Chromium (Debian's `chromium`, which
`make test` installs): its plots render, its script runs under its own Content-Security-Policy,
and a student's name cannot inject markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser import chromium, needs_chromium, png_size
from classroom import REFERENCE, add_folder, add_zip, submission
from fixture_paths import TINY_HOME
from grader.batch.plan import plan_batch
from grader.batch.scheduler import grade_batch
from grader.catalog import load_challenge

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
pytestmark = needs_chromium


@pytest.fixture(scope="module")
def report(tmp_path_factory, runtime) -> Path:
    tmp_path = tmp_path_factory.mktemp("report")
    root = tmp_path / "class"
    root.mkdir()
    add_folder(root, "ada", REFERENCE)
    add_zip(root, "linus", submission("unlocked"))
    add_folder(root, "ken", submission("syntax-error"))
    add_folder(root, HOSTILE_NAME, REFERENCE)
    (root / "oscar.zip").write_bytes(b"not a zip")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADE_HOME", str(TINY_HOME))
        tiny = load_challenge("tiny")
        plan = plan_batch(root, module_file=tiny.submission_file)
        grade_batch(plan=plan, challenge=tiny, runtime=runtime, out=tmp_path / "out", jobs=2)
    return tmp_path / "out" / "report.html"


def test_the_report_renders_its_plots_and_runs_its_script_in_chromium(report, tmp_path):
    done = chromium(report, tmp_path / "profile", "--dump-dom")
    dom = done.stdout
    assert '<html lang="en" data-ready="true">' in dom, done.stderr[-2000:]
    charts = dict(re.findall(r'<svg class="chart" data-chart="(\w+)".*?>(.*?)</svg>', dom, re.DOTALL))
    assert set(charts) == {"scores", "times", "tests"}
    assert charts["scores"].count('class="bar"') == 11        # one column per point, 0 to 10
    assert charts["tests"].count('class="bar"') == 5          # one bar per test of the tiny suite
    assert "test_concurrent_adds_lose_nothing" in charts["tests"]
    assert charts["times"].count('class="bar"') >= 2
    assert "<img" not in dom and "&lt;img src=x onerror=alert(1)&gt;" in dom


def test_a_screenshot_of_the_report_is_a_full_page(report, tmp_path):
    shot = report.parent / "report.png"
    done = chromium(report, tmp_path / "profile", f"--screenshot={shot}")
    assert shot.is_file(), done.stderr[-2000:]
    assert png_size(shot) == (1200, 1600)
    assert shot.stat().st_size > 20_000  # drawn, not a blank page
