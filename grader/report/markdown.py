"""The Markdown scorecard: a `Result` as GitHub-flavoured Markdown (a job summary, a PR comment,
Gradescope's `md` output).

Everything the student controls (messages, output, file names) is fenced or escaped, so a
submission cannot inject links, HTML or table cells. Every failure is listed, before the
program's output, which is cut short: a reader needs the failures, and hosts cap the size.
"""

from __future__ import annotations

import re

from grader.outcomes import Status
from grader.report.marks import ICONS, TAMPERED_ICON, group_mark
from grader.report.scorecard import points
from grader.scoring import Result, TestResult

OUTPUT_PREVIEW_LINES = 200
OUTPUT_PREVIEW_CHARS = 16_000

_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")
_BACKTICK_RUN = re.compile(r"`+")


def render_markdown(result: Result) -> str:
    parts = [markdown_header(result), _table(result)]
    if result.tampered:
        parts.append(_tampering(result))
    failures = _failures(result)
    if failures:
        parts.append(failures)
    if result.notes:
        parts.append("\n".join(f"> note: {escape_inline(note)}" for note in result.notes))
    output = markdown_output(result)
    if output:
        parts.append(output)
    parts.append(
        f"Replay this run: `grade submit --challenge {result.challenge} --seed {result.stress.seed}`"
    )
    return "\n\n".join(parts) + "\n"


def verdict(result: Result) -> str:
    if result.tampered:
        return "TAMPERED: scored zero"
    return "full marks" if result.passed else "not full marks yet"


def markdown_header(result: Result) -> str:
    """The title line (score and verdict) and the facts a reader needs to trust or replay it."""
    icon = TAMPERED_ICON if result.tampered else group_mark(result.passed, icon=True)
    interpreter = result.interpreter
    build = "free-threaded" if interpreter.free_threaded_build else "GIL build"
    if interpreter.gil_disabled:
        gil = "GIL disabled"
    elif interpreter.free_threaded_build:
        gil = "**warning: the GIL was re-enabled; races may go unseen**"
    else:
        gil = "**warning: GIL build; races may go unseen**"
    return (
        f"### {icon} {escape_inline(result.title)} (`{result.challenge}`): "
        f"{points(result.score)}/{points(result.max_score)}, {verdict(result)}\n\n"
        f"Python {escape_inline(interpreter.version)} ({build}) · {gil} · "
        f"sandbox: {escape_inline(result.sandbox)} · "
        f"{result.stress.threads} threads × {result.stress.rounds} rounds · "
        f"seed {result.stress.seed} · {result.duration_s:.1f} s"
    )


def markdown_output(result: Result, *, collapsed: bool = True) -> str:
    """The program's output cut to a preview, in a collapsed block unless asked; '' if none."""
    text = result.output.strip("\n")
    if not text.strip():
        return ""
    lines = text.splitlines()
    preview = "\n".join(lines[:OUTPUT_PREVIEW_LINES])[:OUTPUT_PREVIEW_CHARS]
    cut = preview != "\n".join(lines) or result.output_truncated
    note = "\n\n(output cut: the full output is in the log)" if cut else ""
    if not collapsed:
        return f"Your program's output:\n\n{fenced(preview)}{note}"
    return (
        "<details><summary>Your program's output</summary>\n\n"
        f"{fenced(preview)}{note}\n\n"
        "</details>"
    )


def escape_inline(text: str) -> str:
    """Text shown as itself in a paragraph or a table cell: one line, no Markdown or HTML."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def code_span(text: str) -> str:
    """Inline code that survives backticks and pipes in `text` (GFM tables split on `|`)."""
    text = " ".join(text.split()).replace("|", "\\|")
    ticks = "`" * (_longest_backtick_run(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fenced(text: str, info: str = "text") -> str:
    """A fenced code block that `text` cannot close early."""
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)


def _table(result: Result) -> str:
    rows = ["| | requirement / test | status | points | time |", "|:-:|---|---|--:|--:|"]
    for group in result.groups:
        rows.append(
            f"| {group_mark(group.passed and not result.tampered, icon=True)} | **{escape_inline(group.title)}** {code_span(group.id)} | | "
            f"**{points(group.score)}/{points(group.max_score)}** | |"
        )
        for test in group.tests:
            rows.append(
                f"| {ICONS[test.status]} | {code_span(test.name)} | {test.status} | "
                f"{points(test.score)}/{points(test.max_score)} | {test.duration_s:.2f} s |"
            )
    return "\n".join(rows)


def _tampering(result: Result) -> str:
    evidence = "\n".join(f"- {escape_inline(item)}" for item in result.tamper_evidence)
    return f"#### {TAMPERED_ICON} Tampering detected\n\nThis run scores zero: its results cannot be trusted.\n\n{evidence}"


def _failures(result: Result) -> str:
    blocks = []
    for group in result.groups:
        failed = [test for test in group.tests if test.status is not Status.PASSED]
        for test in failed:
            blocks.append(_failure(group.id, test))
        if failed and group.hint:
            blocks.append(f"> hint for {code_span(group.id)}: {escape_inline(group.hint)}")
    if not blocks:
        return ""
    return "#### What to fix\n\n" + "\n\n".join(blocks)


def _failure(group_id: str, test: TestResult) -> str:
    title = f"{ICONS[test.status]} {code_span(group_id)} › {code_span(test.name)} ({test.status})"
    return f"{title}\n\n{fenced(test.message or str(test.status))}"
