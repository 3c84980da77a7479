"""The core: run a submission through every stage, in order, and return its `Result`.

`grade submit`, `grade verify`, the batch and the tests all call `grade_submission`. It prints
nothing; progress reaches the caller through `on_event` so the shell decides how to show it.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from grader.catalog import Challenge
from grader.errors import SubmissionPathError
from grader.outcomes import StressSettings, TestOutcome
from grader.runner import collect_tests, run_suite
from grader.runtime import Runtime
from grader.sandbox import SandboxLevel, build_workspace, compiled_child, detect_sandbox
from grader.scoring import InterpreterInfo, Result, StageTime, score
from grader.static import check_types
from grader.tamper import scan_submission


@dataclass(frozen=True, slots=True)
class Progress:
    """Sent to `on_event`: the suite's size once known, then each finished test."""

    total: int
    outcome: TestOutcome | None = None


def grade_submission(
    *,
    submission: Path,
    challenge: Challenge,
    runtime: Runtime,
    seed: int | None = None,
    sandbox: SandboxLevel | None = None,
    on_event: Callable[[Progress], None] = lambda _: None,
) -> Result:
    """Grade one submission: a folder holding the challenge's module, or the module file itself.

    Limits are the challenge's own (`catalog.with_limits` applies whoever runs the grader's)."""
    submission = _check_submission(submission)
    limits = challenge.limits
    level = sandbox or detect_sandbox()
    stress = StressSettings(
        threads=challenge.stress.threads,
        rounds=challenge.stress.rounds,
        seed=seed if seed is not None else random.SystemRandom().randrange(1, 2**31),
    )
    started = time.monotonic()
    marks: list[tuple[str, float]] = [("", started)]
    static_seconds = 0.0
    scratch = Path(tempfile.mkdtemp(prefix="grade-"))
    try:
        workspace = build_workspace(
            submission=submission, challenge=challenge, into=scratch / "ws",
            child=compiled_child(runtime.executable),
        )
        reaching = scan_submission(
            workspace.submission,
            ignore={path.relative_to(challenge.support_dir) for path in challenge.support_files},
        )
        marks.append(("workspace", time.monotonic()))
        collected = collect_tests(challenge, runtime, workspace)
        marks.append(("collection", time.monotonic()))
        total = len(collected) + len(challenge.static_checks)
        on_event(Progress(total=total))

        static_outcomes: tuple[TestOutcome, ...] = ()

        def run_static() -> None:
            nonlocal static_outcomes, static_seconds
            static_started = time.monotonic()
            static_outcomes = check_types(challenge, workspace.submission)
            static_seconds = time.monotonic() - static_started
            for outcome in static_outcomes:
                on_event(Progress(total=total, outcome=outcome))

        static_thread = threading.Thread(target=run_static, name="grade-static", daemon=True)
        static_thread.start()
        execution = run_suite(
            challenge=challenge,
            runtime=runtime,
            workspace=workspace,
            collected=collected,
            stress=stress,
            level=level,
            on_outcome=lambda outcome: on_event(Progress(total=total, outcome=outcome)),
        )
        marks.extend(execution.marks)
        if execution.children > 1:
            marks.append(("more children", time.monotonic()))
        static_thread.join()
        marks.append(("static checks, after the child", time.monotonic()))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    marks.append(("workspace removal", time.monotonic()))

    gil_after_import = execution.gil_enabled_after_import
    gil_disabled = runtime.gil_disabled and gil_after_import is not True and (
        execution.gil_enabled_at_end is not True
    )
    notes = list(f"skipped {entry}" for entry in workspace.skipped)
    notes.extend(
        f"{name}: the challenge supplies this file, so the grader's copy was used instead of yours"
        for name in workspace.replaced
    )
    if challenge.requires_free_threading and not gil_disabled:
        notes.append(
            "this challenge requires free threading: with the GIL on, a race can pass unseen, "
            "so a pass here is not a verdict"
        )
    if runtime.gil_disabled and gil_after_import:
        notes.append(
            f"importing {challenge.submission_file} turned the GIL back on: races may go unseen"
        )
    if execution.output_truncated:
        notes.append(f"the submission's output was cut at {limits.output_kb} KB")
    interpreter = InterpreterInfo(
        executable=str(runtime.base_executable),
        version=runtime.version,
        free_threaded_build=runtime.free_threaded_build,
        gil_disabled=gil_disabled,
    )
    result = score(
        challenge=challenge,
        execution=execution,
        static_outcomes=static_outcomes,
        interpreter=interpreter,
        stress=stress,
        sandbox=str(level),
        duration_s=time.monotonic() - started,
        extra_notes=tuple(notes),
        tamper_evidence=tuple(f"the source reaches into the grader: {finding}" for finding in reaching),
    )
    marks.append(("scoring", time.monotonic()))
    return replace(result, stages=_stages(marks, static_seconds if challenge.static_checks else None))


def _stages(marks: list[tuple[str, float]], static_seconds: float | None) -> tuple[StageTime, ...]:
    """Each mark ends the stage named by it; the static checks run beside the child, apart."""
    stages = [
        StageTime(name, round(max(0.0, end - start), 4))
        for (_, start), (name, end) in zip(marks, marks[1:])
    ]
    if static_seconds is not None:
        stages.append(StageTime("static checks", round(static_seconds, 4), parallel=True))
    return tuple(stages)


def _check_submission(path: Path) -> Path:
    if not path.exists():
        raise SubmissionPathError(f"{path}: no such file or folder: pass the folder holding your solution")
    return path.resolve()
