"""GitHub Actions output: every log line outside a stopped stretch is a well-formed workflow
command, escaped as the runner expects; what the submission wrote can issue none."""

import re

from format_results import build, failing, hostile

from grader.outcomes import Status, TestOutcome
from grader.report.github import (
    ERRORS_SHOWN_PER_STEP,
    escape_data,
    escape_property,
    render_github,
    render_step_summary,
    student_location,
)
from grader.report.markdown import render_markdown

STOP = re.compile(r"^::stop-commands::(?P<token>[0-9a-f]{32})$")
GROUP = re.compile(r"^::group::[^\r\n]+$")
ENDGROUP = re.compile(r"^::endgroup::$")
ESCAPED = r"(?:[^%\r\n]|%25|%0D|%0A)"
PROPERTY_VALUE = r"(?:[^%\r\n:,]|%25|%0D|%0A|%3A|%2C)+"
ANNOTATION = re.compile(
    rf"^::(?P<level>error|warning|notice)"
    rf"(?: (?P<properties>(?:file|line|title)={PROPERTY_VALUE}(?:,(?:file|line|title)={PROPERTY_VALUE})*))?"
    rf"::(?P<message>{ESCAPED}*)$"
)


def read_log(text: str) -> tuple[list[re.Match], list[str]]:
    """The annotations, and the lines shown as plain text; fails on any other command."""
    annotations, plain = [], []
    resume = None
    for line in text.split("\n")[:-1]:
        if resume is not None:
            if line == resume:
                resume = None
            else:
                plain.append(line)
            continue
        if stop := STOP.match(line):
            resume = f"::{stop['token']}::"
        elif annotation := ANNOTATION.match(line):
            annotations.append(annotation)
        else:
            assert GROUP.match(line) or ENDGROUP.match(line), f"not a well-formed command: {line!r}"
    assert resume is None, "commands were left stopped"
    return annotations, plain


def unescape(text: str) -> str:
    for escaped, raw in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def properties(annotation: re.Match) -> dict[str, str]:
    listed = annotation["properties"] or ""
    return {name: unescape(value) for name, value in (item.split("=", 1) for item in listed.split(",") if item)}


def test_every_line_outside_a_stopped_stretch_is_a_well_formed_command(tiny):
    annotations, plain = read_log(render_github(failing(tiny)))
    assert [a["level"] for a in annotations] == ["error"] * 4 + ["notice"]
    assert any("Total: 2/10" in line for line in plain)


def test_the_submissions_output_cannot_issue_workflow_commands(tiny):
    text = render_github(hostile(tiny))
    annotations, plain = read_log(text)
    assert "::error::owned" in plain and "::add-mask::secret" in plain and "::guess::" in plain
    assert all(unescape(a["message"]) != "owned" for a in annotations)
    # The token is made after the submission ran; it is never the same twice.
    tokens = {STOP.match(line)["token"] for line in text.split("\n") if STOP.match(line)}
    assert len(tokens) == 1
    assert tokens.isdisjoint({STOP.match(line)["token"] for line in render_github(hostile(tiny)).split("\n")
                              if STOP.match(line)})


def test_a_hostile_message_becomes_one_escaped_annotation(tiny):
    annotations, _ = read_log(render_github(hostile(tiny)))
    forged = next(a for a in annotations if "test_add_returns_the_running_total" in (a["properties"] or ""))
    assert forged.group(0).endswith("::::error::owned%0A%250A::warning::twice, 100%25 sure: yes%0Ahint: add() returns the new total")
    assert unescape(forged["message"]).startswith("::error::owned\n%0A::warning::twice, 100% sure: yes")


def test_escaping_follows_the_runner():
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a: b, c%\n") == "a%3A b%2C c%25%0A"


def test_control_characters_are_written_as_visible_escapes():
    assert escape_data("bell\x07 nul\x00 \x1b[31mred\x1b[0m del\x7f csi\x9b tab\tend") == (
        "bell\\x07 nul\\x00 \\x1b[31mred\\x1b[0m del\\x7f csi\\x9b tab\tend"
    )
    assert escape_property("a\x1b:b") == "a\\x1b%3Ab"


def test_an_annotation_carries_no_control_character_the_submission_printed(tiny):
    message = "tally.py:7: ValueError: \x1b]0;owned\x07\x1b[2J\x00 \x1b[31mred\x1b[0m"
    outcomes = (TestOutcome("test_basics.py::test_crash_returns", Status.ERROR, 0.0, message),)
    text = render_github(build(tiny, outcomes, ()))
    annotations, _ = read_log(text)
    (error,) = [a for a in annotations if a["level"] == "error"]
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", error.group(0))
    assert unescape(error["message"]).startswith("tally.py:7: ValueError: \\x1b]0;owned\\x07\\x1b[2J\\x00 ")
    assert (properties(error)["file"], properties(error)["line"]) == ("tally.py", "7")


def test_an_annotation_points_at_the_students_file_and_line(tiny):
    annotations, _ = read_log(render_github(failing(tiny), source_dir="my-work"))
    located = [properties(a) for a in annotations if "file" in properties(a)]
    assert located == [{"file": "my-work/tally.py", "line": "7", "title": "basics › test_crash_returns: error"}]


def test_locations_are_read_from_runtime_errors_syntax_errors_and_the_type_checker():
    assert student_location("pipeline.py:42: TypeError: unhashable type") == ("pipeline.py", 42)
    assert student_location("pipeline.py: SyntaxError at line 3: invalid syntax") == ("pipeline.py", 3)
    assert student_location("the type checker could not run: tally.py:3: Expected an expression") == ("tally.py", 3)
    assert student_location("8 threads added 40, the total says 37") is None
    assert student_location("tally.py not found in the submission") is None


def test_failures_with_a_location_are_annotated_first(tiny):
    annotations, _ = read_log(render_github(failing(tiny)))
    assert "file" in properties(annotations[0])


def test_at_most_ten_errors_are_annotated_and_a_notice_counts_the_rest(tiny):
    outcomes = tuple(
        TestOutcome(f"test_basics.py::test_{n}", Status.FAILED, 0.0, f"wrong answer {n}") for n in range(14)
    )
    annotations, _ = read_log(render_github(build(tiny, outcomes)))
    errors = [a for a in annotations if a["level"] == "error"]
    assert len(errors) == ERRORS_SHOWN_PER_STEP
    (notice,) = [a for a in annotations if a["level"] == "notice"]
    assert "5 more failing tests are listed in the job summary" in unescape(notice["message"])


def test_tests_failing_with_one_message_share_one_annotation(tiny):
    reason = "tally.py: SyntaxError at line 3: invalid syntax"
    outcomes = tuple(TestOutcome(f"test_basics.py::test_{n}", Status.ERROR, 0.0, reason) for n in range(4))
    annotations, _ = read_log(render_github(build(tiny, outcomes, (), import_error=reason)))
    (error,) = [a for a in annotations if a["level"] == "error"]
    assert properties(error)["title"].endswith("(and 3 more tests with this message)")
    assert (properties(error)["file"], properties(error)["line"]) == ("tally.py", "3")


def test_a_run_with_the_gil_enabled_is_warned_about(tiny):
    annotations, _ = read_log(render_github(build(tiny, gil_disabled=False)))
    (warning,) = [a for a in annotations if a["level"] == "warning"]
    assert "GIL enabled" in unescape(warning["message"])


def test_a_tampered_run_gets_an_error_first(tiny):
    annotations, _ = read_log(render_github(build(tiny, tamper_evidence=("forged records",))))
    assert annotations[0]["level"] == "error" and "forged records" in unescape(annotations[0]["message"])


def test_the_step_summary_is_the_markdown_scorecard_when_it_fits(tiny):
    assert render_step_summary(failing(tiny)) == render_markdown(failing(tiny))


def test_a_summary_over_the_limit_is_cut_with_a_visible_note_and_its_blocks_closed(tiny):
    result = build(tiny, output="".join(f"output line {n}\n" for n in range(150)))
    limit = len(render_markdown(result).encode()) - 200
    summary = render_step_summary(result, limit=limit)
    assert len(summary.encode()) <= limit
    assert summary.rstrip().endswith("has every test.**")
    assert summary.count("<details>") == summary.count("</details>")
    fences = [line for line in summary.split("\n") if line.startswith("```")]
    assert len(fences) % 2 == 0


def test_every_failure_survives_a_cut_that_only_takes_the_output(tiny):
    result = build(tiny, output="x" * 15_000 + "\n")
    summary = render_step_summary(result, limit=len(render_markdown(result).encode()) - 10_000)
    for test in result.tests:
        if test.message:
            assert test.message in summary
