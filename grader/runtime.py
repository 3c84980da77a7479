"""Runtime stage: pick the interpreter submissions run on -> `Runtime`.

Order of choice: `--python` / `GRADE_PYTHON`; a free-threaded interpreter on PATH
(python3.14t, python3.13t); one managed by uv; the one `grade setup` built. Only if none of
those exists does a GIL build on PATH (3.12+) serve, and the scorecard then warns that races
may go unseen. The chosen interpreter gets a private venv holding what the child needs
(pytest), so the student's interpreter is never modified.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.errors import RuntimeNotFound

RUNTIME_REQUIREMENTS = ("pytest==9.0.3",)
FREE_THREADED_NAMES = ("python3.14t", "python3.13t")
GIL_FALLBACK_NAMES = ("python3.14", "python3.13", "python3.12")
PROVISIONED_VERSION = "3.13"
BUILD_SCRIPT = Path(__file__).parent / "provision" / "build-cpython.sh"

PROBE = """
import json, sys, sysconfig
try:
    import pytest
    pytest_version = pytest.__version__
except Exception:
    pytest_version = None
print(json.dumps({
    "version": sys.version.split()[0],
    "executable": sys.executable,
    "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "gil_enabled": sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True,
    "pytest": pytest_version,
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
}))
"""


@dataclass(frozen=True, slots=True)
class Runtime:
    """The interpreter that runs the child, inside a venv that has pytest."""

    executable: Path
    base_executable: Path
    version: str
    free_threaded_build: bool
    gil_enabled_at_start: bool
    source: str
    prefixes: tuple[Path, ...] = ()  # the folders the interpreter and its venv live in

    @property
    def gil_disabled(self) -> bool:
        return self.free_threaded_build and not self.gil_enabled_at_start


@dataclass(frozen=True, slots=True)
class Interpreter:
    """What probing an executable found."""

    path: Path
    version: str
    free_threaded_build: bool
    gil_enabled: bool
    has_pytest: bool
    in_venv: bool
    prefix: Path
    base_prefix: Path


def cache_dir() -> Path:
    configured = os.environ.get("GRADE_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "grade"


def provisioned_python() -> Path:
    prefix = cache_dir() / "cpython" / f"{PROVISIONED_VERSION}t"
    return prefix / "bin" / f"python{PROVISIONED_VERSION}t"


def probe_interpreter(path: Path) -> Interpreter | None:
    """Ask an executable what it is; None if it does not run as Python."""
    try:
        done = subprocess.run(
            [str(path), "-I", "-c", PROBE],
            capture_output=True, text=True, timeout=30, check=False,
        )
        facts = json.loads(done.stdout)
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
        return None
    if done.returncode != 0:
        return None
    return Interpreter(
        path=path,
        version=facts["version"],
        free_threaded_build=facts["free_threaded_build"],
        gil_enabled=facts["gil_enabled"],
        has_pytest=facts["pytest"] is not None,
        in_venv=facts["prefix"] != facts["base_prefix"],
        prefix=Path(facts["prefix"]),
        base_prefix=Path(facts["base_prefix"]),
    )


def candidate_interpreters(explicit: str | None = None) -> list[tuple[str, Path]]:
    """Every interpreter worth probing, in order of preference, with where it came from."""
    found: list[tuple[str, Path]] = []
    if explicit:
        return [("--python", _resolve_executable(explicit))]
    if os.environ.get("GRADE_PYTHON"):
        return [("GRADE_PYTHON", _resolve_executable(os.environ["GRADE_PYTHON"]))]
    for name in FREE_THREADED_NAMES:
        if located := shutil.which(name):
            found.append(("PATH", Path(located)))
    found.extend(("uv", path) for path in _uv_pythons())
    if provisioned_python().exists():
        found.append(("grade setup", provisioned_python()))
    for name in GIL_FALLBACK_NAMES:
        if located := shutil.which(name):
            found.append(("PATH (fallback)", Path(located)))
    return found


def _resolve_executable(value: str) -> Path:
    located = shutil.which(value)
    path = Path(located) if located else Path(value)
    if not path.exists():
        raise RuntimeNotFound(f"interpreter {value!r} not found: pass a path or a name on PATH")
    return path


def _uv_pythons() -> list[Path]:
    uv = shutil.which("uv")
    if not uv:
        return []
    paths = []
    for request in ("3.14t", "3.13t"):
        try:
            done = subprocess.run(
                [uv, "python", "find", "--no-python-downloads", request],
                capture_output=True, text=True, timeout=20, check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0 and done.stdout.strip():
            paths.append(Path(done.stdout.strip()))
    return paths


def find_runtime(
    python: str | None = None,
    *,
    create_venv: bool = True,
    log: Callable[[str], None] = lambda _: None,
) -> Runtime:
    """The first usable interpreter, free-threaded preferred, with its runtime venv ready."""
    candidates = candidate_interpreters(python)
    probed = [(source, probe_interpreter(path)) for source, path in candidates]
    usable = [(source, interp) for source, interp in probed if interp and _new_enough(interp)]
    if not usable:
        if python or os.environ.get("GRADE_PYTHON"):
            raise RuntimeNotFound(
                f"{candidates[0][1]} is not a Python 3.12+ interpreter: pass another with --python"
            )
        raise RuntimeNotFound(
            "no free-threaded Python found: run `grade setup` (or `make setup`) to provision one, "
            "or pass --python /path/to/python3.13t"
        )
    # Candidates come in order of preference; a free-threaded one beats any GIL build.
    source, chosen = next(
        (pair for pair in usable if pair[1].free_threaded_build), usable[0]
    )
    venv_python = chosen.path if chosen.has_pytest and chosen.in_venv else None
    prefixes = (chosen.prefix, chosen.base_prefix)
    if venv_python is None:
        prefixes = (runtime_venv_dir(chosen), chosen.base_prefix)
        venv_python = runtime_venv_python(chosen)
        if not venv_python.exists():
            if not create_venv:
                raise RuntimeNotFound(
                    f"no runtime venv for {chosen.path}: run `grade setup`"
                )
            ensure_runtime_venv(chosen, log)
    return Runtime(
        executable=venv_python,
        base_executable=chosen.path,
        version=chosen.version,
        free_threaded_build=chosen.free_threaded_build,
        gil_enabled_at_start=chosen.gil_enabled,
        source=source,
        prefixes=tuple(dict.fromkeys(path.resolve() for path in prefixes)),
    )


def _new_enough(interp: Interpreter) -> bool:
    major, minor = (int(part) for part in interp.version.split(".")[:2])
    return (major, minor) >= (3, 12)


def runtime_venv_dir(interp: Interpreter) -> Path:
    key = hashlib.sha256(
        f"{interp.path.resolve()}|{interp.version}|{'|'.join(RUNTIME_REQUIREMENTS)}".encode()
    ).hexdigest()[:12]
    suffix = "t" if interp.free_threaded_build else ""
    return cache_dir() / "runtime" / f"{interp.version}{suffix}-{key}"


def runtime_venv_python(interp: Interpreter) -> Path:
    return runtime_venv_dir(interp) / "bin" / "python"


def ensure_runtime_venv(interp: Interpreter, log: Callable[[str], None] = lambda _: None) -> Path:
    """Create the interpreter's runtime venv with pytest, once; safe to call concurrently."""
    target = runtime_venv_dir(interp)
    python = target / "bin" / "python"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / ".complete").exists():
            return python
        log(f"creating runtime venv {target}")
        shutil.rmtree(target, ignore_errors=True)
        _run_checked([str(interp.path), "-m", "venv", str(target)], "create the runtime venv")
        _run_checked(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             *RUNTIME_REQUIREMENTS],
            f"install {' '.join(RUNTIME_REQUIREMENTS)} into the runtime venv",
        )
        (target / ".complete").write_text("\n".join(RUNTIME_REQUIREMENTS) + "\n")
    return python


def _run_checked(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeNotFound(f"could not {what}: {' '.join(tail)}")


def provision_runtime(log: Callable[[str], None] = print) -> Runtime:
    """`grade setup`: make sure a free-threaded interpreter and its runtime venv exist."""
    free_threaded = [
        interp
        for _, path in candidate_interpreters()
        if (interp := probe_interpreter(path)) and interp.free_threaded_build
    ]
    if not free_threaded:
        if shutil.which("uv"):
            log("asking uv for a free-threaded CPython")
            subprocess.run(["uv", "python", "install", "3.13t"], capture_output=True, check=False)
        if not _uv_pythons():
            log(f"building a free-threaded CPython {PROVISIONED_VERSION} from source (a few minutes, once)")
            prefix = provisioned_python().parent.parent
            done = subprocess.run(["bash", str(BUILD_SCRIPT), str(prefix), PROVISIONED_VERSION], check=False)
            if done.returncode != 0:
                raise RuntimeNotFound(
                    f"building CPython failed (see the output above); "
                    f"the script is {BUILD_SCRIPT}"
                )
    runtime = find_runtime(log=log)
    log(f"runtime: {runtime.base_executable} (Python {runtime.version}, "
        f"{'GIL disabled' if runtime.gil_disabled else 'GIL enabled'})")
    return runtime
