"""`grade setup` and `grade doctor`: the interpreter and the sandbox submissions run in."""

from __future__ import annotations

import shutil
import sys

from rich.table import Table

from grader import __version__
from grader.cli.app import app, out
from grader.errors import GradeError
from grader.runtime import (
    candidate_interpreters,
    find_runtime,
    probe_interpreter,
    provision_runtime,
)
from grader.confine import PidsCgroup
from grader.sandbox import detect_sandbox, ensure_bubblewrap
from grader.static import seed_cache


@app.command("doctor")
def doctor_command() -> None:
    """Show the interpreters found, which is free-threaded, and the sandbox available."""
    table = Table(title="Interpreters")
    for column in ("source", "path", "version", "build", "GIL at start", "pytest"):
        table.add_column(column)
    for source, path in candidate_interpreters():
        found = probe_interpreter(path)
        if found is None:
            table.add_row(source, str(path), "does not run", "", "", "")
            continue
        table.add_row(
            source, str(path), found.version,
            "free-threaded" if found.free_threaded_build else "GIL",
            "enabled" if found.gil_enabled else "disabled",
            "yes" if found.has_pytest else "no",
        )
    out.print(table)
    try:
        runtime = find_runtime(create_venv=False)
        out.print(f"runtime: [bold]{runtime.base_executable}[/] (Python {runtime.version}, "
                  f"{'GIL disabled' if runtime.gil_disabled else '[yellow]GIL enabled[/]'}) "
                  f"via {runtime.source}; venv {runtime.executable}")
    except GradeError as exc:
        out.print(f"[red]runtime: {exc}[/]")
    out.print(f"sandbox: [bold]{detect_sandbox()}[/]"
              + ("" if shutil.which("bwrap") else " (install bubblewrap for isolation)"))
    cgroup = PidsCgroup.create(1)
    if cgroup:
        cgroup.kill_all()
    out.print("process cap: " + ("pids cgroup per submission" if cgroup else "rlimits only (no writable pids cgroup)"))
    out.print(f"grade {__version__} on Python {sys.version.split()[0]} ({sys.executable})")


@app.command("setup")
def setup_command() -> None:
    """Provision a free-threaded CPython and the runtime venv submissions run in."""
    runtime = provision_runtime(log=lambda line: out.print(line))
    if not runtime.gil_disabled:
        raise GradeError(f"{runtime.base_executable} runs with the GIL enabled; setup did not finish")
    ensure_bubblewrap(log=lambda line: out.print(line))
    out.print(f"sandbox: {detect_sandbox()}")
    # Built here so that no student's first type check pays for it.
    out.print("type checker: " + ("standard library cached" if seed_cache() else "no cache (each check runs cold)"))
