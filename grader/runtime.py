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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from grader.atomic import write_atomically
from grader.errors import RuntimeNotFound

RUNTIME_REQUIREMENTS = ("pytest==9.0.3",)
FREE_THREADED_NAMES = ("python3.14t", "python3.13t")
GIL_FALLBACK_NAMES = ("python3.14", "python3.13", "python3.12")
PROVISIONED_VERSION = "3.13"
BUILD_SCRIPT = Path(__file__).parent / "provision" / "build-cpython.sh"

PROBE = """
import json, sys, sysconfig
purelib = sysconfig.get_paths()["purelib"]
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
    "purelib": purelib,
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
    """Ask an executable what it is; None if it does not run as Python.

    What a real interpreter (not a wrapper such as a pyenv shim) answered is kept in the cache,
    keyed by its file, until that file or its site-packages folder changes: starting an
    interpreter to ask is most of the time `grade submit` spends choosing one."""
    cached = _cached_probe(path)
    facts = cached if cached is not None else _ask(path)
    if facts is None:
        return None
    if cached is None:
        _keep_probe(path, facts)
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


def _ask(path: Path) -> dict | None:
    try:
        done = subprocess.run(
            [str(path), "-I", "-c", PROBE],
            capture_output=True, text=True, timeout=30, check=False,
        )
        facts = json.loads(done.stdout)
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
        return None
    return facts if done.returncode == 0 and isinstance(facts, dict) else None


def _probe_file(path: Path) -> Path | None:
    try:
        found = path.resolve().stat()
    except OSError:
        return None
    key = f"{path.resolve()}|{found.st_dev}|{found.st_ino}|{found.st_size}|{found.st_mtime_ns}"
    return cache_dir() / "probes" / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def _folder_stamp(folder: str) -> int | None:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return None


def _cached_probe(path: Path) -> dict | None:
    """The kept answer, while site-packages is as it was (pytest installed or not)."""
    kept = _probe_file(path)
    try:
        facts = json.loads(kept.read_text()) if kept else None
    except (OSError, ValueError):
        return None
    if not isinstance(facts, dict) or _folder_stamp(str(facts.get("purelib"))) != facts.get("purelib_stamp"):
        return None
    return facts


def _keep_probe(path: Path, facts: dict) -> None:
    kept = _probe_file(path)
    if kept is None or Path(facts["executable"]).resolve() != path.resolve():
        return  # a wrapper (a pyenv shim) may run another interpreter tomorrow: ask it each time
    stamped = {**facts, "purelib_stamp": _folder_stamp(str(facts.get("purelib")))}
    try:
        write_atomically(kept, lambda stream: stream.write(json.dumps(stamped)))
    except OSError:
        pass  # a cache that cannot be written costs a probe next time, nothing else


def candidate_interpreters(explicit: str | None = None) -> list[tuple[str, Path]]:
    """Every interpreter worth probing, in order of preference, with where it came from."""
    return list(_candidates(explicit))


def _candidates(explicit: str | None = None) -> Iterator[tuple[str, Path]]:
    """The candidates, found one at a time: asking uv is left until PATH had none."""
    if explicit:
        yield "--python", _resolve_executable(explicit)
        return
    if os.environ.get("GRADE_PYTHON"):
        yield "GRADE_PYTHON", _resolve_executable(os.environ["GRADE_PYTHON"])
        return
    for name in FREE_THREADED_NAMES:
        if located := shutil.which(name):
            yield "PATH", Path(located)
    yield from (("uv", path) for path in _uv_pythons())
    if provisioned_python().exists():
        yield "grade setup", provisioned_python()
    for name in GIL_FALLBACK_NAMES:
        if located := shutil.which(name):
            yield "PATH (fallback)", Path(located)


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
    source, chosen = _choose(python)
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


def _choose(python: str | None) -> tuple[str, Interpreter]:
    """Candidates come in order of preference and a free-threaded one beats any GIL build, so
    probing stops at the first free-threaded one; a GIL build serves only when none exists."""
    first_usable: tuple[str, Interpreter] | None = None
    first_path: Path | None = None
    for source, path in _candidates(python):
        first_path = first_path or path
        interp = probe_interpreter(path)
        if interp is None or not _new_enough(interp):
            continue
        if interp.free_threaded_build:
            return source, interp
        first_usable = first_usable or (source, interp)
    if first_usable is not None:
        return first_usable
    if python or os.environ.get("GRADE_PYTHON"):
        raise RuntimeNotFound(
            f"{first_path} is not a Python 3.12+ interpreter: pass another with --python"
        )
    raise RuntimeNotFound(
        "no free-threaded Python found: run `grade setup` (or `make setup`) to provision one, "
        "or pass --python /path/to/python3.13t"
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
