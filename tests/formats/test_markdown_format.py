"""The Markdown scorecard (job summaries, Gradescope's overall output) is pinned by a golden file.

Regenerate it only when a change to the scorecard is intended:
    GRADE_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/formats/test_markdown_format.py
"""

import os
from pathlib import Path

from format_results import build, failing, hostile, passing

from grader.report.markdown import code_span, escape_inline, fenced, render_markdown

GOLDEN = Path(__file__).parent / "golden"


def matches_golden(name: str, text: str) -> bool:
    path = GOLDEN / name
    if os.environ.get("GRADE_REGENERATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    return text == path.read_text(encoding="utf-8")


def test_the_markdown_scorecard_of_a_failing_run_matches_its_golden_file(tiny):
    assert matches_golden("scorecard-failing.md", render_markdown(failing(tiny)))


def test_the_markdown_scorecard_of_a_full_marks_run_matches_its_golden_file(tiny):
    assert matches_golden("scorecard-full-marks.md", render_markdown(passing(tiny)))


def test_the_markdown_scorecard_of_a_hostile_run_matches_its_golden_file(tiny):
    assert matches_golden("scorecard-hostile.md", render_markdown(hostile(tiny)))


def test_every_failure_is_listed_with_its_message(tiny):
    text = render_markdown(failing(tiny))
    for test in failing(tiny).tests:
        if test.message:
            assert test.message in text


def test_student_text_cannot_close_its_code_block():
    text = "a\n```\n# not a heading\n````"
    block = fenced(text)
    fence = block.splitlines()[0].removesuffix("text")
    assert len(fence) == 5 and block.endswith("\n" + fence)


def test_inline_text_cannot_add_markup_or_table_cells():
    assert escape_inline("<b>x</b> | [y](z)\n*w*") == r"\<b\>x\</b\> \| \[y\]\(z\) \*w\*"
    assert code_span("a`b|c") == "``a`b\\|c``"


def test_the_program_output_is_cut_with_a_visible_note(tiny):
    result = build(tiny, output="".join(f"line {n}\n" for n in range(1000)))
    text = render_markdown(result)
    assert "line 199" in text and "line 200\n" not in text
    assert "(output cut: the full output is in the log)" in text
