"""`make bench`: what `grade batch` costs, measured on this machine.

1. Speed: a batch of 40 tiny submissions with `--jobs 2` against 40 sequential `grade submit`
   runs of the same submissions (whole processes both, so start-up costs count alike); prints
   both times and their ratio.
2. Scale: a batch of 1,000 generated small submissions, graded through the core in this
   process, which is then the batch's parent: prints its resident memory as the class is
   graded (VmRSS from /proc/self/status at every tenth) and its peak (VmHWM, ru_maxrss),
   which stay flat because results are journaled, not held.

Both use the tiny fixture challenge (tests/fixtures/home).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TINY_HOME = REPO / "tests" / "fixtures" / "home"
REFERENCE = TINY_HOME / "solutions" / "tiny" / "reference" / "tally.py"
UNLOCKED = REPO / "tests" / "fixtures" / "submissions" / "unlocked" / "tally.py"
GRADE = Path(sys.executable).parent / "grade"


def make_class(root: Path, size: int) -> Path:
    """`size` student folders, alternating the reference and the unlocked counter."""
    root.mkdir(parents=True)
    sources = (REFERENCE.read_text(), UNLOCKED.read_text())
    for index in range(size):
        folder = root / f"student-{index:04d}"
        folder.mkdir()
        (folder / "tally.py").write_text(f"# student {index}\n{sources[index % 2]}")
    return root


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def speed(scratch: Path, size: int, jobs: int, env: dict[str, str]) -> None:
    root = make_class(scratch / "speed", size)
    students = sorted(root.iterdir())
    timed([str(GRADE), "submit", str(students[0]), "--challenge", "tiny", "--format", "json"], env)  # warm caches
    sequential = 0.0
    for index, student in enumerate(students, start=1):
        sequential += timed([str(GRADE), "submit", str(student), "--challenge", "tiny", "--format", "json"], env)
        print(f"\r  sequential grade submit: {index}/{size}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    batch = timed(
        [str(GRADE), "batch", str(root), "--challenge", "tiny", "--jobs", str(jobs), "--out", str(scratch / "speed-out")],
        env,
    )
    print(f"\n{size} tiny submissions, {os.cpu_count()} cores")
    print(f"  {size} sequential `grade submit`   {sequential:7.1f} s  ({sequential / size:.2f} s each)")
    print(f"  `grade batch --jobs {jobs}`          {batch:7.1f} s  ({batch / size:.2f} s each)")
    print(f"  ratio                            {batch / sequential:7.2f}  (batch / sequential; aim <= 0.6)")


def resident_kb(field: str = "VmRSS") -> int:
    """This process's resident memory now (VmRSS) or at its peak so far (VmHWM), in KB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def scale(scratch: Path, size: int, jobs: int) -> None:
    os.environ["GRADE_HOME"] = str(TINY_HOME)
    from grader.batch.plan import plan_batch
    from grader.batch.scheduler import BatchProgress, grade_batch
    from grader.catalog import load_challenge
    from grader.runtime import find_runtime

    challenge = load_challenge("tiny")
    runtime = find_runtime()
    plan = plan_batch(make_class(scratch / "scale", size), module_file=challenge.submission_file)
    samples: list[tuple[int, int, float]] = []
    started = time.perf_counter()
    samples.append((0, resident_kb(), 0.0))

    def on_progress(event: BatchProgress) -> None:
        if event.done and (event.done % max(1, size // 10) == 0 or event.done == event.total):
            samples.append((event.done, resident_kb(), time.perf_counter() - started))
            print(f"\r  graded {event.done}/{event.total}", end="", file=sys.stderr, flush=True)

    run = grade_batch(plan=plan, challenge=challenge, runtime=runtime, out=scratch / "scale-out", jobs=jobs,
                      on_progress=on_progress)
    elapsed = time.perf_counter() - started
    peak_kb = max(resident_kb("VmHWM"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    print(file=sys.stderr)
    print(f"\n{size} generated submissions, --jobs {jobs}: {elapsed:.0f} s ({elapsed / size:.2f} s each), "
          f"mean {run.summary.mean}, full marks {run.summary.full_marks}, errors {run.summary.errors}")
    print("  graded   parent RSS    elapsed")
    for done, kb, at in samples:
        print(f"  {done:6d}   {kb / 1024:7.1f} MB   {at:7.0f} s")
    print(f"  parent peak RSS (VmHWM / ru_maxrss, outputs written): {peak_kb / 1024:.1f} MB")
    journal = scratch / "scale-out" / "results.jsonl"
    print(f"  journal {journal.stat().st_size / 2**20:.1f} MB, report "
          f"{(scratch / 'scale-out' / 'report.html').stat().st_size / 2**10:.0f} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=40, help="class size for the speed comparison")
    parser.add_argument("--scale", type=int, default=1000, help="class size for the memory run (0 skips it)")
    parser.add_argument("--jobs", type=int, default=2)
    options = parser.parse_args()
    env = {**os.environ, "GRADE_HOME": str(TINY_HOME)}
    scratch = Path(tempfile.mkdtemp(prefix="grade-bench-batch-"))
    try:
        if options.submissions:
            speed(scratch, options.submissions, options.jobs, env)
        if options.scale:
            scale(scratch, options.scale, options.jobs)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
