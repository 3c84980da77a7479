"""`make bench`: what grading costs, measured in one run on this machine.

Times whole processes, alternating the two commands so machine noise hits both alike, and
prints medians and the paired ratio:
- `grade submit` of the reference (sandbox, collection, static checks, scoring, report);
- the same hidden suite run by plain pytest with the grader's fixtures and no isolation
  (no sandbox, no collection in the parent, no static checks, no scoring).
Both runs must pass every test, or nothing is timed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from grader.catalog import load_challenge, project_root
from grader.runtime import find_runtime
from grader.sandbox import CHILD_LAUNCHER


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done.stdout


def check_all_passed(label: str, output: str, expected: int) -> None:
    """A baseline that failed early would make any ratio meaningless."""
    if label == "grade":
        passed = json.loads(output)["passed"]
    else:
        records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        passed = sum(r.get("outcome") == "passed" for r in records if r.get("event") == "test") == expected
    if not passed:
        sys.exit(f"bench: the {label} run of the reference did not pass every test; not timing it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--challenge", default="notification-pipeline")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    challenge = load_challenge(options.challenge)
    runtime = find_runtime()
    reference = project_root() / "solutions" / challenge.id / "reference"
    grade = [str(Path(sys.executable).parent / "grade"), "submit", str(reference),
             "--challenge", challenge.id, "--format", "json", "--seed", "1"]
    raw = [str(runtime.executable), "-I", "-B", str(CHILD_LAUNCHER), "--records-fd", "1",
           "--tests", str(challenge.tests_dir), "--submission", str(reference),
           "--module", challenge.module, "--threads", str(challenge.stress.threads),
           "--rounds", str(challenge.stress.rounds), "--seed", "1",
           "--test-timeout", str(challenge.limits.test_seconds)]
    _, warm = timed(grade)  # warms the collection cache and the page cache
    check_all_passed("grade", warm, 0)
    expected = len(json.loads(warm)["tests"]) - len(challenge.static_checks)
    grade_times, raw_times, ratios = [], [], []
    for run in range(options.runs):
        g, graded = timed(grade)
        r, raw_output = timed(raw)
        check_all_passed("grade", graded, 0)
        check_all_passed("plain pytest", raw_output, expected)
        grade_times.append(g)
        raw_times.append(r)
        ratios.append(g / r)
        print(f"run {run + 1}/{options.runs}: grade submit {g:.2f} s, plain pytest {r:.2f} s", file=sys.stderr)

    print(f"\n{challenge.id}, reference solution, {options.runs} paired runs, "
          f"Python {runtime.version} ({'GIL disabled' if runtime.gil_disabled else 'GIL enabled'})")
    print(f"  grade submit   median {statistics.median(grade_times):6.2f} s  "
          f"(min {min(grade_times):.2f}, max {max(grade_times):.2f})")
    print(f"  plain pytest   median {statistics.median(raw_times):6.2f} s  "
          f"(min {min(raw_times):.2f}, max {max(raw_times):.2f})")
    print(f"  ratio          median {statistics.median(ratios):6.2f} x  (grade / plain, paired)")


if __name__ == "__main__":
    main()
