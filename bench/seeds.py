"""The seeds' performance claims, measured: what getting a singleton costs, each way.

Seed 000 (../shared/seeds/000_*.txt) says that a singleton by module-level caching beats a
class-based one "by ~40% due to no lock overhead", and that `__new__` "is slower than
lru_cache by about 15%". bench/seeds_access.py builds every way in a module of its own (a
module attribute, a module function caching in a global, `lru_cache(maxsize=1)`,
`functools.cache`, `__new__` with a lock and a double check, the same without the lock, a
metaclass `__call__` with a lock and a double check) and times getting the instance again with
`timeit`, in rounds that interleave the ways. It runs on a GIL build of 3.13, on the
free-threaded runtime and on the grader's own Python; nothing is installed into any of them
(timeit is the standard library's; the runtime's venv is where students' code runs).
Prints median ns per access, and the seed's ratios as medians of per-round ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import Section, write_sections  # noqa: E402
from memory_interpreters import Interpreter, describe, free_threaded, gil_313, grader_own, run_script  # noqa: E402
from memory_table import print_section  # noqa: E402

BENCH = Path(__file__).resolve().parent
TOLERANCE = 0.15  # a measured ratio within 15% of the stated one is taken to hold


@dataclass(frozen=True)
class Claim:
    text: str       # what the seed says
    slower: str     # the way it says costs more
    faster: str     # the way it says costs less
    stated: float   # slower / faster, as the seed puts it


CLAIMS = (
    Claim("module-level caching beats a class-based singleton by ~40% (module attribute)",
          "__new__, lock + double check", "module attribute", 1.40),
    Claim("module-level caching beats a class-based singleton by ~40% (lru_cache getter)",
          "__new__, lock + double check", "lru_cache(maxsize=1) getter", 1.40),
    Claim("... also against a metaclass singleton (module attribute)",
          "metaclass __call__, lock + double check", "module attribute", 1.40),
    Claim("__new__ is ~15% slower than lru_cache",
          "__new__, lock + double check", "lru_cache(maxsize=1) getter", 1.15),
    Claim("... \"due to no lock overhead\": the lock's share of a __new__ access",
          "__new__, lock + double check", "__new__, check without a lock", 1.0),
)


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def paired_ratio(samples: dict[str, list[float]], slower: str, faster: str) -> float:
    """Median over rounds of slower/faster, each round's pair timed back to back."""
    return statistics.median(a / b for a, b in zip(samples[slower], samples[faster]))


def verdict(claim: Claim, measured: float) -> str:
    """One word for how a measured ratio stands to the stated one."""
    if claim.stated == 1.0:
        return "no cost" if abs(measured - 1) <= TOLERANCE else f"costs {(measured - 1) * 100:+.0f}%"
    if measured < 1:
        return "reversed"
    if abs(measured / claim.stated - 1) <= TOLERANCE:
        return "holds"
    return "larger than stated" if measured > claim.stated else "smaller than stated"


def verdicts(claim: Claim, ratios: list[float], labels: list[str]) -> str:
    words = [verdict(claim, value) for value in ratios]
    if len(set(words)) == 1:
        return words[0] + (" on both builds" if len(words) == 2 else "")
    return ", ".join(f"{word} ({label})" for word, label in zip(words, labels))


def measure(interpreters: list[Interpreter], number: int, rounds: int) -> list[tuple[str, dict[str, Any]]]:
    measured = []
    for interpreter in interpreters:
        progress(f"  seeds: {interpreter.label} ({interpreter.executable}), {rounds} rounds of {number:,}")
        facts = run_script(interpreter, BENCH / "seeds_access.py", str(number), str(rounds))
        measured.append((describe(interpreter, facts), facts))
    return measured


def access_section(measured: list[tuple[str, dict[str, Any]]], command: str) -> Section:
    first = measured[0][1]
    section = Section(
        title=f"Getting a singleton: ns per access (timeit, median of {first['rounds']} rounds of {first['number']:,})",
        columns=["way", *(label for label, _ in measured)],
        command=command,
    )
    for way in first["samples_ns"]:
        name = "timeit's own loop (in every figure)" if way == "loop" else way
        section.rows.append([name, *(f"{statistics.median(facts['samples_ns'][way]):.0f} ns" for _, facts in measured)])
    section.notes += [
        "every instance exists before timing: this is the cost of getting it again, the call a program repeats",
        "ratios below are of these figures as timeit gives them, each including the loop's cost",
        "timed with the standard library's timeit inside each interpreter: nothing is installed "
        "into the interpreters measured here",
    ]
    return section


def claims_section(measured: list[tuple[str, dict[str, Any]]], command: str) -> Section:
    builds = [(label, facts) for label, facts in measured if not label.startswith("grader")] or measured
    section = Section(
        title="Seed 000's claims, checked (slower way / faster way, median of paired rounds)",
        columns=["claim", "stated", *(f"{label}" for label, _ in builds), "what holds"],
        command=command,
    )
    for claim in CLAIMS:
        ratios = [paired_ratio(facts["samples_ns"], claim.slower, claim.faster) for _, facts in builds]
        section.rows.append([
            claim.text,
            f"{claim.stated:.2f}x",
            *(f"{value:.2f}x" for value in ratios),
            verdicts(claim, ratios, [label for label, _ in builds]),
        ])
    section.notes += plain_words(builds)
    return section


def plain_words(builds: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """What the figures say about the seed, in sentences written from the figures."""
    notes = ["\"beats by ~40%\" is read as the class-based way taking 1.40x as long; read as 40% "
             "less time for module-level caching it would be 1.67x"]
    new, lru, module = "__new__, lock + double check", "lru_cache(maxsize=1) getter", "module attribute"
    for label, facts in builds:
        samples = facts["samples_ns"]
        lock_share = paired_ratio(samples, new, "__new__, check without a lock")
        notes.append(
            f"{label}: a `__new__` singleton costs {paired_ratio(samples, new, module):.1f}x a module "
            f"attribute and {paired_ratio(samples, new, lru):.1f}x an lru_cache getter; the same "
            f"`__new__` without its lock costs {1 / lock_share:.2f}x what it does with it"
        )
    lowest = min(paired_ratio(facts["samples_ns"], new, lru) for _, facts in builds)
    locks = [abs(paired_ratio(facts["samples_ns"], new, "__new__, check without a lock") - 1) for _, facts in builds]
    if lowest > 1.40 * (1 + TOLERANCE):
        notes.append(
            "module-level caching does beat a class-based singleton, by far more than 40%: "
            f"at least {lowest:.1f}x against an lru_cache getter, more against a module attribute"
        )
    if all(share <= TOLERANCE for share in locks):
        notes.append(
            "the reason the seed gives does not hold: after the first call a double-checked lock "
            "is never taken, and dropping it changes nothing measurable. The cost of `Singleton()` "
            "is the class call itself (type.__call__, a Python-level `__new__` or metaclass "
            "`__call__`, then `__init__`), which a module attribute or a cached function does not pay"
        )
    if lowest > 1.15 * (1 + TOLERANCE):
        notes.append(f"`__new__` is not 15% slower than lru_cache: it is {lowest:.1f}x or more as slow")
    ways = [way for way in builds[0][1]["samples_ns"] if way != "loop"]
    if len(builds) == 2 and all(
        statistics.median(builds[1][1]["samples_ns"][way]) > statistics.median(builds[0][1]["samples_ns"][way])
        for way in ways
    ):
        notes.append(
            f"{builds[1][0]} is slower than {builds[0][0]} at every way (3.13's free-threaded build "
            "runs without the specializing interpreter)"
        )
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--number", type=int, default=20_000, help="accesses per timing")
    parser.add_argument("--rounds", type=int, default=25, help="timings per way (more for a quieter figure)")
    parser.add_argument("--json", type=Path, help="write the sections here, for bench/all.py")
    options = parser.parse_args()
    interpreters: list[Interpreter] = []
    skipped: list[Interpreter] = []
    for interpreter in (gil_313(), free_threaded(), grader_own()):
        (interpreters if interpreter.executable else skipped).append(interpreter)
    measured = measure(interpreters, options.number, options.rounds)
    command = f"python bench/seeds.py --number {options.number} --rounds {options.rounds}"
    sections = [access_section(measured, command), claims_section(measured, command)]
    sections[0].notes += [f"{interpreter.label}: skipped, {interpreter.missing}" for interpreter in skipped]
    for section in sections:
        print_section(section)
    write_sections(options.json, sections)


if __name__ == "__main__":
    main()
