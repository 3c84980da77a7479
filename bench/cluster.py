"""`grade batch` on a Dask cluster against the local `--jobs` path: the scheduler's cost per
submission, and the parent's memory. Not part of `make bench`: some 50 minutes at the default
size on two cores (10.5 at --size 200).

For each parallelism N (--workers, default 1 2 4), one class of --size generated submissions
(the tiny fixture challenge in tests/fixtures/home, as bench/batch.py makes them) is graded
twice, each time by a fresh process that is the batch's parent:

- local: `grade_batch` on this machine, N at a time (`--jobs N`);
- cluster: `grade_batch` through a `distributed.LocalCluster` of N worker processes with one
  thread each (N gradings at once), started in a process of its own beforehand, so the parent
  holds only the client, as `grade batch --scheduler` does.

Per N it reports the seconds per submission each way, their difference (what the scheduler
adds to each submission), and the parent's resident memory at the start, sampled at every
tenth of the class, and at its peak (VmHWM): flat, since results go to the journal.
On a machine with fewer cores than N, both paths share the same cores: the comparison then
measures the scheduler's overhead, not a speed-up.

    python bench/cluster.py --size 200 [--workers 1 2 4] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import Section, write_sections  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TINY_HOME = REPO / "tests" / "fixtures" / "home"
REFERENCE = TINY_HOME / "solutions" / "tiny" / "reference" / "tally.py"
UNLOCKED = REPO / "tests" / "fixtures" / "submissions" / "unlocked" / "tally.py"
PATHS = ("local", "cluster")


def make_class(root: Path, size: int) -> Path:
    """`size` student folders, alternating the reference and the unlocked counter."""
    root.mkdir(parents=True)
    sources = (REFERENCE.read_text(), UNLOCKED.read_text())
    for index in range(size):
        folder = root / f"student-{index:04d}"
        folder.mkdir()
        (folder / "tally.py").write_text(f"# student {index}\n{sources[index % 2]}")
    return root


def resident_kb(field: str = "VmRSS") -> int:
    """This process's resident memory now (VmRSS) or at its peak so far (VmHWM), in KB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


# --- one batch, in a process of its own: the batch's parent -----------------------------------

def measure(path: str, parallel: int, root: Path, out: Path, scheduler: str | None) -> dict[str, Any]:
    """Grade ROOT once, in this process; the figures as a dict (printed as JSON by main)."""
    os.environ["GRADE_HOME"] = str(TINY_HOME)
    from grader.batch.local import LocalGrading
    from grader.batch.plan import plan_batch
    from grader.batch.scheduler import BatchProgress, Grading, grade_batch
    from grader.catalog import load_challenge
    from grader.runtime import find_runtime

    challenge = load_challenge("tiny")
    plan = plan_batch(root, module_file=challenge.submission_file)
    size = len(plan.submissions)
    connecting = time.perf_counter()
    grading: Grading
    if path == "local":
        grading = LocalGrading(challenge=challenge, runtime=find_runtime(), seed=None, jobs=parallel)
    else:
        assert scheduler is not None
        from grader.batch.cluster import open_cluster_grading  # what `grade batch --scheduler` grades on

        grading = open_cluster_grading(scheduler, challenge=challenge, seed=None)
    started = time.perf_counter()
    samples: list[tuple[int, int, float]] = [(0, resident_kb(), 0.0)]  # ready to grade: imports done

    def on_progress(event: BatchProgress) -> None:
        if event.done and (event.done % max(1, size // 10) == 0 or event.done == event.total):
            samples.append((event.done, resident_kb(), time.perf_counter() - started))
            print(f"\r  {path} x{parallel}: {event.done}/{event.total}", end="", file=sys.stderr, flush=True)

    try:
        run = grade_batch(plan=plan, challenge=challenge, grading=grading, out=out, on_progress=on_progress)
    finally:
        close = getattr(grading, "close", None)
        if close is not None:
            close()
    elapsed = time.perf_counter() - started
    print(file=sys.stderr)
    return {
        "elapsed": elapsed,
        "connect": started - connecting,
        "graded": run.graded_now,
        "errors": run.summary.errors,
        "full_marks": run.summary.full_marks,
        "samples": samples,
        "peak_kb": resident_kb("VmHWM"),
    }


# --- the LocalCluster, in a process of its own ------------------------------------------------

def serve_cluster(workers: int) -> None:
    """Start a LocalCluster of `workers` processes, print its address, run until stdin closes."""
    os.environ["GRADE_HOME"] = str(TINY_HOME)
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        cluster.wait_for_workers(workers)
        print(cluster.scheduler_address, flush=True)
        sys.stdin.read()


class ClusterProcess:
    """A LocalCluster of N worker processes, started and stopped around one measurement."""

    def __init__(self, workers: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve-cluster", str(workers)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        self.address = self.process.stdout.readline().strip()
        if not self.address:
            self.close()
            raise SystemExit(f"the LocalCluster of {workers} did not start (its output above says why)")

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- the whole run ------------------------------------------------------------------------------

def run_one(path: str, parallel: int, root: Path, out: Path) -> dict[str, Any]:
    """One measurement, in a fresh process; the cluster's, around it, in another."""
    cluster = ClusterProcess(parallel) if path == "cluster" else None
    try:
        command = [sys.executable, __file__, "--measure", path, "--parallel", str(parallel),
                   "--root", str(root), "--out", str(out)]
        if cluster:
            command += ["--scheduler", cluster.address]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    finally:
        if cluster:
            cluster.close()
    if done.returncode != 0:
        raise SystemExit(f"{path} x{parallel} failed (exit {done.returncode}); its output above says why")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def sections(results: dict[tuple[str, int], dict[str, Any]], size: int, command: str) -> list[Section]:
    cores = len(os.sched_getaffinity(0))
    speed = Section(
        title=f"grade batch on a Dask LocalCluster against the local --jobs path ({size} tiny submissions)",
        columns=["gradings at once", "local --jobs N", "LocalCluster, N workers", "cluster / local",
                 "scheduler's cost per submission", "connecting, workers checked"],
        command=command,
    )
    memory = Section(
        title="The batch's parent: resident memory while the class is graded",
        columns=["path", "gradings at once", "ready to grade", "sampled (every tenth)", "peak (VmHWM)"],
        command=command,
    )
    for parallel in sorted({n for _, n in results}):
        local, cluster = results.get(("local", parallel)), results.get(("cluster", parallel))
        if local and cluster:
            cost = (cluster["elapsed"] - local["elapsed"]) * parallel / size
            speed.rows.append([
                str(parallel), f"{local['elapsed']:.0f} s ({local['elapsed'] / size:.2f} s each)",
                f"{cluster['elapsed']:.0f} s ({cluster['elapsed'] / size:.2f} s each)",
                f"{cluster['elapsed'] / local['elapsed']:.2f}x", f"{cost:+.3f} s", f"{cluster['connect']:.1f} s",
            ])
        for path in PATHS:
            figures = results.get((path, parallel))
            if figures:
                rss = [kb for _, kb, _ in figures["samples"]]
                memory.rows.append([
                    path, str(parallel), f"{rss[0] / 1024:.0f} MB",
                    f"{min(rss) / 1024:.0f}-{max(rss) / 1024:.0f} MB", f"{figures['peak_kb'] / 1024:.0f} MB",
                ])
    bad = {f"{path} x{n}": f["errors"] for (path, n), f in results.items() if f["errors"] or f["graded"] != size}
    speed.notes += [
        f"{cores} cores here. The scheduler's cost is (cluster - local) x N / size: the wall time one "
        "grading slot spends per submission on the cluster's round trips (submit, the submission's files "
        "to the worker, the result back), beyond the grading itself.",
        "Each batch ran in a fresh process (its parent); each LocalCluster in a process of its own, "
        "started before the timer, one thread per worker process. Timed from the first submission "
        "to the outputs written; connecting to the scheduler and checking the workers (once a batch) "
        "is the last column, not in the times.",
    ]
    if any(n > cores for _, n in results):
        speed.notes.append(f"With more gradings at once than the {cores} cores, both paths share the same "
                           "cores: those rows measure the scheduler's overhead, not a speed-up.")
    if bad:
        speed.notes.append(f"not every submission graded cleanly: {bad}")
    memory.notes.append("VmRSS of the parent once ready to grade (the cluster's with Dask's client imported "
                        "and connected) and after every tenth of the class; the peak includes writing the "
                        "gradebook and report.")
    return [speed, memory]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000, help="submissions in the class (default 1000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4],
                        help="gradings at once: --jobs N locally, N worker processes on the cluster")
    parser.add_argument("--json", type=Path, help="write the sections here, for bench/all.py")
    # Internal: the processes the run starts.
    parser.add_argument("--measure", choices=PATHS, help=argparse.SUPPRESS)
    parser.add_argument("--parallel", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scheduler", help=argparse.SUPPRESS)
    parser.add_argument("--serve-cluster", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve_cluster:
        serve_cluster(options.serve_cluster)
        return
    if options.measure:
        figures = measure(options.measure, options.parallel, options.root, options.out, options.scheduler)
        print(json.dumps(figures))
        return

    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="grade-bench-cluster-"))
    results: dict[tuple[str, int], dict[str, Any]] = {}
    try:
        root = make_class(scratch / "class", options.size)
        for parallel in options.workers:
            for path in PATHS:
                out = scratch / f"out-{path}-{parallel}"
                results[(path, parallel)] = run_one(path, parallel, root, out)
                shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    arguments = ["--size", str(options.size)] + (
        ["--workers", *map(str, options.workers)] if options.workers != [1, 2, 4] else [])
    found = sections(results, options.size, shlex.join(["python", "bench/cluster.py", *arguments]))
    for section in found:
        print(f"\n{section.title}")
        print("  " + " | ".join(section.columns))
        for row in section.rows:
            print("  " + " | ".join(row))
        for note in section.notes:
            print(f"  - {note}")
    write_sections(options.json, found)
    elapsed = time.perf_counter() - started
    print(f"\nbench/cluster.py took {elapsed / 60:.1f} min", file=sys.stderr)


if __name__ == "__main__":
    main()
