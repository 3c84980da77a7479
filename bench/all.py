"""`make bench`: every benchmark in one run, one table, and docs/benchmarks.md written from it.

Runs each script below as a process of its own (so one's imports and caches don't flatter
another's), collects the sections each writes with `--json`, prints them, and writes the
page with the date, the machine, the interpreters and the commands, so anyone can rerun it.
A script that crashes is reported as such and the others still run; figures that miss their
goal say so in their rows. Nothing here passes or fails a build.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import Section, read_sections  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "benchmarks.md"


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    arguments: tuple[str, ...] = ()

    def command(self, json_path: Path | None = None) -> list[str]:
        json_option = ("--json", str(json_path)) if json_path else ()
        return [sys.executable, f"bench/{self.script}", *self.arguments, *json_option]


BENCHES = (
    Bench("overhead", "overhead.py"),
    Bench("verdict", "verdict.py"),
    Bench("watch", "watch.py"),
    # 20 runs a mutant (`--full`, or bench/catch.py alone) take about 15 minutes on two cores by
    # themselves: make bench takes 8 (and 10 executions a round rate), so the whole run keeps to 15.
    Bench("catch", "catch.py", ("--runs", "8", "--repeat", "10")),
    Bench("batch", "batch.py"),
    Bench("memory", "memory.py"),
    Bench("seeds", "seeds.py"),
)


def run_bench(bench: Bench, scratch: Path) -> tuple[list[Section], float]:
    """The bench's sections, or one section saying how it failed; and its wall time."""
    json_path = scratch / f"{bench.name}.json"
    started = time.perf_counter()
    done = subprocess.run(bench.command(json_path), cwd=REPO, stdout=sys.stderr, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode == 0 and json_path.is_file():
        return read_sections(json_path), elapsed
    return [Section(
        title=f"{bench.name}: did not finish",
        columns=["exit code"],
        rows=[[str(done.returncode)]],
        notes=["the script's own output above says why"],
        command=shlex.join(bench.command()[1:]),
    )], elapsed


def machine() -> list[str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor() or "unknown CPU",
    ) if Path("/proc/cpuinfo").exists() else platform.processor()
    memory_kb = next(
        (int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
         if line.startswith("MemTotal:")),
        0,
    ) if Path("/proc/meminfo").exists() else 0
    return [
        f"{platform.system()} {platform.release()} ({platform.machine()}), {os.cpu_count()} cores, "
        f"{memory_kb / 2**20:.0f} GiB",
        f"CPU: {cpu}",
        f"load average at the start: {', '.join(f'{value:.2f}' for value in os.getloadavg())}",
    ]


def interpreters() -> list[str]:
    lines = [f"grader: Python {platform.python_version()} ({sys.executable})"]
    try:
        from grader.runtime import find_runtime

        runtime = find_runtime()
        lines.append(
            f"submissions: Python {runtime.version}, free-threaded build, "
            f"{'GIL disabled' if runtime.gil_disabled else 'GIL enabled'} ({runtime.base_executable})"
        )
    except Exception as exc:  # noqa: BLE001 - the page says what was missing
        lines.append(f"submissions: no free-threaded runtime ({exc})")
    return lines


def markdown_table(section: Section) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"### {section.title}", ""]
    if section.rows:
        lines.append("| " + " | ".join(cell(column) for column in section.columns) + " |")
        lines.append("|" + "|".join("---" for _ in section.columns) + "|")
        lines.extend("| " + " | ".join(cell(value) for value in row) + " |" for row in section.rows)
        lines.append("")
    lines.extend(f"- {note}" for note in section.notes)
    if section.command:
        lines.extend(["", f"Rerun: `{section.command}`"])
    lines.append("")
    return lines


def write_page(path: Path, results: list[tuple[Bench, list[Section], float]], started: datetime,
               total: float) -> None:
    lines = [
        "# Benchmarks",
        "",
        "What grading costs and how often it catches a race, measured in one run of `make bench` "
        "(`python bench/all.py`); this page is written by that run. Medians of several runs, ratios "
        "paired within the run; figures that miss their goal say so.",
        "",
        f"- date: {started.strftime('%Y-%m-%d %H:%M UTC')}, {total / 60:.1f} minutes in all",
        *(f"- {line}" for line in machine()),
        *(f"- {line}" for line in interpreters()),
        "",
    ]
    for bench, sections, elapsed in results:
        lines.extend([f"## {bench.name}", "", f"`{shlex.join(bench.command()[1:])}` ({elapsed:.0f} s)", ""])
        for section in sections:
            lines.extend(markdown_table(section))
    path.write_text("\n".join(lines))


def print_tables(console: Console, results: list[tuple[Bench, list[Section], float]]) -> None:
    for bench, sections, elapsed in results:
        for section in sections:
            table = Table(title=f"{section.title}  [dim]({bench.name}, {elapsed:.0f} s)[/]", title_justify="left")
            for column in section.columns:
                table.add_column(column)
            for row in section.rows:
                table.add_row(*row)
            console.print(table)
            for note in section.notes:
                console.print(f"  - {note}", soft_wrap=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", choices=[bench.name for bench in BENCHES],
                        help="run just this bench (repeatable); the page is then not written")
    parser.add_argument("--page", type=Path, default=PAGE, help="where to write the page")
    parser.add_argument("--full", action="store_true",
                        help="every bench at its own defaults (the catch rate over 20 gradings a mutant)")
    options = parser.parse_args()
    benches = [Bench(bench.name, bench.script) for bench in BENCHES] if options.full else BENCHES
    chosen = [bench for bench in benches if not options.only or bench.name in options.only]
    started_at = datetime.now(timezone.utc)
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="grade-bench-") as scratch:
        for bench in chosen:
            print(f"\n== {bench.name}: {shlex.join(bench.command()[1:])}", file=sys.stderr, flush=True)
            sections, elapsed = run_bench(bench, Path(scratch))
            results.append((bench, sections, elapsed))
    total = time.perf_counter() - started
    print_tables(Console(), results)
    if not options.only:
        write_page(options.page, results, started_at, total)
        print(f"\nwrote {options.page.relative_to(REPO) if options.page.is_relative_to(REPO) else options.page} "
              f"({total / 60:.1f} minutes)")
    failed = [bench.name for bench, sections, _ in results if sections[0].title.endswith("did not finish")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
