"""The guard: an audit hook that refuses what a solution never needs, and an integrity snapshot
that shows what a forgery patched.

`sys.addaudithook` hooks cannot be removed, so the hook is installed before the submission is
imported. Assigning to a class attribute raises no audit event, so the snapshot keeps the
objects a forgery would patch (pytest's runner and reports, threading, this package's classes
and functions) and compares after every test and before a timeout ends the process.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from grade_child.records import RecordWriter

START_PROCESSES = "start processes"
# What a solution never needs. Blocked: the operation raises in the student's code. Read-only,
# so that the hook's own table cannot be emptied in place (the snapshot sees rebinding only).
BLOCKED_EVENTS: Mapping[str, str] = MappingProxyType({
    "os.fork": START_PROCESSES,
    "os.forkpty": START_PROCESSES,
    "os.system": START_PROCESSES,
    "os.exec": START_PROCESSES,
    "os.posix_spawn": START_PROCESSES,
    "os.spawn": START_PROCESSES,
    "subprocess.Popen": START_PROCESSES,
    "pty.spawn": START_PROCESSES,
    "socket.connect": "open network connections",
    "socket.bind": "open network sockets",
    "socket.sendto": "send network packets",
    "ctypes.dlopen": "load native libraries",
    "os.kill": "send signals",
    "os.killpg": "send signals",
    "signal.pthread_kill": "send signals",
    "sys.addaudithook": "add audit hooks",
})
# Only a forgery needs these: blocked, and reported as tampering.
TAMPER_EVENTS: Mapping[str, str] = MappingProxyType({
    "gc.get_objects": "walked the heap (gc.get_objects)",
    "gc.get_referrers": "walked the heap (gc.get_referrers)",
    "gc.get_referents": "walked the heap (gc.get_referents)",
})
WATCHED_MODULES = ("threading", "queue", "time", "json", "pluggy", "pytest",
                   "_pytest.runner", "_pytest.reports", "_pytest.main", "_pytest.python",
                   "_pytest.fixtures", "_pytest.skipping")
WATCHED_NAMES = MappingProxyType({
    "os": ("write", "_exit", "fork"),
    "sys": ("exit", "_is_gil_enabled", "setswitchinterval", "getswitchinterval"),
})
OWN_PACKAGE = __name__.partition(".")[0]

_permits = threading.local()


class GuardViolation(PermissionError):
    """Raised inside the student's code by the audit hook: a PermissionError, as the operating
    system would raise, so code that copes with one (the import system's bytecode cache, say)
    copes with this too."""


@dataclass(frozen=True, slots=True)
class Spawnable:
    """The one process a permit may start: a command line beginning with `prefix` (the fresh
    interpreter's, which installs this guard before anything else) and exactly `env`."""

    prefix: tuple[str, ...]
    env: tuple[tuple[str, str], ...]


@contextmanager
def spawn_permit() -> Iterator[None]:
    """Let the calling thread start the `Spawnable` once while the block runs. Other threads
    stay blocked; a thread that grants itself a permit still gets only a guarded interpreter."""
    _permits.spawn = True
    try:
        yield
    finally:
        _permits.spawn = False


def install_audit_hook(
    *,
    workspace: Path,
    on_tamper: Callable[[str], None] = lambda _: None,
    spawnable: Spawnable | None = None,
) -> None:
    """Refuse BLOCKED_EVENTS and TAMPER_EVENTS, and writes outside `workspace` and /tmp, from
    now on in this process (and in any process forked from it)."""
    root = str(workspace)
    blocked, tamper, permits = BLOCKED_EVENTS, TAMPER_EVENTS, _permits
    prefix = tuple(spawnable.prefix) if spawnable else ()
    env = dict(spawnable.env) if spawnable else {}

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in blocked:
            if (event == "subprocess.Popen" and prefix and getattr(permits, "spawn", False) is True
                    and _starts_only(args, prefix, env)):
                permits.spawn = False  # once: a second start needs a second permit
                return
            raise GuardViolation(f"a submission may not {blocked[event]} ({event})")
        if event in tamper:
            on_tamper(tamper[event])
            raise GuardViolation(f"a submission may not inspect the heap ({event})")
        if event == "open" and _writes_outside(args, root):
            raise GuardViolation(f"a submission may not write outside its workspace ({args[0]})")

    sys.addaudithook(hook)


def _starts_only(args: tuple[Any, ...], prefix: tuple[str, ...], env: dict[str, str]) -> bool:
    """Popen's event (executable, argv, cwd, env) starts the spawnable command. Exact builtin
    types only, so no comparison runs code a student defined."""
    executable, argv, _, actual_env = args
    if type(executable) is not str or type(argv) is not list or type(actual_env) is not dict:
        return False
    if not all(type(part) is str for part in argv):
        return False
    if not all(type(key) is str and type(value) is str for key, value in actual_env.items()):
        return False
    return executable == prefix[0] and tuple(argv[: len(prefix)]) == prefix and actual_env == env


def _writes_outside(args: tuple[Any, ...], root: str) -> bool:
    path, mode, flags = (list(args) + [None, None, None])[:3]
    if not isinstance(path, (str, bytes)):
        return False
    writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
        isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
    )
    if not writing:
        return False
    target = os.path.realpath(os.fsdecode(path))
    allowed = (root, "/tmp", "/dev/null")
    return not any(target == folder or target.startswith(folder + os.sep) for folder in allowed)


class Guard:
    """The audit hook and the snapshot for the test process, reporting tampering as records."""

    def __init__(
        self, writer: RecordWriter, *, workspace: Path, spawnable: Spawnable | None = None
    ) -> None:
        self._writer = writer
        self._workspace = workspace
        self._spawnable = spawnable
        self._snapshot = _take_snapshot()
        self._reported: set[str] = set()

    def install(self) -> None:
        install_audit_hook(
            workspace=self._workspace, on_tamper=self._tamper, spawnable=self._spawnable
        )

    def _tamper(self, what: str) -> None:
        if what not in self._reported:
            self._reported.add(what)
            self._writer.write(event="tamper", what=what)

    def changed(self) -> list[str]:
        return sorted(
            label for namespace, key, value, label in self._snapshot
            if namespace.get(key, _MISSING) is not value
        )

    def report_changes(self) -> None:
        for name in self.changed():
            self._tamper(f"changed during the run: {name}")


_MISSING = object()
# One name a forgery would rebind: the live namespace it lives in (a module's dict, a class's
# mapping proxy, sys.modules), its key there, the object it held, and how to report it.
# A plain tuple: over a thousand are made at each start, and a frozen dataclass costs 60 ms more.
Watched = tuple[Mapping[str, object], str, object, str]


def _take_snapshot() -> tuple[Watched, ...]:
    """The objects themselves, not their ids: held here, none can be freed and its id reused.

    Every module of this package is watched whole, wherever a class or function lives in it:
    the plugin, the record writer, the stress helpers and this guard. The namespaces are held
    live, so a check after each test is a lookup per name (a fraction of a millisecond), not a
    new walk over every module (4 ms a test on the free-threaded build).
    """
    watched: list[Watched] = []
    modules = sys.modules
    own = sorted(name for name in modules if name.partition(".")[0] == OWN_PACKAGE)
    for name in (*WATCHED_MODULES, *own):
        module = modules.get(name)
        if module is None:
            continue
        watched.append((modules, name, module, name))
        whole = name in own
        namespace = vars(module)
        for attribute, value in list(namespace.items()):
            if attribute.startswith("__"):
                continue
            watched.append((namespace, attribute, value, f"{name}.{attribute}"))
            if isinstance(value, type) and value.__module__ == name:
                members = vars(value)
                for member, function in list(members.items()):
                    if whole or (callable(function) and not member.startswith("__")):
                        watched.append((members, member, function, f"{name}.{attribute}.{member}"))
    for name, attributes in WATCHED_NAMES.items():
        namespace = vars(modules[name])
        for attribute in attributes:
            watched.append((namespace, attribute, namespace.get(attribute), f"{name}.{attribute}"))
    return tuple(watched)
