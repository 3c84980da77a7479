"""What `grade batch` costs: its speed against one `grade submit` at a time, and its memory.

1. Speed: a class of 40 tiny submissions (the tiny fixture challenge, tests/fixtures/home:
   the reference and the unlocked counter alternating) graded by `grade batch --jobs 2` against
   40 sequential `grade submit` runs of the same submissions; whole processes both, so start-up
   costs count alike. Half the sequential runs go before the batch and half after, so the
   machine's drift hits both. The ratio's limit on two cores is 0.50.
2. Scale: the parent's resident memory (VmRSS) as a class of 1,000 goes through the core
   (`grade_batch` in this process, which is then the batch's parent), read at every tenth, and
   its slope between the second and the last tenth. Results are journaled, not held, so it
   should stay flat. 1,000 real gradings take about 0.4-0.9 s each on two cores, more than
   the benchmarks' budget, so by default every 40th submission is a real grading of the tiny
   challenge (25 in all, the child, the type checker and the result's journal line included)
   and the others are unreadable zips, which take the parent's whole path (planning, staging,
   an error row journaled and fsynced, progress, the gradebook and report written from the
   journal) without a child. `--real-every 1` grades all 1,000 for real (about 10 minutes).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import Section, ratio, seconds, write_sections  # noqa: E402
from memory_table import print_section  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TINY_HOME = REPO / "tests" / "fixtures" / "home"
REFERENCE = TINY_HOME / "solutions" / "tiny" / "reference" / "tally.py"
UNLOCKED = REPO / "tests" / "fixtures" / "submissions" / "unlocked" / "tally.py"
GRADE = Path(sys.executable).parent / "grade"
RATIO_LIMIT = 0.50   # batch / sequential, on two cores
FLAT_KB_PER_100 = 100  # growth above this per 100 submissions (10 MB per 10,000) is not flat


def progress(text: str, end: str = "\n") -> None:
    print(text, end=end, file=sys.stderr, flush=True)


def make_class(root: Path, size: int, real_every: int = 1) -> Path:
    """`size` students: every `real_every`-th a folder with a tally.py (the reference and the
    unlocked counter alternating), the others a zip that cannot be unpacked."""
    root.mkdir(parents=True)
    sources = (REFERENCE.read_text(), UNLOCKED.read_text())
    for index in range(size):
        if index % real_every:
            (root / f"student-{index:04d}.zip").write_bytes(b"PK\x03\x04 not a zip: student %d" % index)
            continue
        folder = root / f"student-{index:04d}"
        folder.mkdir()
        (folder / "tally.py").write_text(f"# student {index}\n{sources[(index // real_every) % 2]}")
    return root


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def speed(scratch: Path, size: int, jobs: int, env: dict[str, str]) -> Section:
    root = make_class(scratch / "speed", size)
    students = sorted(root.iterdir())

    def submit(student: Path) -> float:
        return timed([str(GRADE), "submit", str(student), "--challenge", "tiny", "--format", "json"], env)

    submit(students[0])  # warms the collection cache and the page cache
    sequential = 0.0
    half = size // 2
    for index, student in enumerate(students[:half], start=1):
        sequential += submit(student)
        progress(f"\r  sequential grade submit: {index}/{size}", end="")
    progress("\n  grade batch ...")
    batch = timed([str(GRADE), "batch", str(root), "--challenge", "tiny", "--jobs", str(jobs),
                   "--out", str(scratch / "speed-out")], env)
    for index, student in enumerate(students[half:], start=half + 1):
        sequential += submit(student)
        progress(f"\r  sequential grade submit: {index}/{size}", end="")
    progress("")
    share = batch / sequential
    return Section(
        title=f"grade batch against sequential grade submit ({size} tiny submissions, {os.cpu_count()} cores)",
        columns=["run", "wall", "per submission", "batch / sequential", "verdict"],
        rows=[
            [f"{size} sequential `grade submit`", seconds(sequential), seconds(sequential / size), "", ""],
            [f"`grade batch --jobs {jobs}`", seconds(batch), seconds(batch / size), ratio(share),
             f"{'met' if share <= RATIO_LIMIT else 'missed'} (limit {RATIO_LIMIT:.2f})"],
        ],
        notes=[
            "whole processes both ways; half the sequential runs before the batch, half after",
            "the tiny challenge: 3 pytest groups and one mypy check per submission",
        ],
        command=f"python bench/batch.py --submissions {size} --scale 0 --jobs {jobs}",
    )


def resident_kb(field: str = "VmRSS") -> int:
    """This process's resident memory now (VmRSS) or at its peak so far (VmHWM), in KB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


@dataclass(frozen=True)
class Sample:
    graded: int
    rss_kb: int
    elapsed_s: float


def scale(scratch: Path, size: int, jobs: int, real_every: int) -> list[Section]:
    os.environ["GRADE_HOME"] = str(TINY_HOME)
    from grader.batch.plan import plan_batch
    from grader.batch.scheduler import BatchProgress, grade_batch
    from grader.catalog import load_challenge
    from grader.runtime import find_runtime

    challenge = load_challenge("tiny")
    runtime = find_runtime()
    plan = plan_batch(make_class(scratch / "scale", size, real_every), module_file=challenge.submission_file)
    tenth = max(1, size // 10)
    started = time.perf_counter()
    samples = [Sample(0, resident_kb(), 0.0)]

    def on_progress(event: BatchProgress) -> None:
        if event.done and (event.done % tenth == 0 or event.done == event.total):
            samples.append(Sample(event.done, resident_kb(), time.perf_counter() - started))
            progress(f"\r  graded {event.done}/{event.total}, parent RSS {samples[-1].rss_kb / 1024:.1f} MB", end="")

    out = scratch / "scale-out"
    run = grade_batch(plan=plan, challenge=challenge, runtime=runtime, out=out, jobs=jobs, on_progress=on_progress)
    elapsed = time.perf_counter() - started
    progress("")
    peak_kb = max(resident_kb("VmHWM"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    real = len(range(0, size, real_every))
    what = (f"{size} submissions, all graded for real" if real_every == 1 else
            f"{size} submissions: every {real_every}th graded for real ({real}), "
            f"the other {size - real} unreadable zips (error rows, no child)")
    tenths = Section(
        title=f"Parent memory over a class of {size} (`grade_batch` in-process, --jobs {jobs})",
        columns=["graded", "parent RSS", "elapsed"],
        rows=[[str(s.graded), f"{s.rss_kb / 1024:.1f} MB", f"{s.elapsed_s:.0f} s"] for s in samples],
        notes=[
            what,
            f"{elapsed:.0f} s in all; mean {run.summary.mean}, full marks {run.summary.full_marks}, "
            f"error rows {run.summary.errors}",
            f"journal {(out / 'results.jsonl').stat().st_size / 2**20:.1f} MB, "
            f"report {(out / 'report.html').stat().st_size / 2**10:.0f} KB",
        ],
        command=f"python bench/batch.py --submissions 0 --scale {size} --real-every {real_every} --jobs {jobs}",
    )
    return [tenths, slope_section(samples, tenth, peak_kb, tenths.command)]


def slope_section(samples: list[Sample], tenth: int, peak_kb: int, command: str) -> Section:
    """Growth from the second tenth (start-up and the first gradings' warm-up behind) to the
    last: the least-squares slope through the readings, steadier than their two ends."""
    steady = [sample for sample in samples if sample.graded >= 2 * tenth]
    if len(steady) < 2:
        steady = samples[-2:]
    first, last = steady[0], steady[-1]
    slope = statistics.linear_regression(
        [sample.graded for sample in steady], [sample.rss_kb for sample in steady],
    ).slope * 100 if last.graded > first.graded else 0.0
    return Section(
        title="Parent memory: flat?",
        columns=["figure", "value", "verdict"],
        rows=[
            [f"RSS slope, {first.graded} to {last.graded} graded", f"{slope:+.0f} KB per 100 submissions",
             "flat" if abs(slope) <= FLAT_KB_PER_100 else f"not flat (over {FLAT_KB_PER_100} KB per 100)"],
            [f"RSS at {first.graded} / at {last.graded} graded",
             f"{first.rss_kb / 1024:.1f} MB / {last.rss_kb / 1024:.1f} MB", ""],
            ["parent peak (VmHWM, ru_maxrss), outputs written", f"{peak_kb / 1024:.1f} MB", ""],
        ],
        notes=[
            f"flat means at most {FLAT_KB_PER_100} KB per 100 submissions (10 MB per 10,000); the "
            "slope is fitted by least squares through the readings from the second tenth to the last",
        ],
        command=command,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=40, help="class size for the speed comparison (0 skips it)")
    parser.add_argument("--scale", type=int, default=1000, help="class size for the memory run (0 skips it)")
    parser.add_argument("--real-every", type=int, default=40,
                        help="in the memory run, grade every Nth submission for real (1: all of them)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the sections here, for bench/all.py")
    options = parser.parse_args()
    if options.real_every < 1:
        parser.error("--real-every must be 1 or more")
    env = {**os.environ, "GRADE_HOME": str(TINY_HOME)}
    scratch = Path(tempfile.mkdtemp(prefix="grade-bench-batch-"))
    sections: list[Section] = []
    try:
        if options.submissions:
            sections.append(speed(scratch, options.submissions, options.jobs, env))
        if options.scale:
            sections.extend(scale(scratch, options.scale, options.jobs, options.real_every))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for section in sections:
        print_section(section)
    write_sections(options.json, sections)


if __name__ == "__main__":
    main()
