"""Runner stage: collect the hidden suite, then run it in children until every test has an outcome.

Collection happens without the student's code, so the parent knows which tests exist before
the submission can say anything. A child that dies or hangs inside a test costs that test only:
the runner starts a new child for the tests still owed, until the submission's wall clock runs
out. Whatever is still owed then is `not_run`. Records turn into `TestOutcome`s here; nothing
here knows about points.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.atomic import write_atomically
from grader.catalog import Challenge
from grader.errors import ChallengeError
from grader.outcomes import Status, StressSettings, TestOutcome
from grader.runtime import Runtime, cache_dir
from grader.sandbox import ChildRun, SandboxLevel, Workspace, refresh_tests, run_child
from grader.tamper import contradictions, plant_canaries
from grader.utf8 import clean_text


@dataclass(frozen=True, slots=True)
class Execution:
    """Everything the children said and did, read by the parent."""

    outcomes: tuple[TestOutcome, ...]
    gil_enabled_after_import: bool | None
    gil_enabled_at_end: bool | None
    import_error: str | None
    output: str
    output_truncated: bool
    children: int
    notes: tuple[str, ...]
    tamper_evidence: tuple[str, ...]
    # When each step of the first child ended (name, time.monotonic()), for the breakdown.
    marks: tuple[tuple[str, float], ...] = ()


class SuiteError(ChallengeError):
    """The hidden suite itself could not be collected: a fault of the challenge, not the student."""


def collect_tests(challenge: Challenge, runtime: Runtime, workspace: Workspace) -> tuple[str, ...]:
    """The suite's test ids, collected without the student's code; cached per suite content."""
    key = _suite_key(challenge.tests_dir, runtime)
    cached = cache_dir() / "collected" / f"{challenge.id}-{key}.json"
    try:
        return tuple(json.loads(cached.read_text()))
    except (OSError, ValueError, TypeError):
        pass  # not collected yet, or emptied meanwhile (bench/verdict.py times a cold start so)
    command = _launcher_command(runtime, workspace, collect_only=True)
    run = run_child(
        command=command,
        workspace=workspace,
        limits=challenge.limits,
        level=SandboxLevel.LIMITS_ONLY,
        timeout_s=60,
    )
    collected = next((r["nodeids"] for r in run.records if r.get("event") == "collected"), None)
    if not collected:
        errors = [r.get("message", "") for r in run.records if r.get("event") == "collect_error"]
        detail = (errors[0] if errors else run.output).strip()[-500:]
        raise SuiteError(f"could not collect the hidden suite of {challenge.id}: {detail}")
    write_atomically(cached, lambda stream: stream.write(json.dumps(collected)))
    return tuple(collected)


def _suite_key(tests_dir: Path, runtime: Runtime) -> str:
    digest = hashlib.sha256(f"{runtime.executable}|{runtime.version}".encode())
    for path in sorted(tests_dir.rglob("*.py")):
        digest.update(str(path.relative_to(tests_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _launcher_command(
    runtime: Runtime,
    workspace: Workspace,
    *,
    collect_only: bool = False,
    module: str = "",
    stress: StressSettings | None = None,
    test_timeout: float | None = None,
    allow: tuple[str, ...] = (),
    nodeids: tuple[str, ...] = (),
) -> list[str]:
    """The child's command line: collecting needs the suite only; grading needs every setting,
    passed as the catalog (or whoever runs the grader) decided, since the child has no defaults."""
    command = [
        str(runtime.executable), "-I", "-B", str(workspace.launcher),
        "--records-fd", "{fd}",
        "--tests", str(workspace.tests),
    ]
    if collect_only:
        return command + ["--collect-only"]
    assert stress is not None and test_timeout is not None
    return command + [
        "--submission", str(workspace.submission),
        "--module", module,
        "--threads", str(stress.threads),
        "--rounds", str(stress.rounds),
        "--seed", str(stress.seed),
        "--test-timeout", str(test_timeout),
        "--hide-tests",
        *(part for name in allow for part in ("--allow", name)),
        *nodeids,
    ]


def run_suite(
    *,
    challenge: Challenge,
    runtime: Runtime,
    workspace: Workspace,
    collected: tuple[str, ...],
    stress: StressSettings,
    level: SandboxLevel,
    on_outcome: Callable[[TestOutcome], None] = lambda _: None,
) -> Execution:
    """Run children until every collected test has an outcome or the wall clock runs out.

    The clocks are the challenge's limits: `wall_seconds` for the whole run, `test_seconds` per test."""
    wall_seconds, test_seconds = challenge.limits.wall_seconds, challenge.limits.test_seconds
    deadline = time.monotonic() + wall_seconds
    outcomes: dict[str, TestOutcome] = {}
    notes: list[str] = []
    session: dict = {}
    end: dict = {}
    output_parts: list[str] = []
    truncated = False
    children = 0
    known = set(collected)
    evidence: list[str] = []
    import_failure: str | None = None
    marks: list[tuple[str, float]] = []

    def owed() -> tuple[str, ...]:
        return tuple(nodeid for nodeid in collected if nodeid not in outcomes)

    def record_outcome(record: dict) -> None:
        nodeid = record.get("nodeid")
        if record.get("event") != "test" or nodeid not in known or nodeid in outcomes:
            return
        status = {
            "passed": Status.PASSED, "failed": Status.FAILED,
        }.get(str(record.get("outcome")), Status.ERROR)
        message = clean_text(record.get("message", ""))
        if record.get("outcome") == "skipped":
            message = message or "the test was skipped"
        outcome = TestOutcome(nodeid, status, float(record.get("duration", 0.0)), message)
        outcomes[nodeid] = outcome
        on_outcome(outcome)

    while owed():
        remaining_time = deadline - time.monotonic()
        if remaining_time <= 0:
            break
        children += 1
        started_here: list[str] = []

        def on_record(record: dict) -> None:
            if record.get("event") == "start" and record.get("nodeid") in known:
                started_here.append(record["nodeid"])
            elif record.get("event") == "end" and children == 1:
                marks.append(("tests", time.monotonic()))
            record_outcome(record)

        refresh_tests(workspace, challenge)
        canaries = plant_canaries(workspace.tests, seed=stress.seed)
        targets = owed() + tuple(canary.nodeid for canary in canaries) if children > 1 else ()
        run = run_child(
            command=_launcher_command(
                runtime, workspace, module=challenge.module, stress=stress,
                test_timeout=test_seconds, allow=challenge.allow, nodeids=targets,
            ),
            workspace=workspace,
            limits=challenge.limits,
            level=level,
            timeout_s=remaining_time,
            readable=runtime.prefixes,
            on_record=on_record,
        )
        if children == 1:
            marks[:0] = [("child spawn", run.spawned_at), *_child_marks(run, started_at=run.spawned_at)]
            marks.append(("child exit", time.monotonic()))
        output_parts.append(run.output)
        truncated = truncated or run.output_truncated
        evidence.extend(contradictions(run.records, canaries))
        for record in run.records:
            if record.get("event") == "session" and not session:
                session = record
            elif record.get("event") == "end":
                end = record
        if not owed():
            break
        interrupted = next((n for n in reversed(started_here) if n not in outcomes), None)
        timeout_record = next((r for r in run.records if r.get("event") == "timeout"), None)
        if run.timed_out:
            message = f"timed out: the submission's {wall_seconds:.0f} s limit ran out"
            if interrupted:
                message += " during this test"
                _settle(outcomes, on_outcome, interrupted, Status.TIMEOUT, message)
            notes.append(f"the submission ran out of its {wall_seconds:.0f} s wall-clock limit")
            break
        if timeout_record is not None:
            where = timeout_record.get("nodeid")
            if where in known:
                _settle(outcomes, on_outcome, where, Status.TIMEOUT,
                        f"timed out after {test_seconds:.0f} s in this test")
                continue
            notes.append(f"importing {challenge.submission_file} took over {test_seconds:.0f} s")
            import_failure = f"timed out after {test_seconds:.0f} s importing {challenge.submission_file}"
            _settle_all(outcomes, on_outcome, owed(), Status.TIMEOUT, import_failure)
            break
        if interrupted is not None:
            _settle(outcomes, on_outcome, interrupted, Status.ERROR,
                    f"the test process ended during this test ({_describe_exit(run.exit_code)})")
            continue
        # The child ended before it started any test still owed: another try would end the same.
        reason = _describe_exit(run.exit_code)
        if not session:
            message = f"the test process ended while importing {challenge.submission_file} ({reason})"
            import_failure = message
        else:
            message = f"the test process ended before this test ran ({reason})"
        notes.append(message)
        _settle_all(outcomes, on_outcome, owed(), Status.ERROR, message)
        break

    for nodeid in owed():
        _settle(outcomes, on_outcome, nodeid, Status.NOT_RUN, "not run: no time was left")
    return Execution(
        outcomes=tuple(outcomes[nodeid] for nodeid in collected),
        gil_enabled_after_import=session.get("gil_enabled_after_import"),
        gil_enabled_at_end=end.get("gil_enabled"),
        import_error=clean_text(session.get("import_error") or import_failure or "") or None,
        output="".join(output_parts),
        output_truncated=truncated,
        children=children,
        notes=tuple(notes),
        tamper_evidence=tuple(dict.fromkeys(evidence)),
        marks=tuple(marks),
    )


# The child's own clock in its session record: what each mark's stage did in the child.
CHILD_MARKS = (
    ("launched", "sandbox and interpreter start"),
    ("pytest_imported", "child imports pytest"),
    ("collected", "child collects the suite"),
    ("imported", "child imports the submission"),
)


def _child_marks(run: ChildRun, *, started_at: float) -> list[tuple[str, float]]:
    """The child's timestamps, kept only while they are numbers in order (a submission can
    forge its records; a forged clock skews a benchmark, never a score)."""
    session = next((r for r in run.records if r.get("event") == "session"), {})
    clock = session.get("clock")
    if not isinstance(clock, dict):
        return []
    marks: list[tuple[str, float]] = []
    previous = started_at
    for key, stage in CHILD_MARKS:
        value = clock.get(key)
        if type(value) is not float or not previous <= value <= time.monotonic():
            break
        marks.append((stage, value))
        previous = value
    return marks


def _settle(
    outcomes: dict[str, TestOutcome],
    on_outcome: Callable[[TestOutcome], None],
    nodeid: str,
    status: Status,
    message: str,
) -> None:
    if nodeid not in outcomes:
        outcomes[nodeid] = TestOutcome(nodeid, status, 0.0, message)
        on_outcome(outcomes[nodeid])


def _settle_all(
    outcomes: dict[str, TestOutcome],
    on_outcome: Callable[[TestOutcome], None],
    nodeids: tuple[str, ...],
    status: Status,
    message: str,
) -> None:
    for nodeid in nodeids:
        _settle(outcomes, on_outcome, nodeid, status, message)


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "killed"
    if code < 0:
        return f"killed by signal {-code}"
    return f"exit code {code}"
