"""A section as a plain table on stdout, for a bench script run on its own.

bench/all.py draws the tables of the whole run itself; this is what each script prints.
"""

from __future__ import annotations

from figures import Section


def print_section(section: Section) -> None:
    widths = [max(len(cell) for cell in column) for column in zip(section.columns, *section.rows)]
    print(f"\n{section.title}")
    for row in (section.columns, *section.rows):
        print("  " + "  ".join(cell.ljust(width) for width, cell in zip(widths, row)).rstrip())
    for note in section.notes:
        print(f"  - {note}")
    if section.command:
        print(f"  rerun: {section.command}")
