"""The command line the parent builds, and the run: pytest on the hidden suite with the plugin.

    python -I -B CHILD/grade_child/__main__.py --records-fd N --tests DIR --collect-only
    python -I -B CHILD/grade_child/__main__.py --records-fd N --tests DIR --submission DIR
        --module NAME --threads N --rounds N --seed N --test-timeout S [--hide-tests]
        [--allow fresh-interpreter ...] [NODEID ...]

No option that grading needs has a default here: the parent always passes them, and the
challenge's catalog is the one place their defaults live.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pytest

from grade_child.interpreter import FRESH_INTERPRETER
from grade_child.plugin import CollectPlugin, GradePlugin
from grade_child.records import RecordWriter

ALLOWANCES = (FRESH_INTERPRETER,)
GRADING_OPTIONS = ("submission", "module", "threads", "rounds", "seed", "test_timeout")


def parse_options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="grade_child")
    parser.add_argument("--records-fd", type=int, required=True)
    parser.add_argument("--tests", required=True)
    parser.add_argument("--collect-only", action="store_true")
    parser.add_argument("--submission")
    parser.add_argument("--module")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--test-timeout", type=float)
    parser.add_argument("--hide-tests", action="store_true",
                        help="delete the suite's files once collected (the parent's private copy only)")
    parser.add_argument("--allow", action="append", choices=ALLOWANCES, default=[],
                        help="grant the hidden suite what the challenge allows (once per allowance)")
    parser.add_argument("nodeids", nargs="*")
    options = parser.parse_args(argv)
    missing = [name for name in GRADING_OPTIONS if getattr(options, name) is None]
    if missing and not options.collect_only:
        parser.error("grading needs " + ", ".join("--" + name.replace("_", "-") for name in missing))
    return options


def main(argv: list[str], *, launched: float | None = None) -> int:
    # When the interpreter was up and when pytest was imported: the parent's breakdown of
    # where a grading's time goes (monotonic clocks, which the sandbox shares with the parent).
    clock = {"launched": launched or time.monotonic(), "pytest_imported": time.monotonic()}
    options = parse_options(argv)
    writer = RecordWriter(options.records_fd)
    tests = Path(options.tests)
    targets = [str(tests / nodeid) for nodeid in options.nodeids] or [str(tests)]
    args = [
        # The student's output goes straight to the parent, which caps it.
        "-s",
        "-p", "no:cacheprovider",
        "-p", "no:randomly",
        "-p", "no:xdist",
        "--rootdir", str(tests),
        "-c", str(tests / "pytest.ini") if (tests / "pytest.ini").exists() else os.devnull,
        "--confcutdir", str(tests),
        "-W", "ignore::pytest.PytestAssertRewriteWarning",
        *(["--collect-only"] if options.collect_only else []),
        *targets,
    ]
    os.chdir(tests)
    # pytest's terminal report is of no use here and would mix with the student's output:
    # its writer is bound to sys.stdout at configure time, so it gets /dev/null, and the
    # plugin gives the student the real stdout back once pytest is configured.
    plugin = (
        CollectPlugin(writer, real_stdout=sys.stdout) if options.collect_only
        else GradePlugin(writer, options, real_stdout=sys.stdout, clock=clock)
    )
    sys.stdout = open(os.devnull, "w")
    return int(pytest.main(args, plugins=[plugin]))  # grading ends the process at sessionfinish

