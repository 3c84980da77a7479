"""How long a student waits for a verdict: `grade submit` of each challenge's reference and of
a typical failing submission, cold and warm.

- The failing submission is a mutant from solutions/ID/mutants/: one that loses a single
  requirement group, a concurrency group (a missing or misplaced lock) where there is one.
- Cold: the challenge's entry in the collection cache (~/.cache/grade/collected/ID-*.json) is
  removed first, as on the first grading of a challenge after `grade setup`. mypy's cache of
  the standard library stays: `grade setup` builds it, and every type check starts from a
  private copy of it (grader/static.py), so there is no per-challenge mypy cache to empty.
- Warm: the same command again right after.
Whole processes, the verdict in JSON (`--format json`), the seed fixed at 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import Section, median, seconds, write_sections  # noqa: E402
from plain.commands import grade_command, reference, run, typical_mutant  # noqa: E402

from grader.catalog import Challenge, list_challenges  # noqa: E402
from grader.runtime import cache_dir  # noqa: E402

def forget_collection(challenge: Challenge) -> None:
    for entry in (cache_dir() / "collected").glob(f"{challenge.id}-*.json"):
        entry.unlink(missing_ok=True)


def time_verdicts(challenge: Challenge, submission: Path, runs: int, env: dict[str, str]) -> tuple[list[float], list[float], str]:
    """Cold and warm seconds over `runs` pairs, and the verdict (score) the runs gave."""
    command = grade_command(challenge, submission, env=env)
    cold: list[float] = []
    warm: list[float] = []
    verdict = "-"
    for _ in range(runs):
        forget_collection(challenge)
        first = run(command)
        second = run(command)
        cold.append(first.seconds)
        warm.append(second.seconds)
        verdict = score_of(second.stdout)
    return cold, warm, verdict


def score_of(output: str) -> str:
    try:
        result = json.loads(output)
    except ValueError:
        return "no verdict"
    return f"{result['score']:g}/{result['max_score']:g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1, help="cold-then-warm pairs per submission (default 1)")
    parser.add_argument("--challenge", action="append", help="only this challenge (repeatable)")
    parser.add_argument("--json", type=Path, help="write the section here, for bench/all.py")
    options = parser.parse_args()
    challenges = [c for c in list_challenges() if not options.challenge or c.id in options.challenge]
    section = Section(
        title="Time to a verdict: grade submit, cold (collection cache emptied) and warm",
        columns=["challenge", "submission", "verdict", "cold", "warm"],
        command="python bench/verdict.py" + (f" --runs {options.runs}" if options.runs != 1 else ""),
    )
    with tempfile.TemporaryDirectory(prefix="grade-bench-verdict-") as scratch:
        env = {**os.environ, "XDG_STATE_HOME": str(Path(scratch) / "state")}
        for challenge in challenges:
            mutant = typical_mutant(challenge)
            submissions = [("reference", reference(challenge))]
            if mutant is not None:
                submissions.append((f"mutant {mutant[0]}", mutant[1]))
            for label, path in submissions:
                cold, warm, verdict = time_verdicts(challenge, path, options.runs, env)
                section.rows.append([challenge.id, label, verdict, seconds(median(cold)), seconds(median(warm))])
                print(f"  {challenge.id} {label}: {verdict}, cold {median(cold):.2f} s, warm {median(warm):.2f} s",
                      file=sys.stderr, flush=True)
    section.notes.append(
        f"{options.runs} cold-then-warm pair(s) per submission, medians; whole `grade submit ... --format json "
        "--seed 1` processes. Cold pays the suite's collection in a child of its own (once per suite and "
        "interpreter); mypy's standard-library cache, built by `grade setup`, is kept."
    )
    for row in section.rows:
        print("  " + " | ".join(row))
    write_sections(options.json, [section])


if __name__ == "__main__":
    main()
