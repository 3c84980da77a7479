"""The similarity page opened in a real headless Chromium: the pairs and their marked regions
render, and no student-supplied text (a name, a path, the code) becomes markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser import chromium, needs_chromium, png_size
from grader.batch.plan import plan_batch
from grader.catalog import load_challenge
from grader.report.similarity import Source, compare_sources, given_code, read_sources
from grader.report.similarity_page import write_page
from similarity_class import add_module, build_class, copy_of, run_similarity

pytestmark = needs_chromium
SCRIPT_NAME = "<script>alert(1)</script>"
IMG_NAME = "<img src=x onerror=alert(1)>"
# Copied code that tries to close the page's elements or open a comment that hides the rest.
HOSTILE_CODE = '''

CLOSE = "</pre></script><script>alert(2)</script>"  # <!-- swallow what follows
AFTER = "still shown after the comment"  # -->
'''


def dom_of(page: Path, profile: Path) -> str:
    done = chromium(page, profile, "--dump-dom")
    assert "</html>" in done.stdout, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def command_page(tmp_path_factory) -> Path:
    """`grade similarity` on a class where a copy of ada's file sits in a folder named as markup."""
    tmp = tmp_path_factory.mktemp("similarity-page")
    root = build_class(tmp / "class")
    add_module(root, IMG_NAME, copy_of("ada") + HOSTILE_CODE, nested="<i>lab")
    done = run_similarity(str(root), "-c", "backend-patterns", "-o", str(tmp / "out"))
    assert done.returncode == 0, done.stderr
    return tmp / "out" / "similarity.html"


def test_the_page_lists_the_pairs_and_marks_their_regions_in_chromium(command_page, tmp_path):
    dom = dom_of(command_page, tmp_path / "profile")
    sections = re.findall(r'<section class="pair" id="pair-(\d+)">(.*?)</section>', dom, re.DOTALL)
    # ada, bob and the copy in the markup-named folder: three pairs, each side with marks.
    assert [number for number, _ in sections] == ["1", "2", "3"]
    for _, body in sections:
        assert body.count("<pre>") == 2 and body.count("<mark>") >= 4
    rows = re.search(r'<section id="pairs">(.*?)</section>', dom, re.DOTALL)
    assert rows is not None and rows.group(1).count('href="#pair-') == 3


def test_names_paths_and_code_from_the_command_stay_text(command_page, tmp_path):
    dom = dom_of(command_page, tmp_path / "profile")
    assert "<img" not in dom and "<script" not in dom and "<i>" not in dom
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom
    assert "&lt;i&gt;lab/patterns.py" in dom
    assert "&lt;/pre&gt;&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in dom
    assert "still shown after the comment" in dom  # the code's <!-- opened no comment
    assert "http://" not in command_page.read_text() and "https://" not in command_page.read_text()


def test_a_student_named_as_a_script_is_shown_as_text(tmp_path):
    challenge = load_challenge("backend-patterns")
    root = build_class(tmp_path / "class")
    sources, _ = read_sources(plan_batch(root, module_file=challenge.submission_file), module_file="patterns.py")
    hostile = Source(student=SCRIPT_NAME, slug="script", path="</script>.py", code=copy_of("bob") + HOSTILE_CODE)
    found = compare_sources((*sources, hostile), challenge=challenge, given=given_code(challenge))
    assert any(SCRIPT_NAME in (pair.first.source.student, pair.second.source.student) for pair in found.pairs)
    page = tmp_path / "similarity.html"
    with page.open("w", encoding="utf-8") as stream:
        write_page(found, stream)
    dom = dom_of(page, tmp_path / "profile")
    assert "<script" not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom and "&lt;/script&gt;.py" in dom
    assert "still shown after the comment" in dom


def test_a_screenshot_of_the_page_is_drawn(command_page, tmp_path):
    shot = tmp_path / "similarity.png"
    done = chromium(command_page, tmp_path / "profile", f"--screenshot={shot}")
    assert shot.is_file(), done.stderr[-2000:]
    assert png_size(shot) == (1200, 1600)
    assert shot.stat().st_size > 20_000  # drawn, not a blank page
