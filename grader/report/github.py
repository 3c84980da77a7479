"""The GitHub Actions view of a `Result`: workflow commands for the log, and a job summary.

The log gets the scorecard, then the program's output in a collapsed group, both between
`::stop-commands::TOKEN` and `::TOKEN::` with a token made after the submission ran, so
nothing the submission prints can issue a workflow command. Then the annotations: GitHub
shows at most 10 error annotations per step (50 per job) and drops the rest without a word, so
failures with the same message become one annotation, those that name a line of the student's
file come first, then those that cost the most points, and a notice says how many more are in
the job summary. The summary (`render_step_summary`) lists every failure; GitHub refuses a
step summary over 1 MiB, so it is cut below that with a visible note.

Escaping follows the runner: `%`, CR and LF in a message become `%25`, `%0D`, `%0A`; in a
property `:` and `,` also become `%3A` and `%2C`. Other control characters (a bell, an ANSI
escape, NUL) are written as `\\xNN` text, so none reaches an annotation raw.
"""

from __future__ import annotations

import io
import posixpath
import re
import secrets
from dataclasses import dataclass

from rich.console import Console

from grader.outcomes import Status
from grader.report.markdown import render_markdown, verdict
from grader.report.scorecard import points, scorecard
from grader.scoring import GroupResult, Result, TestResult

ERRORS_SHOWN_PER_STEP = 10
STEP_SUMMARY_LIMIT = 1024 * 1024
LOG_WIDTH = 100

# "pipeline.py:42: TypeError: ..." (runtime errors, mypy) or "pipeline.py: SyntaxError at line 3: ..."
_LOCATION = re.compile(
    r"(?<![\w./-])(?P<file>[\w.-]+(?:/[\w.-]+)*\.py)"
    r"(?::(?P<line>\d+)\b|: SyntaxError at line (?P<syntax_line>\d+))"
)
_FENCE = re.compile(r"^(`{3,})")
# C0 controls but tab, CR and LF (the runner's own escapes handle those), DEL and C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Annotation:
    """One `::error|warning|notice ...::message` command, before escaping."""

    level: str
    message: str
    title: str = ""
    file: str = ""
    line: int | None = None


def render_github(result: Result, *, source_dir: str = "", token: str | None = None) -> str:
    """The lines for the Actions log. `source_dir` is the submission's folder relative to the
    repository root, so an annotation lands on the student's file; `token` is for tests only."""
    token = token or secrets.token_hex(16)
    lines = _without_commands(_plain_scorecard(result), token)
    if result.output.strip():
        lines += ["::group::Your program's output", *_without_commands(result.output, token), "::endgroup::"]
    lines += [format_command(annotation) for annotation in choose_annotations(result, source_dir=source_dir)]
    return "\n".join(lines) + "\n"


def render_step_summary(result: Result, *, limit: int = STEP_SUMMARY_LIMIT) -> str:
    """The Markdown scorecard for `$GITHUB_STEP_SUMMARY`, at most `limit` bytes of UTF-8."""
    return cut_markdown(render_markdown(result), limit)


def choose_annotations(result: Result, *, source_dir: str = "") -> tuple[Annotation, ...]:
    """What to annotate, most useful first, within the errors GitHub shows for one step."""
    found: list[Annotation] = []
    if result.tampered:
        found.append(Annotation(
            "error", "This run scores zero: " + "; ".join(result.tamper_evidence), title="grade: tampering detected",
        ))
    if not result.interpreter.gil_disabled:
        found.append(Annotation(
            "warning", f"Python {result.interpreter.version} ran with the GIL enabled: races may go unseen",
            title="grade: GIL enabled",
        ))
    failures = _merged_failures(result)
    budget = ERRORS_SHOWN_PER_STEP - len([a for a in found if a.level == "error"])
    shown = failures[:budget]
    for failure in shown:
        found.append(failure.annotation(source_dir))
    hidden = sum(failure.count for failure in failures[budget:])
    summary = f"{points(result.score)}/{points(result.max_score)}, {verdict(result)}; seed {result.stress.seed}"
    if hidden:
        summary += f"; {hidden} more failing tests are listed in the job summary"
    found.append(Annotation("notice", summary, title=f"grade {result.challenge}"))
    return tuple(found)


def format_command(annotation: Annotation) -> str:
    properties = [
        ("file", annotation.file),
        ("line", "" if annotation.line is None else str(annotation.line)),
        ("title", annotation.title),
    ]
    listed = ",".join(f"{name}={escape_property(value)}" for name, value in properties if value)
    return f"::{annotation.level}{' ' + listed if listed else ''}::{escape_data(annotation.message)}"


def escape_data(text: str) -> str:
    text = _CONTROL.sub(lambda control: f"\\x{ord(control[0]):02x}", text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def student_location(message: str) -> tuple[str, int] | None:
    """The student's file and line a message names, if it names one."""
    match = _LOCATION.search(message)
    if match is None:
        return None
    return match["file"], int(match["line"] or match["syntax_line"])


def cut_markdown(text: str, limit: int) -> str:
    """`text` if it fits in `limit` bytes; else its first lines, any open code block or
    <details> closed, and a note that says it was cut."""
    if len(text.encode()) <= limit:
        return text
    note = (
        f"\n\n**This summary was cut to fit GitHub's {STEP_SUMMARY_LIMIT // 1024} KiB limit for a step "
        "summary: the log has the rest, and `grade submit --format json` has every test.**\n"
    )
    budget = limit - len(note.encode())
    while budget > 0:
        kept = text.encode()[:budget].decode("utf-8", errors="ignore")
        kept = kept[: kept.rfind("\n")] if "\n" in kept else ""
        closing = _closing_markup(kept)
        candidate = kept + closing + note
        if len(candidate.encode()) <= limit:
            return candidate
        budget -= len(closing.encode()) or 1
    return note.strip()[: max(limit, 0)]


def _closing_markup(markdown: str) -> str:
    fence: str | None = None
    details = 0
    for line in markdown.split("\n"):
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip("`"):
                fence = None
            continue
        opened = _FENCE.match(line)
        if opened:
            fence = opened.group(1)
        elif line.startswith("<details>"):
            details += 1
        elif line.startswith("</details>"):
            details -= 1
    closing = f"\n{fence}" if fence else ""
    return closing + "\n\n</details>" * max(details, 0)


@dataclass(frozen=True, slots=True)
class _Failure:
    """Failing tests that share one message: one annotation."""

    group: GroupResult
    test: TestResult
    count: int
    lost: float

    def annotation(self, source_dir: str) -> Annotation:
        message = self.test.message or str(self.test.status)
        more = f" (and {self.count - 1} more tests with this message)" if self.count > 1 else ""
        title = f"{self.group.id} › {self.test.name}: {self.test.status}{more}"
        body = f"{message}\nhint: {self.group.hint}" if self.group.hint else message
        location = student_location(message)
        if location is None:
            return Annotation("error", body, title=title)
        file, line = location
        path = posixpath.normpath(posixpath.join(source_dir, file)) if source_dir else file
        return Annotation("error", body, title=title, file=path, line=line)


def _merged_failures(result: Result) -> list[_Failure]:
    merged: dict[str, _Failure] = {}
    for group in result.groups:
        for test in group.tests:
            if test.status is Status.PASSED:
                continue
            key = test.message or str(test.status)
            lost = test.max_score - test.score
            if key in merged:
                first = merged[key]
                merged[key] = _Failure(first.group, first.test, first.count + 1, first.lost + lost)
            else:
                merged[key] = _Failure(group, test, 1, lost)
    # Stable: among equals, the suite's own order stands.
    return sorted(
        merged.values(),
        key=lambda failure: (student_location(failure.test.message) is None, -failure.lost),
    )


def _plain_scorecard(result: Result) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=LOG_WIDTH, force_terminal=True, color_system="standard", highlight=False)
    console.print(scorecard(result))
    return buffer.getvalue()


def _without_commands(text: str, token: str) -> list[str]:
    """`text` as log lines the runner reads as plain text, whatever they say."""
    return [f"::stop-commands::{token}", *text.rstrip("\n").split("\n"), f"::{token}::"]
