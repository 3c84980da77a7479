"""`grade similarity`: which submissions of a class are suspiciously alike.

Reads the same ROOT as `grade batch` and writes similarity.html and similarity.json beside the
batch's report. Exit codes: 0 the report was written (or there was nothing to compare), 2 a
usage error. A score is a lead for a person to read, never a verdict.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from grader.atomic import write_atomically
from grader.batch.outputs import default_out
from grader.batch.plan import plan_batch
from grader.catalog import load_challenge
from grader.cli.app import ClassRootArgument, NamePatternOption, StripPrefixOption, app, err, out
from grader.report.similarity import (
    DEFAULT_THRESHOLD,
    Settings,
    compare_sources,
    given_code,
    read_sources,
    similarity_record,
)
from grader.report.similarity_page import write_page

PAGE_FILE = "similarity.html"
RECORD_FILE = "similarity.json"
SHOWN_PAIRS = 20


@app.command("similarity")
def similarity_command(
    root: ClassRootArgument,
    challenge_id: Annotated[str, typer.Option("--challenge", "-c", help="Challenge id (see `grade list`).")],
    out_dir: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="Where the report goes (default: ./grade-batch-<challenge>).")
    ] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", "-t", min=0.0, max=1.0, help="List pairs from this score (0 to 1).")
    ] = DEFAULT_THRESHOLD,
    strip_prefix: StripPrefixOption = "",
    name_pattern: NamePatternOption = None,
) -> None:
    """Compare every pair of submissions in ROOT; list the pairs that share the most code."""
    challenge = load_challenge(challenge_id)
    target = out_dir or default_out(challenge.id)
    plan = plan_batch(
        root, module_file=challenge.submission_file, strip_prefix=strip_prefix, name_pattern=name_pattern, out=target,
    )
    for entry in plan.skipped:
        err.print(f"[dim]skipped {escape(entry)}[/]", soft_wrap=True)
    sources, unread = read_sources(plan, module_file=challenge.submission_file)
    for entry in unread:
        err.print(f"[yellow]not compared: {escape(entry)}[/]", soft_wrap=True)
    if len(sources) < 2:
        who = f" ({escape(sources[0].student)})" if sources else ""
        err.print(f"nothing to compare: {_count(len(sources), 'submission')} with "
                  f"{challenge.submission_file} in {escape(str(root))}{who}; nothing written", soft_wrap=True)
        raise typer.Exit(0)

    with err.status(f"comparing {len(sources) * (len(sources) - 1) // 2} pairs"):
        found = compare_sources(
            sources, challenge=challenge, given=given_code(challenge), settings=Settings(threshold=threshold),
            unread=unread,
        )
    write_atomically(target / PAGE_FILE, lambda stream: write_page(found, stream))
    write_atomically(
        target / RECORD_FILE, lambda stream: stream.write(json.dumps(similarity_record(found), indent=2) + "\n"),
    )

    table = Table(
        title=f"grade similarity · {len(sources)} submissions · {_count(found.pairs_compared, 'pair')} · "
              f"{len(found.pairs) + found.not_listed} listed from {threshold:.0%}",
        title_justify="left",
    )
    for column in ("student", "found in the other", "student", "found in the other"):
        table.add_column(column, justify="right" if column.startswith("found") else "left")
    for pair in found.pairs[:SHOWN_PAIRS]:
        table.add_row(Text(pair.first.source.student), f"{pair.first.similarity:.0%}",
                      Text(pair.second.source.student), f"{pair.second.similarity:.0%}")
    if found.pairs:
        out.print(table)
    else:
        out.print(table.title, soft_wrap=True)
    if len(found.pairs) > SHOWN_PAIRS:
        out.print(f"... and {len(found.pairs) - SHOWN_PAIRS} more in the page")
    if found.not_listed:
        out.print(f"{found.not_listed} more reach the threshold and are not shown: raise --threshold to see "
                  "the ones that matter most")
    for name, what in ((PAGE_FILE, "the pairs side by side"), (RECORD_FILE, "the pairs as JSON")):
        out.print(f"  {escape(str(target / name))}  [dim]{what}[/]", soft_wrap=True, highlight=False)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
