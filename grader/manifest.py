"""Reading an author's TOML files (`challenge.toml`, `mutant.toml`) strictly.

A typo in a manifest must never be silently ignored: every table is checked against the keys
it may hold, and every value against its kind. The error names the file, the key and what is
allowed, so an author can fix it without reading the grader.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.errors import ChallengeError


@dataclass(frozen=True, slots=True)
class Kind:
    """What a key may hold: a TOML type, optionally a list of one, optionally one of some values."""

    type: type | tuple[type, ...]
    list_of: bool = False
    choices: tuple[str, ...] = ()

    def describe(self) -> str:
        names = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
                 dict: "a table"}
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        text = "a number" if types == (int, float) else " or ".join(
            names.get(kind, kind.__name__) for kind in types
        )
        if self.choices:
            text = "one of " + ", ".join(repr(choice) for choice in self.choices)
        return f"a list of {text.removeprefix('a ').removeprefix('an ')}s" if self.list_of else text

    def accepts(self, value: Any) -> bool:
        values = value if self.list_of else [value]
        if self.list_of and not isinstance(value, list):
            return False
        return all(self._accepts_one(item) for item in values)

    def _accepts_one(self, value: Any) -> bool:
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        if isinstance(value, bool) and bool not in types:
            return False  # TOML's true is not a number
        if not isinstance(value, types):
            return False
        return not self.choices or value in self.choices


TEXT = Kind(str)
TEXTS = Kind(str, list_of=True)
NUMBER = Kind((int, float))
INTEGER = Kind(int)
FLAG = Kind(bool)
TABLE = Kind(dict)
TABLES = Kind(dict, list_of=True)


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ChallengeError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ChallengeError(f"{path}: cannot be read: {exc.strerror}") from exc


def check_table(
    table: Mapping[str, Any],
    keys: Mapping[str, Kind],
    *,
    manifest: Path,
    where: str = "",  # e.g. "[limits]" or "[[groups]] #2", to find the table in the file
    required: tuple[str, ...] = (),
) -> None:
    """Refuse unknown keys, missing required keys and values of the wrong kind."""
    place = f"{where} " if where else ""
    for key in table:
        if key not in keys:
            allowed = ", ".join(keys)
            raise ChallengeError(f"{manifest}: {place}unknown key {key!r}; allowed: {allowed}")
    for key in required:
        if key not in table:
            raise ChallengeError(f"{manifest}: {place}{key!r} is required ({keys[key].describe()})")
    for key, value in table.items():
        kind = keys[key]
        if not kind.accepts(value):
            raise ChallengeError(
                f"{manifest}: {place}{key!r} must be {kind.describe()}, got {value!r}"
            )
