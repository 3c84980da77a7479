"""What a message and a grading cost in memory.

1. Bytes per message, slotted against unslotted dataclasses: the notification-pipeline's
   `EmailMessage` and `SMSMessage`, 100,000 of each built under tracemalloc
   (bench/memory_messages.py), on a GIL 3.13, on the free-threaded runtime and on the grader's
   own Python. The field strings are shared, so the figure is the message object alone.
2. One grading's peak memory: `grade submit` of each challenge's reference, as a student runs
   it, with the peak resident set of the `grade` process (the parent), of the sandboxed child
   that runs the hidden suite, and of the type checker, read from /proc while they run
   (bench/memory_tree.py says why from outside), beside the kernel's figure from `os.wait4`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import Section, write_sections  # noqa: E402
from memory_table import print_section  # noqa: E402
from memory_interpreters import describe, free_threaded, gil_313, grader_own, run_script  # noqa: E402
from memory_tree import measure_tree, wait4_under_bubblewrap  # noqa: E402

from grader.catalog import list_challenges, project_root  # noqa: E402
from grader.sandbox import SandboxLevel, detect_sandbox  # noqa: E402

BENCH = Path(__file__).resolve().parent
GRADE = Path(sys.executable).parent / "grade"
MESSAGE_NAMES = {"email": "EmailMessage (3 fields)", "sms": "SMSMessage (2 fields)"}


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def megabytes(kb: int | None) -> str:
    return f"{kb / 1024:.1f} MB" if kb else "-"


def message_section(count: int) -> Section:
    section = Section(
        title=f"Bytes per message, slotted against unslotted dataclass ({count:,} messages, tracemalloc)",
        columns=["interpreter", "message", "unslotted", "slotted", "slotted / unslotted"],
        command=f"python bench/memory.py --messages {count} --challenges none",
    )
    for interpreter in (gil_313(), free_threaded(), grader_own()):
        if interpreter.executable is None:
            section.notes.append(f"{interpreter.label}: skipped, {interpreter.missing}")
            continue
        progress(f"  messages: {interpreter.label} ({interpreter.executable})")
        facts = run_script(interpreter, BENCH / "memory_messages.py", str(count))
        for kind, figures in facts["messages"].items():
            section.rows.append([
                describe(interpreter, facts),
                MESSAGE_NAMES[kind],
                f"{figures['unslotted']:.0f} B",
                f"{figures['slotted']:.0f} B",
                f"{figures['slotted'] / figures['unslotted']:.2f}",
            ])
    section.notes += [
        "the message object alone: every message shares the same field strings, and the list "
        "holding them is allocated before tracing starts",
        "an unslotted instance here keeps its attributes without a dict of its own until "
        "something asks for `__dict__` (vars(), pickling by dict); then a dict is added to it, "
        "which a slotted message never has",
        "the free-threaded build's object header is 32 bytes against the GIL build's 16, but it "
        "needs no separate 16-byte header for the garbage collector, so a message costs the same "
        "on both",
    ]
    return section


def grading_section(challenge_ids: list[str]) -> Section:
    section = Section(
        title="Peak memory of one grading (`grade submit` of the reference)",
        columns=["challenge", "parent (grade)", "child (hidden suite)", "child's subprocesses",
                 "type checker", "wait4 of grade (kernel)", "wall", "verdict"],
        command=f"python bench/memory.py --challenges {','.join(challenge_ids)}",
    )
    for challenge_id in challenge_ids:
        reference = project_root() / "solutions" / challenge_id / "reference"
        if not reference.is_dir():
            section.notes.append(f"{challenge_id}: skipped, no reference at {reference}")
            continue
        progress(f"  grading: {challenge_id}")
        started = time.perf_counter()
        peaks = measure_tree([str(GRADE), "submit", str(reference), "--challenge", challenge_id,
                              "--format", "json", "--seed", "1"])
        wall = time.perf_counter() - started
        roles = peaks.by_role
        section.rows.append([
            challenge_id,
            megabytes(roles.get("parent")),
            megabytes(roles.get("child")),
            megabytes(roles.get("child's subprocesses")),
            megabytes(roles.get("type checker")),
            megabytes(peaks.tree_kb),
            f"{wall:.1f} s",
            "full marks" if peaks.exit_code == 0 else f"exit {peaks.exit_code}: not full marks",
        ])
    section.notes += [
        "peak resident set (VmHWM) of each process, read from /proc every 10 ms while it runs: "
        "the sandbox reaps its child with Popen.wait and keeps no rusage, so the figures are "
        "taken from outside",
        "wait4 is the kernel's ru_maxrss for `grade` and every process it waited for",
        wait4_note(),
        "the parent's column is the whole `grade` command: interpreter, CLI imports, grading, "
        "rendering; the collection of the hidden suite is cached, so it does not run here",
    ]
    return section


def wait4_note() -> str:
    """Whether the kernel's figure includes the sandboxed child, found out on this machine."""
    if detect_sandbox() is not SandboxLevel.BUBBLEWRAP:
        return "the child runs without bubblewrap here, so wait4's figure includes it"
    figures = wait4_under_bubblewrap()
    if figures is None:
        return "whether wait4's figure includes the sandboxed child could not be checked here"
    bare, wrapped = figures
    seen = "sees it" if wrapped >= bare * 0.9 else "does not see it"
    return (f"a process that touches 100 MB shows as {megabytes(bare)} to wait4 when run bare and "
            f"{megabytes(wrapped)} under `bwrap --unshare-all` (its own pid namespace), so wait4 {seen}: "
            + ("RUSAGE_CHILDREN cannot stand for the sandboxed child's memory" if seen.startswith("does not")
               else "yet the polled figures are kept, to name each process"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=100_000, help="messages per class and interpreter (0 skips)")
    parser.add_argument("--challenges", default="all",
                        help="comma-separated challenge ids to grade, 'all' (default) or 'none'")
    parser.add_argument("--json", type=Path, help="write the sections here, for bench/all.py")
    options = parser.parse_args()
    if options.challenges == "all":
        challenge_ids = [challenge.id for challenge in list_challenges()]
    elif options.challenges == "none":
        challenge_ids = []
    else:
        challenge_ids = [part.strip() for part in options.challenges.split(",") if part.strip()]

    sections = []
    if options.messages:
        sections.append(message_section(options.messages))
    if challenge_ids:
        sections.append(grading_section(challenge_ids))
    for section in sections:
        print_section(section)
    write_sections(options.json, sections)


if __name__ == "__main__":
    main()
