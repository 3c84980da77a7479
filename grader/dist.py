"""`grade dist`: the grader as a wheel a course's students install, with the challenges and
starters the course uses, and never the answer key.

Takes the chosen challenges; returns a `Distribution` naming the wheel written. The wheel holds
the `grader` package and, under `grader/home/`, each challenge (manifest, statement, static
checks, support files, hidden suite) and its starter: `catalog.project_root()` finds that home
when the grader runs from the wheel, so students' CI installs it with `pip install URL` and
needs no checkout. It never reads `solutions/`. The hidden suites do travel: grading on a
student's machine is feedback, and the student can read them there (README, "Who sees what").

The wheel (PEP 427: a zip with a `.dist-info` folder) is written here rather than by a build
backend, so that what goes in is exactly what this module lists and building needs no network.
Entries are sorted and dated alike, so the same inputs give the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import grader
from grader.catalog import PACKAGED_HOME, Challenge, project_root
from grader.errors import GradeError

DIST_NAME = "grade"
# PEP 440 versions in their normal form: 0.1.0, 2025.9, 1.0rc1, 0.1.0.post2, 0.1.0+fall25.
VERSION = re.compile(r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?(\+[a-z0-9]+(\.[a-z0-9]+)*)?")
SKIPPED = {"__pycache__", ".pytest_cache", ".mypy_cache", ".DS_Store"}
DATE = (2024, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Distribution:
    """A wheel `grade dist` wrote."""

    path: Path
    version: str
    challenges: tuple[str, ...]


class DistError(GradeError):
    """The wheel cannot be built from here, or not written where asked."""


def build_distribution(*, challenges: Sequence[Challenge], output_dir: Path, version: str | None = None) -> Distribution:
    """Write `grade-VERSION-py3-none-any.whl` into `output_dir`; `version` defaults to the grader's."""
    if not challenges:
        raise DistError("no challenges to package: pass --challenge ID (see `grade list`)")
    installed = _installed_distribution()
    version = version or installed.version
    if not VERSION.fullmatch(version):
        raise DistError(
            f"--version {version!r} is not a PEP 440 version in normal form: use e.g. 0.1.0, 2025.9 or 0.1.0+fall25"
        )
    files = dict(_package_files())
    for challenge in challenges:
        starter = dict(_tree(project_root() / "starter" / challenge.id, f"grader/home/starter/{challenge.id}"))
        if not starter:
            raise DistError(
                f"challenge {challenge.id!r} has no starter files in {project_root() / 'starter' / challenge.id}: "
                "students start from them (see docs/authoring.md)"
            )
        files.update(_tree(challenge.root, f"grader/home/challenges/{challenge.id}"))
        files.update(starter)
    info = f"{DIST_NAME}-{version}.dist-info"
    ids = tuple(challenge.id for challenge in challenges)
    texts = {
        f"{info}/METADATA": _metadata(installed, version, ids),
        f"{info}/WHEEL": (
            f"Wheel-Version: 1.0\nGenerator: grade dist ({grader.__version__})\n"
            "Root-Is-Purelib: true\nTag: py3-none-any\n"
        ),
        f"{info}/entry_points.txt": _entry_points(installed),
    }
    target = output_dir / f"{DIST_NAME}-{version}-py3-none-any.whl"
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as wheel:
            record = []
            for name, source in sorted(files.items()):
                data = source.read_bytes()
                _add(wheel, name, data, executable=bool(source.stat().st_mode & 0o111))
                record.append(_record_line(name, data))
            for name, text in texts.items():
                data = text.encode()
                _add(wheel, name, data)
                record.append(_record_line(name, data))
            record.append(f"{info}/RECORD,,")
            _add(wheel, f"{info}/RECORD", ("\n".join(record) + "\n").encode())
    except OSError as exc:
        raise DistError(f"cannot write {target}: {exc.strerror}: pass -o a writable folder") from None
    return Distribution(path=target, version=version, challenges=ids)


def _installed_distribution() -> importlib.metadata.Distribution:
    """The running grader's own metadata: its dependencies, Python requirement and script."""
    try:
        return importlib.metadata.distribution(DIST_NAME)
    except importlib.metadata.PackageNotFoundError:
        raise DistError("the running grader is not installed as a package: install it (`make setup`)") from None


def _package_files() -> Iterator[tuple[str, Path]]:
    """The grader package as it runs here, without any home a wheel it came from carried."""
    for name, path in _tree(Path(grader.__file__).resolve().parent, "grader"):
        if not name.startswith(f"grader/{PACKAGED_HOME.name}/"):
            yield name, path


def _tree(folder: Path, prefix: str) -> Iterator[tuple[str, Path]]:
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_symlink() or not path.is_file() or SKIPPED.intersection(relative.parts):
            continue
        if path.suffix in (".pyc", ".pyo"):
            continue
        yield f"{prefix}/{relative.as_posix()}", path


def _metadata(installed: importlib.metadata.Distribution, version: str, challenges: tuple[str, ...]) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {DIST_NAME}",
        f"Version: {version}",
        f"Summary: {installed.metadata['Summary'] or ''}",
        f"Requires-Python: {installed.metadata['Requires-Python'] or '>=3.11'}",
    ]
    # The grader's own dependencies; its extras (the test tools) stay out.
    lines += [f"Requires-Dist: {requirement}" for requirement in installed.requires or () if "extra ==" not in requirement]
    lines += ["Description-Content-Type: text/plain", ""]
    lines.append(f"The grader, with these challenges and their starters (never the solutions): {', '.join(challenges)}.")
    return "\n".join(lines) + "\n"


def _entry_points(installed: importlib.metadata.Distribution) -> str:
    scripts = [point for point in installed.entry_points if point.group == "console_scripts"]
    if not scripts:
        raise DistError("the running grader's metadata names no `grade` script: reinstall it (`make setup`)")
    return "[console_scripts]\n" + "".join(f"{point.name} = {point.value}\n" for point in scripts)


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _add(wheel: zipfile.ZipFile, name: str, data: bytes, *, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=DATE)
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    wheel.writestr(info, data)
