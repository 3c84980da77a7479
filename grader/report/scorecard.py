"""The rich scorecard: what a student reads at a terminal.

Header (challenge, interpreter, GIL, sandbox, stress settings and seed), a table of groups and
tests, the total, then each failure's message with its group's hint.
"""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.outcomes import Status
from grader.report.marks import COLOURS, MARKS
from grader.scoring import Result

OUTPUT_PREVIEW_LINES = 12


def points(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def render_scorecard(result: Result, console: Console) -> None:
    console.print(scorecard(result))


def scorecard(result: Result) -> RenderableType:
    parts: list[RenderableType] = [_header(result), _table(result), _total(result)]
    if result.tampered:
        evidence = "\n".join(f"• {item}" for item in result.tamper_evidence)
        parts.append(Panel(
            Text(f"This run scores zero: its results cannot be trusted.\n{evidence}"),
            title="tampering detected", title_align="left", border_style="bold red",
        ))
    failures = _failures(result)
    if failures is not None:
        parts.append(failures)
    if result.notes:
        parts.append(Text("\n".join(f"note: {note}" for note in result.notes), style="yellow"))
    if result.output.strip() and not result.passed:
        lines = result.output.strip().splitlines()
        preview = "\n".join(lines[:OUTPUT_PREVIEW_LINES])
        more = len(lines) - OUTPUT_PREVIEW_LINES
        if more > 0 or result.output_truncated:
            preview += "\n… (output cut)"
        parts.append(Panel(Text(preview), title="your program's output", border_style="dim"))
    return Group(*parts)


def _header(result: Result) -> RenderableType:
    interpreter = result.interpreter
    if interpreter.gil_disabled:
        gil = Text("GIL disabled", style="bold green")
    elif interpreter.free_threaded_build:
        gil = Text("warning: the GIL was re-enabled; races may go unseen", style="bold yellow")
    else:
        gil = Text("warning: GIL build; races may go unseen", style="bold yellow")
    build = "free-threaded" if interpreter.free_threaded_build else "GIL build"
    line1 = Text.assemble(
        (f"Python {interpreter.version} ({build})", "bold"), "  ·  ", gil,
        "  ·  ", f"sandbox: {result.sandbox}",
    )
    line2 = Text(
        f"stress: {result.stress.threads} threads × {result.stress.rounds} rounds  ·  "
        f"seed {result.stress.seed}  ·  {result.duration_s:.1f} s  ·  {interpreter.executable}",
        style="dim",
    )
    return Panel(
        Group(line1, line2),
        title=f"[bold]{result.challenge}[/] · {result.title}",
        title_align="left",
        border_style="cyan",
    )


def _table(result: Result) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("requirement / test", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column("points", justify="right", no_wrap=True, width=11)
    table.add_column("time", justify="right", no_wrap=True, width=7)
    for group in result.groups:
        style = "green" if group.passed else "red"
        table.add_row(
            Text.assemble((group.title, f"bold {style}"), (f"  {group.id}", "dim")),
            Text(f"{points(group.score)}/{points(group.max_score)}", style=f"bold {style}"),
            "",
        )
        for test in group.tests:
            mark, colour = MARKS[test.status], COLOURS[test.status]
            name = Text(f"  {mark} ", style=colour)
            name.append(test.name, style="" if test.status is Status.PASSED else colour)
            if test.status is not Status.PASSED:
                name.append(f"  {test.status}", style=f"bold {colour}")
            table.add_row(
                name,
                f"{points(test.score)}/{points(test.max_score)}",
                f"{test.duration_s:.2f}s",
            )
        table.add_section()
    return table


def _total(result: Result) -> Text:
    style = "bold green" if result.passed else "bold red"
    verdict = "full marks" if result.passed else "not full marks yet"
    if result.tampered:
        verdict = "TAMPERED: scored zero"
    return Text(f"Total: {points(result.score)}/{points(result.max_score)}  —  {verdict}", style=style)


def _failures(result: Result) -> RenderableType | None:
    lines = Text()
    for group in result.groups:
        failed = [test for test in group.tests if test.status is not Status.PASSED]
        for test in failed:
            mark, colour = MARKS[test.status], COLOURS[test.status]
            lines.append(f"{mark} {group.id} › {test.name}\n", style=f"bold {colour}")
            lines.append(f"  {test.message or str(test.status)}\n")
        if failed and group.hint:
            lines.append(f"  hint: {group.hint}\n", style="cyan")
    if not lines:
        return None
    return Panel(lines, title="what to fix", title_align="left", border_style="red")
