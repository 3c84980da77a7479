"""How fast `grade watch` answers a save, measured through a real terminal.

Starts `grade watch` in a pty, then saves the submission N times, alternating two versions so
every scorecard differs, and times from the write to (a) the progress line appearing (the
watcher noticed) and (b) the new scorecard's footer being on screen. The scorecard's own
duration is the grading; the rest is watching, debouncing, clearing and drawing.

1. The tiny fixture challenge (tests/fixtures/home): the racy and the fixed tally.py.
2. Every challenge in the catalogue: its reference and the typical failing mutant that
   bench/verdict.py grades, saved over each other (`--challenge-saves` each, default 1: the
   budget for this and the other timing benches is five minutes).
Prints medians; asserts nothing; `--json FILE` writes the sections for bench/all.py.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pexpect  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import Section, median, seconds, write_sections  # noqa: E402
from plain.commands import reference, typical_mutant  # noqa: E402

from grader.catalog import list_challenges  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TINY_HOME = REPO / "tests" / "fixtures" / "home"
TINY_VERSIONS = (
    TINY_HOME / "solutions" / "tiny" / "reference" / "tally.py",
    REPO / "tests" / "fixtures" / "submissions" / "unlocked" / "tally.py",
)
GRADED_IN = re.compile(r"(\d+\.\d) s")
GRADE = Path(sys.executable).parent / "grade"


@dataclass
class Latencies:
    noticed: list[float] = field(default_factory=list)
    shown: list[float] = field(default_factory=list)
    grading: list[float] = field(default_factory=list)

    def row(self, label: str) -> list[str]:
        rest = [total - graded for total, graded in zip(self.shown, self.grading)]
        return [label, str(len(self.shown)), f"{median(self.noticed) * 1000:.0f} ms", seconds(median(self.shown)),
                seconds(median(self.grading)), seconds(median(rest))]


def answer_ctrl_c() -> None:
    """Ctrl-C ends `grade watch`, even when this bench was started in the background (`make bench &`):
    a shell's background job ignores SIGINT, and so would every process it starts."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def watch_saves(challenge_id: str, module: str, versions: tuple[bytes, bytes], saves: int, idle: float,
                env: dict[str, str], scratch: Path, label: str) -> Latencies:
    """Start `grade watch` on a folder holding versions[1], then save the two in turn."""
    folder = scratch / challenge_id
    folder.mkdir()
    target = folder / f"{module}.py"
    target.write_bytes(versions[1])
    watch = pexpect.spawn(str(GRADE), ["watch", "--challenge", challenge_id], cwd=str(folder), env=env,
                          dimensions=(50, 160), encoding="utf-8", timeout=180, preexec_fn=answer_ctrl_c)
    figures = Latencies()
    try:
        watch.expect("Ctrl-C to stop")
        for save in range(saves):
            time.sleep(idle)  # a pause between saves, as between a student's edits
            started = time.perf_counter()
            target.write_bytes(versions[save % 2])
            watch.expect("grading")
            figures.noticed.append(time.perf_counter() - started)
            watch.expect("Ctrl-C to stop")
            figures.shown.append(time.perf_counter() - started)
            durations = GRADED_IN.findall(watch.before)
            figures.grading.append(float(durations[-1]) if durations else float("nan"))
            print(f"  {label} save {save + 1}/{saves}: noticed {figures.noticed[-1] * 1000:.0f} ms, "
                  f"scorecard {figures.shown[-1]:.2f} s (grading {figures.grading[-1]:.1f} s)",
                  file=sys.stderr, flush=True)
    finally:
        watch.sendintr()
        watch.expect(pexpect.EOF)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--saves", type=int, default=5, help="saves on the tiny fixture challenge (default 5)")
    parser.add_argument("--challenge-saves", type=int, default=1, help="saves on each challenge (default 1)")
    parser.add_argument("--challenge", action="append", help="only this challenge (repeatable)")
    parser.add_argument("--json", type=Path, help="write the sections here, for bench/all.py")
    options = parser.parse_args()

    section = Section(
        title="grade watch: from a save to the new scorecard",
        columns=["challenge", "saves", "save -> grading starts", "save -> new scorecard", "of which grading",
                 "the rest (watching, drawing)"],
        command="python bench/watch.py",
    )
    with tempfile.TemporaryDirectory(prefix="grade-bench-watch-") as scratch_name:
        scratch = Path(scratch_name)
        terminal = {"TERM": "xterm-256color", "COLUMNS": "160", "LINES": "50",
                    "XDG_STATE_HOME": str(scratch / "state")}
        tiny_env = {**os.environ, **terminal, "GRADE_HOME": str(TINY_HOME)}
        tiny = watch_saves("tiny", "tally", (TINY_VERSIONS[0].read_bytes(), TINY_VERSIONS[1].read_bytes()),
                           options.saves, 1.0, tiny_env, scratch, "tiny")
        section.rows.append(tiny.row("tiny (fixture)"))
        env = {**os.environ, **terminal}
        for challenge in list_challenges():
            if options.challenge and challenge.id not in options.challenge:
                continue
            mutant = typical_mutant(challenge)
            if mutant is None:
                continue
            versions = ((reference(challenge) / challenge.submission_file).read_bytes(),
                        (mutant[1] / challenge.submission_file).read_bytes())
            figures = watch_saves(challenge.id, challenge.module, versions, options.challenge_saves, 0.5, env,
                                  scratch, challenge.id)
            section.rows.append(figures.row(challenge.id))
    section.notes.append(
        "Through a real pty (pexpect): the time from writing the file to the progress line, and to the new "
        "scorecard's last line; the grading's own duration is the scorecard's. Each challenge alternates its "
        "reference and the mutant bench/verdict.py grades; medians."
    )
    for row in section.rows:
        print("  " + " | ".join(row))
    write_sections(options.json, [section])


if __name__ == "__main__":
    main()
