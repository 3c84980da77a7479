"""The catch bench's figures as sections: one row per concurrency mutant and per reference.

A whole-grading rate below 100% (or a reference passing less than every run) reads MISSED, and
each missed run gets a row of its own with the seed that replays it and the first failure.
"""

from __future__ import annotations

from dataclasses import dataclass

from catch_grading import GradingRun
from catch_rounds import Config, TestRate, catching_test
from catch_suite import Mutant, Suite
from figures import Section, share

JUDGED_ON = ["ft+latency", "ft", "gil"]  # which test stands for a mutant: the one failing most here


@dataclass(frozen=True)
class Measured:
    pairs: list[tuple[Suite, Mutant]]
    configs: list[Config]
    catching: dict[tuple[str, str], tuple[str, ...]]  # the stress test that failed each mutant's gradings most
    rounds: dict[tuple[str, str, str], dict[str, TestRate] | str]
    gradings: dict[str, list[GradingRun]]
    runs: int
    repeat: int
    seed: int
    jobs: int
    rounds_seconds: float
    gradings_seconds: float


def _rate_cell(found: dict[str, TestRate] | str | None, test: str, config: Config) -> str:
    if config.python is None:
        return config.missing
    if isinstance(found, str):
        return found
    rate = (found or {}).get(test)
    return share(rate.failed, rate.executions) if rate else "-"


def _grading_cell(runs: list[GradingRun], reference: bool) -> str:
    good = sum(run.as_expected for run in runs)
    text = f"{'passed' if reference else 'failed'} {share(good, len(runs))}"
    return text if good == len(runs) else f"MISSED: {text}"


def sections(measured: Measured, *, command: str) -> list[Section]:
    configs = measured.configs
    columns = ["challenge", "mutant", "groups it must lose", "catching test",
               *(config.label for config in configs), f"whole gradings ({measured.runs} runs)"]
    rows: list[list[str]] = []
    never_on_gil: list[str] = []
    never_without_latency: list[str] = []
    not_by_stress: list[str] = []
    looping: dict[str, float] = {}
    done_challenges: set[str] = set()
    for suite, mutant in measured.pairs:
        challenge_id = suite.challenge.id
        if challenge_id not in done_challenges:
            done_challenges.add(challenge_id)
            reference_runs = measured.gradings.get(f"{challenge_id}/reference", [])
            groups = sorted(reference_runs[0].grading.challenge.groups, key=lambda g: g.id) if reference_runs else []
            rows.append([challenge_id, "reference", ", ".join(group.id for group in groups), "(every test)",
                         *("-" for _ in configs), _grading_cell(reference_runs, reference=True)])
        name = mutant.solution.name
        by_config = {
            config.key: found for config in configs
            if isinstance(found := measured.rounds.get((challenge_id, name, config.key)), dict)
        }
        test = catching_test(by_config, JUDGED_ON)
        if not measured.catching.get((challenge_id, name)):
            not_by_stress.append(f"{challenge_id}/{name}")
        cells = [_rate_cell(measured.rounds.get((challenge_id, name, config.key)), test, config)
                 for config in configs]
        for key, found in by_config.items():
            rate = found.get(test)
            if rate is None or not rate.executions or rate.failed:
                continue
            if rate.releases > rate.executions:  # only a passing execution shows the whole loop
                looping[test] = rate.releases / rate.executions
            if key == "gil":
                never_on_gil.append(f"{challenge_id}/{name}")
            elif key == "ft":
                never_without_latency.append(f"{challenge_id}/{name}")
        shown = test.split("::")[-1] if test else "none: no stress test failed it"
        rows.append([challenge_id, name, ", ".join(mutant.groups), shown, *cells,
                     _grading_cell(measured.gradings.get(f"{challenge_id}/{name}", []), reference=False)])

    notes = _notes(measured, never_on_gil, never_without_latency, looping)
    if not_by_stress:
        notes.append(f"{len(not_by_stress)} of {len(measured.pairs)} lose their concurrency group through its "
                     f"tests without `stress`: no stress test failed them in any whole grading "
                     f"({', '.join(not_by_stress)}); they have no round rate.")
    main = Section(
        title="Catch rate: every concurrency mutant, per stress round and per whole grading",
        columns=columns, rows=rows, notes=notes, command=command,
    )
    missed = [run for runs in measured.gradings.values() for run in runs if not run.as_expected]
    if not missed:
        return [main]
    misses = Section(
        title="Catch rate: MISSED gradings (replay with grade submit --seed)",
        columns=["solution", "seed", "must lose", "lost", "first failure"],
        rows=[[run.grading.name, str(run.seed), ", ".join(sorted(run.grading.must_lose)) or "(nothing)",
               ", ".join(sorted(run.lost)) or "nothing", run.first_failure or "-"] for run in missed],
        notes=["a mutant row: the grading kept a group the mutant must lose; a reference row: the reference "
               "lost a group it must keep"],
        command=command,
    )
    return [main, misses]


def _notes(measured: Measured, never_on_gil: list[str], never_without_latency: list[str],
           looping: dict[str, float]) -> list[str]:
    total = len(measured.pairs)
    notes = [
        f"{total} concurrency mutants: a mutant counts when it must lose a group holding a test whose fixtures "
        "include `stress` (read from the suite's collection, fixture closures included).",
        f"Round rates: plain pytest (bench/plain) with stress.rounds = 1, the catching test (the stress test "
        f"that failed the mutant in the most whole gradings) executed {measured.repeat} times (PLAIN_REPEAT), "
        f"seed {measured.seed}: failed executions / executions. The GIL build runs with latency injected, as "
        "a grading would.",
        f"Whole gradings: grade_submission (the sandbox, the child, scoring) with seeds 1..{measured.runs}, "
        f"{measured.jobs} at once, on a derived challenge holding only the groups in the row (a mutant: its "
        "concurrency groups; a reference: every concurrency group its challenge's mutants must lose), their "
        "test files with the suite's conftest, helpers and support files, the challenge's own limits and "
        "stress settings, and no static checks. A mutant is failed when it loses every group in the row; a "
        "reference passes when it loses none.",
        f"Time: {measured.rounds_seconds:.0f} s for the round rates, {measured.gradings_seconds:.0f} s for "
        f"{sum(len(runs) for runs in measured.gradings.values())} gradings.",
    ]
    if never_on_gil:
        notes.append(f"Finding: on the GIL build the race never showed for {len(never_on_gil)} of {total} "
                     f"mutants: {', '.join(never_on_gil)} (expected: the GIL hides them; free threading is "
                     "what the grader relies on).")
    if never_without_latency:
        notes.append(f"Free-threaded without latency, never shown: {', '.join(never_without_latency)} "
                     "(these races need the injected latency).")
    for test, releases in sorted(looping.items()):
        notes.append(f"{test} loops on its own: a passing execution released threads {releases:.0f} times, "
                         "so its rate is per execution of that loop, not per single round.")
    return notes
