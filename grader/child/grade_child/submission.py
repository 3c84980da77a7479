"""Loading the student's module, once for the session and anew on demand, and saying in the
student's terms why it does not import (the file, the line, the error; no grader frames)."""

from __future__ import annotations

import importlib.util
import io
import sys
import tokenize
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any


class Submission:
    """The student's module: `load` once for the session, `fresh` for new classes and state."""

    def __init__(self, directory: Path, module: str) -> None:
        self.directory = directory
        self.module_name = module
        self.path = directory / f"{module}.py"
        self.module: ModuleType | None = None
        self.error: str | None = None
        self._fresh_count = 0

    def load(self) -> None:
        if not self.path.is_file():
            others = sorted(path.name for path in self.directory.glob("*.py"))
            found = f" (it has {', '.join(others[:5])})" if others else " (it has no .py file)"
            self.error = f"{self.path.name} not found in the submission{found}"
            return
        self.error = unreadable_source(self.path)
        if self.error:
            return
        try:
            self.module = self._execute(self.module_name)
        except BaseException as exc:  # the student's import can raise anything, even SystemExit
            self.error = describe_import_error(exc, self.path)

    def fresh(self) -> ModuleType:
        """Execute the source again as a new module: new classes, new metaclass state."""
        self._fresh_count += 1
        return self._execute(f"{self.module_name}__fresh{self._fresh_count}")

    def _execute(self, name: str) -> ModuleType:
        spec = importlib.util.spec_from_file_location(name, self.path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module


def unreadable_source(path: Path) -> str | None:
    """Why a file cannot be Python source at all, before the interpreter says it less clearly."""
    data = path.read_bytes()
    if b"\0" in data:
        return f"{path.name}: not Python source (a binary file: it contains null bytes)"
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        line = data[: getattr(exc, "start", 0)].count(b"\n") + 1
        return f"{path.name}: not UTF-8 text (undecodable byte at line {line}); save it as UTF-8"
    return None


def describe_import_error(exc: BaseException, path: Path) -> str:
    if isinstance(exc, SyntaxError):
        return f"{path.name}: SyntaxError at line {exc.lineno}: {exc.msg}"
    if isinstance(exc, UnicodeDecodeError):
        return f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})"
    if isinstance(exc, ValueError) and "null bytes" in str(exc):
        return f"{path.name}: not Python source (it contains null bytes)"
    if isinstance(exc, SystemExit):
        return f"{path.name}: called sys.exit({exc.code!r}) while being imported"
    where = student_location(exc.__traceback__, path)
    return f"{path.name}{where}: {type(exc).__name__} while importing: {exc}"


def student_location(tb: Any, path: Path) -> str:
    """':LINE' of the deepest frame in the student's file, or '' if none."""
    line = ""
    for frame, lineno in traceback.walk_tb(tb):
        if Path(frame.f_code.co_filename) == path:
            line = f":{lineno}"
    return line
