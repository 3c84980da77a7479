"""Tamper evidence: what the parent does so a forged "passed" gives itself away.

The child runs the student's code in the same process as pytest, so the student can reach the
reporting machinery. Nothing here relies on a secret staying secret; each layer catches what
the others may miss:
- a static scan of the submission for reaching into pytest or the grader;
- canary tests planted in the workspace copy of the suite, named like their neighbours, that
  must fail: a record saying one passed is a forgery;
- records that contradict the run (a result for a test that never started);
- what the child itself reports: its audit hook (patching pytest's or threading's classes,
  walking the heap for the grader's objects) and its end-of-run integrity check.
"""

from __future__ import annotations

import ast
import random
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

REACHING_MODULES = ("pytest", "_pytest", "pluggy", "grade_child", "conftest")
REACHING_WORDS = re.compile(
    r"pytest_runtest|pytest_sessionfinish|pytest_collection|TestReport|CallInfo|"
    r"grade_child|GradePlugin|RecordWriter|records[-_]fd|_pytest"
)
CANARY_VERBS = ("keeps", "returns", "handles", "accepts", "preserves", "reports")
CANARY_OBJECTS = ("state", "order", "value", "result", "instance", "message", "count")


@dataclass(frozen=True, slots=True)
class Canary:
    nodeid: str


def scan_submission(submission: Path, *, ignore: Collection[Path] = ()) -> tuple[str, ...]:
    """Findings in the submission's Python files that only a forgery needs.

    `ignore`: paths relative to the submission that the grader put there (support files)."""
    findings: list[str] = []
    base = submission if submission.is_dir() else submission.parent
    files = [submission] if submission.is_file() else sorted(submission.rglob("*.py"))
    for path in files:
        if path.is_symlink() or not path.is_file() or path.relative_to(base) in ignore:
            continue
        name = path.name
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue  # the runner reports why it does not import
        for node in ast.walk(tree):
            line = getattr(node, "lineno", 0)
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                modules = []
            for module in modules:
                if module.split(".")[0] in REACHING_MODULES:
                    findings.append(f"{name}:{line}: imports {module}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                match = REACHING_WORDS.search(node.value)
                if match:
                    findings.append(f"{name}:{node.lineno}: names {match.group(0)!r}")
            if isinstance(node, (ast.Name, ast.Attribute)):
                word = node.id if isinstance(node, ast.Name) else node.attr
                match = REACHING_WORDS.fullmatch(word)
                if match:
                    findings.append(f"{name}:{node.lineno}: uses {word}")
    return tuple(dict.fromkeys(findings))


def plant_canaries(tests_dir: Path, *, seed: int, count: int = 2) -> tuple[Canary, ...]:
    """Append tests that must fail to modules of the workspace's copy of the suite."""
    rng = random.Random(seed)
    modules = sorted(tests_dir.glob("test_*.py"))
    canaries = []
    for _ in range(count):
        module = rng.choice(modules)
        source = module.read_text(encoding="utf-8")
        name = ""
        while not name or f"def {name}(" in source:
            name = f"test_{rng.choice(CANARY_VERBS)}_{rng.choice(CANARY_OBJECTS)}_{rng.randrange(10, 99)}"
        expected = rng.randrange(10**6, 10**7)
        with module.open("a", encoding="utf-8") as handle:
            handle.write(
                f"\n\ndef {name}(submission):\n"
                f"    observed = len(vars(submission)) * 0 + {expected - 1}\n"
                f"    assert observed == {expected}, \"observed {{observed}}, expected {expected}\"\n"
            )
        canaries.append(Canary(f"{module.name}::{name}"))
    return tuple(canaries)


def contradictions(records: tuple[dict, ...], canaries: tuple[Canary, ...]) -> tuple[str, ...]:
    """Evidence of forgery in one child's records."""
    evidence: list[str] = []
    canary_ids = {canary.nodeid for canary in canaries}
    started: set[str] = set()
    for record in records:
        event = record.get("event")
        nodeid = record.get("nodeid")
        if event == "start":
            started.add(str(nodeid))
        elif event == "test":
            if nodeid not in started:
                evidence.append(f"a result for {nodeid} arrived though the test never started")
            if nodeid in canary_ids and record.get("outcome") == "passed":
                evidence.append("a test that cannot pass was reported as passed")
        elif event == "tamper":
            evidence.append(str(record.get("what", "the child reported tampering")))
        elif event == "end":
            evidence.extend(f"changed during the run: {name}" for name in record.get("changed", []))
    return tuple(dict.fromkeys(evidence))
