"""`grade gradescope-bundle`: the autograder zip Gradescope takes for one challenge.

The zip holds `setup.sh` and `run_autograder` at its root (where Gradescope looks) and, under
`grade/`, the grader's source and this challenge only: its manifest, statement, static checks
and hidden suite, never the solutions. setup.sh installs the grader from that source, so the
autograder grades with exactly the grader that built it.
"""

from __future__ import annotations

import shlex
import zipfile
from importlib import resources
from pathlib import Path

import grader
from grader.catalog import Challenge
from grader.errors import GradeError

EXECUTABLE = 0o100755 << 16
REGULAR = 0o100644 << 16
SOURCE_FILES = ("pyproject.toml", "README.md")
SKIPPED = ("__pycache__", ".pyc", ".pyo")


class BundleError(GradeError):
    """The bundle cannot be built from here, or not written where asked."""


def build_gradescope_bundle(challenge: Challenge, target: Path, *, visibility: str = "visible") -> Path:
    """Write the zip to `target`; `visibility` is when students see each test."""
    checkout = grader_checkout()
    run_autograder = _template("run_autograder")
    for placeholder, value in (
        ("@CHALLENGE@", challenge.id), ("@MODULE_FILE@", challenge.submission_file), ("@VISIBILITY@", visibility),
    ):
        run_autograder = run_autograder.replace(placeholder, shlex.quote(value))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            _add_text(bundle, "setup.sh", _template("setup.sh"), EXECUTABLE)
            _add_text(bundle, "run_autograder", run_autograder, EXECUTABLE)
            for name in SOURCE_FILES:
                bundle.write(checkout / name, f"grade/{name}")
            _add_tree(bundle, checkout / "grader", "grade/grader")
            _add_tree(bundle, challenge.root, f"grade/challenges/{challenge.id}")
    except OSError as exc:
        raise BundleError(f"cannot write {target}: {exc.strerror}: pass -o a writable path") from None
    return target


def grader_checkout() -> Path:
    """The source checkout the running grader comes from (the bundle ships its source)."""
    checkout = Path(grader.__file__).resolve().parent.parent
    missing = [name for name in SOURCE_FILES if not (checkout / name).is_file()]
    if missing:
        raise BundleError(
            f"the grader at {checkout} is not a source checkout (no {', '.join(missing)}): "
            "run `grade gradescope-bundle` from a clone of grade (`make setup`)"
        )
    return checkout


def _template(name: str) -> str:
    return resources.files("grader.integrations").joinpath("templates", name).read_text(encoding="utf-8")


def _add_text(bundle: zipfile.ZipFile, name: str, text: str, mode: int) -> None:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.external_attr = mode
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, text)


def _add_tree(bundle: zipfile.ZipFile, folder: Path, prefix: str) -> None:
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or path.is_symlink() or any(part.endswith(SKIPPED) for part in relative.parts):
            continue
        bundle.write(path, f"{prefix}/{relative.as_posix()}")
