"""The catch rate, the grader's core claim: every concurrency mutant caught, every reference passed.

For every concurrency mutant of every challenge (one that must lose a group holding tests that
use the `stress` fixture, read from the suite itself):

1. the share of stress rounds in which its race shows, under plain pytest (bench/plain) with one
   round per test execution, on a GIL build of 3.13, on the free-threaded build without injected
   latency, and on the free-threaded build with it (as `grade submit` runs);
2. the share of whole gradings (`grade_submission`: the real sandbox, child and scoring) that
   fail it, and the reference's pass rate over the same gradings, narrowed to the groups that
   matter (bench/catch_grading.py says what a run covers).

A whole-grading rate below 100%, or a reference below 100%, is printed as MISSED.

    .venv/bin/python bench/catch.py [--runs 20] [--repeat 20] [--only ID] [--json FILE]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import interpreters  # noqa: E402
from catch_grading import Grading, GradingRun, Narrowed, grade_all  # noqa: E402
from catch_report import Measured, sections  # noqa: E402
from catch_rounds import Config, TestRate, measure  # noqa: E402
from catch_suite import Mutant, Suite, concurrency_mutants, read_suite  # noqa: E402
from figures import write_sections  # noqa: E402
from plain.commands import reference  # noqa: E402

from grader.catalog import list_challenges  # noqa: E402
from grader.errors import GradeError  # noqa: E402
from grader.runtime import Runtime, find_runtime  # noqa: E402


def configurations(runtime: Runtime) -> list[Config]:
    gil = interpreters.gil()
    free = interpreters.free_threaded()
    return [
        Config("gil", f"{gil.label} round rate", gil.python, latency=True, missing=gil.missing),
        Config("ft", f"{free.label} round rate, no latency", free.python, latency=False, missing=free.missing),
        Config("ft+latency", f"{free.label} round rate, latency", free.python, latency=True, missing=free.missing),
    ]


def catching_tests(mutant: Mutant, runs: list[GradingRun]) -> tuple[str, ...]:
    """The stress test that failed the mutant in the most whole gradings (none if no stress test
    did): the one whose round rate stands for the mutant."""
    failed_in = {test: sum(test in run.failed_tests for run in runs) for test in mutant.tests}
    best = max(mutant.tests, key=lambda test: failed_in[test], default="")
    return (best,) if best and failed_in[best] else ()


def measure_rounds(
    pairs: list[tuple[Suite, Mutant]],
    catching: dict[tuple[str, str], tuple[str, ...]],
    configs: list[Config],
    runtime: Runtime,
    *,
    repeat: int,
    seed: int,
    jobs: int,
) -> dict[tuple[str, str, str], dict[str, TestRate] | str]:
    """(challenge, mutant, config) -> per-test rates, or why it could not be measured."""
    started = time.perf_counter()

    def one(suite: Suite, mutant: Mutant, config: Config) -> dict[str, TestRate] | str:
        tests = catching[suite.challenge.id, mutant.solution.name]
        try:
            found = measure(suite.challenge, mutant, tests, config, runtime, repeat=repeat, seed=seed)
        except Exception as exc:  # noqa: BLE001 - one failed measurement is reported, the rest go on
            return f"error: {str(exc).splitlines()[0][:200]}"
        failed = sum(rate.failed for rate in found.values())
        executions = sum(rate.executions for rate in found.values())
        print(f"  [{time.perf_counter() - started:5.0f} s] rounds {suite.challenge.id} {mutant.solution.name} "
              f"{config.key}: {failed}/{executions} executions failed", file=sys.stderr, flush=True)
        return found

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            (suite.challenge.id, mutant.solution.name, config.key): pool.submit(one, suite, mutant, config)
            for suite, mutant in pairs for config in configs
            if config.python is not None and catching[suite.challenge.id, mutant.solution.name]
        }
        return {key: future.result() for key, future in futures.items()}


def plan_gradings(pairs: list[tuple[Suite, Mutant]], narrowed: Narrowed) -> list[Grading]:
    """Each mutant on its concurrency groups; each reference on every concurrency group its
    challenge's mutants must lose."""
    gradings: list[Grading] = []
    by_challenge: dict[str, list[Mutant]] = {}
    suites = {suite.challenge.id: suite for suite, _ in pairs}
    for suite, mutant in pairs:
        by_challenge.setdefault(suite.challenge.id, []).append(mutant)
    for challenge_id, mutants in by_challenge.items():
        challenge = suites[challenge_id].challenge
        groups = {group for mutant in mutants for group in mutant.groups}
        gradings.append(Grading(f"{challenge_id}/reference", reference(challenge),
                                narrowed.to(challenge, groups), frozenset()))
        gradings.extend(
            Grading(f"{challenge_id}/{mutant.solution.name}", mutant.solution.path,
                    narrowed.to(challenge, mutant.groups), frozenset(mutant.groups))
            for mutant in mutants
        )
    return gradings


def _rerun_command(arguments: list[str]) -> str:
    """This run's command line without --json: how to rerun just this section."""
    kept = []
    skip = False
    for argument in arguments:
        if skip:
            skip = False
        elif argument == "--json":
            skip = True
        elif not argument.startswith("--json="):
            kept.append(argument)
    return " ".join([".venv/bin/python bench/catch.py", *kept])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="whole gradings per mutant and reference (20)")
    parser.add_argument("--repeat", type=int, default=20, help="executions of the catching test per configuration (20)")
    parser.add_argument("--jobs", type=int, default=2, help="processes at once (2)")
    parser.add_argument("--seed", type=int, default=1, help="the plain runs' seed (1); gradings use seeds 1..runs")
    parser.add_argument("--only", action="append", default=[], metavar="ID", help="just this challenge (repeatable)")
    parser.add_argument("--json", type=Path, help="write the sections here, for bench/all.py")
    options = parser.parse_args()
    if options.runs < 1 or options.repeat < 1 or options.jobs < 1:
        parser.error("--runs, --repeat and --jobs must be at least 1")
    started = time.perf_counter()
    try:
        runtime = find_runtime()
        challenges = [c for c in list_challenges() if not options.only or c.id in options.only]
    except GradeError as exc:
        print(f"catch: {exc}", file=sys.stderr)
        return 2
    unknown = sorted(set(options.only) - {c.id for c in challenges})
    if unknown:
        parser.error(f"unknown challenge {', '.join(unknown)}")
    pairs: list[tuple[Suite, Mutant]] = []
    for challenge in challenges:
        suite = read_suite(challenge, runtime)
        pairs.extend((suite, mutant) for mutant in concurrency_mutants(suite))
    print(f"catch: {len(pairs)} concurrency mutants in {len(challenges)} challenges", file=sys.stderr, flush=True)

    grading_started = time.perf_counter()

    def progress(run: GradingRun) -> None:
        mark = "" if run.as_expected else "  <- MISSED"
        print(f"  [{time.perf_counter() - grading_started:5.0f} s] grading {run.grading.name} seed {run.seed}: "
              f"lost {sorted(run.lost) or 'nothing'}{mark}", file=sys.stderr, flush=True)

    with Narrowed() as narrowed:
        gradings = plan_gradings(pairs, narrowed)
        runs = grade_all(gradings, runtime, runs=options.runs, jobs=options.jobs, on_run=progress)
    gradings_seconds = time.perf_counter() - grading_started

    rounds_started = time.perf_counter()
    catching = {
        (suite.challenge.id, mutant.solution.name):
            catching_tests(mutant, runs[f"{suite.challenge.id}/{mutant.solution.name}"])
        for suite, mutant in pairs
    }
    configs = configurations(runtime)
    rounds = measure_rounds(pairs, catching, configs, runtime, repeat=options.repeat, seed=options.seed,
                            jobs=options.jobs)
    measured = Measured(
        pairs=pairs, configs=configs, catching=catching, rounds=rounds, gradings=runs, runs=options.runs,
        repeat=options.repeat, seed=options.seed, jobs=options.jobs,
        rounds_seconds=time.perf_counter() - rounds_started, gradings_seconds=gradings_seconds,
    )
    write_sections(options.json, sections(measured, command=_rerun_command(sys.argv[1:])))
    print(f"catch: {time.perf_counter() - started:.0f} s in all", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
