"""The interpreters that run a hidden suite under plain pytest, each with pytest installed.

- the free-threaded runtime `grade setup` built (its venv already has the grader's pytest);
- a GIL build of CPython 3.13 (bench/memory_interpreters.gil_313 finds it: pyenv's, else
  `python3.13` on PATH), in a venv of its own under ~/.cache/grade/bench/gil-3.13/ with the same
  pytest as the runtime, created once and reused. Where there is none, it is reported as
  `skipped: no CPython 3.13 with the GIL on this machine`, and the figures it would give are
  left out rather than faked.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory_interpreters import gil_313  # noqa: E402

from grader.runtime import RUNTIME_REQUIREMENTS, find_runtime  # noqa: E402

BENCH_CACHE = Path.home() / ".cache" / "grade" / "bench"
NO_GIL_313 = "skipped: no CPython 3.13 with the GIL on this machine"


@dataclass(frozen=True)
class PytestInterpreter:
    """An interpreter that can run `python -m pytest`; `python` is None when there is none."""

    label: str
    python: Path | None
    base: Path | None = None  # the interpreter the venv was made from
    missing: str = ""


def free_threaded() -> PytestInterpreter:
    try:
        runtime = find_runtime()
    except Exception as exc:  # noqa: BLE001 - the table says what was missing
        return PytestInterpreter("free-threaded", None, missing=f"skipped: no free-threaded runtime ({exc})")
    return PytestInterpreter(f"free-threaded {runtime.version}", runtime.executable, runtime.base_executable)


def gil() -> PytestInterpreter:
    """The GIL 3.13's venv with pytest, created on first use; skipped when no such build exists."""
    found = gil_313()
    if found.executable is None:
        return PytestInterpreter("GIL 3.13", None, missing=NO_GIL_313)
    base = found.executable
    venv = BENCH_CACHE / "gil-3.13"
    python = venv / "bin" / "python"
    try:
        if not _has_pytest(python, base):
            subprocess.run([str(base), "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
            subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                 *RUNTIME_REQUIREMENTS],
                check=True, capture_output=True,
            )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        reason = detail.decode(errors="replace").strip().splitlines()[-1:] or [str(exc)]
        return PytestInterpreter("GIL 3.13", None, base, f"skipped: no pytest venv for {base}: {reason[0]}")
    version = subprocess.run([str(python), "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True, check=False).stdout.strip()
    return PytestInterpreter(f"GIL {version}", python, base)


def _has_pytest(python: Path, base: Path) -> bool:
    """The venv exists, was made from `base`, and has the pinned pytest."""
    if not python.exists():
        return False
    wanted = RUNTIME_REQUIREMENTS[0].split("==")[1]
    done = subprocess.run(
        [str(python), "-c", "import sys, pytest; print(sys._base_executable, pytest.__version__)"],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        return False
    made_from, _, version = done.stdout.strip().rpartition(" ")
    return version == wanted and Path(made_from).resolve() == base.resolve()


def found() -> list[PytestInterpreter]:
    return [gil(), free_threaded()]


if __name__ == "__main__":
    for interpreter in found():
        print(f"{interpreter.label}: {interpreter.python or interpreter.missing}")
