"""How fast `grade watch` answers a save, measured through a real terminal.

Starts `grade watch` on the tiny fixture challenge in a pty, then saves the submission N times,
alternating the racy and the fixed tally.py so every scorecard differs, and times from the
write to (a) the progress line appearing (the watcher noticed) and (b) the new scorecard's
footer being on screen. The scorecard's own duration is the grading; the rest is watching,
debouncing, clearing and drawing. Prints medians; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parent.parent
TINY_HOME = REPO / "tests" / "fixtures" / "home"
VERSIONS = (
    TINY_HOME / "solutions" / "tiny" / "reference" / "tally.py",
    REPO / "tests" / "fixtures" / "submissions" / "unlocked" / "tally.py",
)
GRADED_IN = re.compile(r"(\d+\.\d) s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=10)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="grade-bench-watch-") as scratch:
        folder = Path(scratch) / "work"
        folder.mkdir()
        (folder / "tally.py").write_bytes(VERSIONS[1].read_bytes())
        env = {**os.environ, "GRADE_HOME": str(TINY_HOME), "XDG_STATE_HOME": str(Path(scratch) / "state"),
               "TERM": "xterm-256color", "COLUMNS": "160", "LINES": "50"}
        watch = pexpect.spawn(str(Path(sys.executable).parent / "grade"), ["watch", "--challenge", "tiny"],
                              cwd=str(folder), env=env, dimensions=(50, 160), encoding="utf-8", timeout=120)
        watch.expect("Ctrl-C to stop")
        noticed, shown, grading = [], [], []
        for save in range(options.saves):
            time.sleep(1.0)  # idle between saves, as between a student's edits
            started = time.perf_counter()
            (folder / "tally.py").write_bytes(VERSIONS[save % 2].read_bytes())
            watch.expect("grading")
            noticed.append(time.perf_counter() - started)
            watch.expect("Ctrl-C to stop")
            shown.append(time.perf_counter() - started)
            durations = GRADED_IN.findall(watch.before)
            grading.append(float(durations[-1]) if durations else float("nan"))
            print(f"save {save + 1}/{options.saves}: noticed {noticed[-1] * 1000:.0f} ms, "
                  f"scorecard {shown[-1]:.2f} s (grading {grading[-1]:.1f} s)", file=sys.stderr)
        watch.sendintr()
        watch.expect(pexpect.EOF)

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:5.0f} ms  (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"

    print(f"\ngrade watch on the tiny fixture challenge, {options.saves} saves")
    print(f"  save -> grading starts     {ms(noticed)}")
    print(f"  save -> new scorecard      {ms(shown)}")
    print(f"  of which grading           {ms(grading)}")
    overhead = [total - graded for total, graded in zip(shown, grading)]
    print(f"  save -> scorecard, less the grading   {ms(overhead)}")


if __name__ == "__main__":
    main()
