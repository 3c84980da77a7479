"""What every bench script hands to `bench/all.py`: sections of figures, as JSON.

Each script prints its own progress to stderr and, given `--json FILE`, writes its sections
there; `bench/all.py` runs them all, prints one table and writes docs/benchmarks.md.
A figure that misses its goal says so in its `verdict` cell; nothing here passes or fails.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Section:
    """One table: a title, its column names, its rows (cells as text), and what to know."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    command: str = ""  # how to rerun just this section


def write_sections(path: Path | None, sections: list[Section]) -> None:
    if path is not None:
        path.write_text(json.dumps([asdict(section) for section in sections], indent=1))


def read_sections(path: Path) -> list[Section]:
    return [Section(**raw) for raw in json.loads(path.read_text())]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def ratio(value: float) -> str:
    return f"{value:.2f}x"


def share(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / total:.0f}%)" if total else "-"
