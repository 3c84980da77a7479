"""The bare interpreters the micro-benchmarks compare, and running a stdlib script in each.

A GIL build of 3.13 (pyenv's, else `python3.13` on PATH), the free-threaded runtime that runs
submissions, and the grader's own Python. The scripts they run use the standard library only,
so nothing is installed into any of them: the runtime's venv is where students' code runs.
Used by bench/memory.py and bench/seeds.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Interpreter:
    label: str
    executable: Path | None
    missing: str = ""  # why there is none, when there is none


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.parent.name))


def gil_313() -> Interpreter:
    """The newest pyenv 3.13 that is not a free-threaded build, else python3.13 on PATH."""
    found = sorted(
        (path for path in Path.home().glob(".pyenv/versions/3.13*/bin/python3")
         if not path.parent.parent.name.endswith("t") and os.access(path, os.X_OK)),
        key=_version_key,
    )
    on_path = shutil.which("python3.13")
    executable = found[-1] if found else Path(on_path) if on_path else None
    if executable is None:
        return Interpreter("GIL 3.13", None, "no GIL build of 3.13 (~/.pyenv/versions/3.13*, python3.13 on PATH)")
    return Interpreter("GIL", executable)


def free_threaded() -> Interpreter:
    try:
        from grader.runtime import find_runtime

        return Interpreter("free-threaded", find_runtime().executable)
    except Exception as exc:  # noqa: BLE001 - the table says what was missing
        return Interpreter("free-threaded", None, f"no free-threaded runtime ({exc}); run grade setup")


def grader_own() -> Interpreter:
    return Interpreter("grader's", Path(sys.executable))


def run_script(interpreter: Interpreter, script: Path, *arguments: str, timeout: float = 300) -> dict[str, Any]:
    """Run `script` isolated (-I) in `interpreter`; its last stdout line is a JSON object.

    PYTHON_GIL is dropped from the environment so each build runs as it does by default."""
    assert interpreter.executable is not None
    environment = {key: value for key, value in os.environ.items() if key != "PYTHON_GIL"}
    done = subprocess.run(
        [str(interpreter.executable), "-I", str(script), *arguments],
        capture_output=True, text=True, timeout=timeout, env=environment, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{interpreter.executable} {script.name} failed: {done.stderr.strip()[-500:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def describe(interpreter: Interpreter, facts: dict[str, Any]) -> str:
    """`free-threaded 3.13.5t` from what the script reported of its interpreter; a
    free-threaded build that ran with the GIL on says so, since its figures then mislead."""
    if facts["free_threaded_build"]:
        return f"{interpreter.label} {facts['version']}t" + (" (GIL on!)" if facts["gil_enabled"] else "")
    return f"{interpreter.label} {facts['version']}"
