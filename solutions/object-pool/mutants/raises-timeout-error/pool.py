"""Reference solution: a thread-safe object pool, and a proxy that forwards to pooled objects.

The pool lends each object to one holder at a time and makes new ones only when none is free
and the size allows. Everything it knows about an object it keeps by identity (`is`, `id()`),
never by `==`, `in` or hashing: the objects it pools may be unhashable, or all equal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class PoolExhausted(Exception):
    """Every object is lent, the pool may make no more, and the wait for one ran out."""


class Pool:
    """Objects made on demand by `fun(i)`, lent to one holder at a time, up to `max_size`."""

    def __init__(
        self,
        fun: Callable[[int], Any],
        max_size: int | None = None,
        timeout: float | None = None,
    ) -> None:
        self._fun = fun
        self._max_size = max_size
        self._timeout = timeout
        # One lock guards every field below, and the condition built on it is where get()
        # waits for an object to come back. Every check and the change it leads to happen
        # under that one lock, so no two threads can both see "one free" and both take it.
        self._lock = threading.Lock()
        self._object_back = threading.Condition(self._lock)
        self._free: list[Any] = []
        # Objects out on loan, keyed by id(). The dict holds each object, so its id cannot be
        # reused by another object while it is lent. A set of the objects themselves would need
        # them hashable, and `obj in some_list` compares with ==, which an equal stranger passes.
        self._lent: dict[int, Any] = {}
        self._made = 0
        # Slots taken: objects made plus those being made right now. max_size is checked
        # against this, not against `_made`, because fun() runs outside the lock (it may be
        # slow: a network connection) and every thread that checked `_made` during that time
        # would see room for one more.
        self._reserved = 0

    @property
    def created(self) -> int:
        """Objects made so far."""
        with self._lock:
            return self._made

    @property
    def available(self) -> int:
        """Objects made and free right now."""
        with self._lock:
            return len(self._free)

    def get(self) -> Any:
        """A free object, or a new one if the size allows; else wait up to `timeout`."""
        # `is None`, not truthiness: a timeout of 0 means "do not wait", not "wait for ever".
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        with self._object_back:
            while True:
                # Look at the free list before the deadline, every time round: a waiter whose
                # wait timed out just as an object came back still takes it.
                if self._free:
                    obj = self._free.pop()
                    self._lent[id(obj)] = obj
                    return obj
                if self._max_size is None or self._reserved < self._max_size:
                    index = self._reserved
                    self._reserved += 1
                    break
                if deadline is None:
                    self._object_back.wait()
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"all {self._max_size} objects are lent; none came back within "
                        f"{self._timeout} s"
                    )
                # wait() may return early (a notify meant for another waiter, whose object a
                # newcomer took first): the loop looks again and waits for the time left.
                self._object_back.wait(remaining)
        # The slot is ours: make the object without holding the lock, so other threads can
        # return and take objects meanwhile.
        try:
            obj = self._fun(index)
        except BaseException:
            with self._object_back:
                self._reserved -= 1
                self._object_back.notify()  # a waiter may now make one in this one's place
            raise
        with self._object_back:
            self._made += 1
            self._lent[id(obj)] = obj
        return obj

    def ret(self, obj: Any) -> None:
        """Give a lent object back; anything else is a ValueError and changes nothing."""
        with self._object_back:
            if self._lent.get(id(obj)) is not obj:
                raise ValueError(
                    "this object is not lent by this pool (returned twice, or not one of its)"
                )
            del self._lent[id(obj)]
            self._free.append(obj)
            # One object came back, so one waiter can have it.
            self._object_back.notify()

    @contextmanager
    def borrow(self) -> Iterator[Any]:
        """`with pool.borrow() as obj:` lends an object for the block, and takes it back even
        when the block raises."""
        obj = self.get()
        try:
            yield obj
        finally:
            self.ret(obj)


_SCOPES = ("shared", "thread")
# The Proxy's own attribute names: __getattr__ never forwards these, so a lookup of one that is
# not set yet (inside __init__, or on a copy made without __init__) fails plainly instead of
# recursing into __getattr__ again.
_OWN = frozenset({"_scope", "_max_size", "_lock", "_fun", "_shared", "_pool", "_local"})
_UNSET: Any = object()  # no shared object yet: None cannot mark it, the caller's obj=None does


class Proxy:
    """Stands in for an object: reading an attribute, calling a method or `str()` reaches it.

    `scope="shared"`: one object for everyone, given or made by `fun(0)` on first use.
    `scope="thread"`: each thread draws its own from a `Pool(fun, max_size)` on first use, and
    keeps it until it calls `_ret_obj()`.
    """

    def __init__(
        self,
        obj: Any = None,
        *,
        fun: Callable[[int], Any] | None = None,
        scope: str = "shared",
        max_size: int | None = None,
    ) -> None:
        if scope not in _SCOPES:
            raise ValueError(f"scope must be 'shared' or 'thread', not {scope!r}")
        self._scope = scope
        self._max_size = max_size
        self._lock = threading.Lock()
        self._local = threading.local()
        # `is None`: an object that is falsy (0, "", an empty list) is still an object.
        self._shared = _UNSET if obj is None else obj
        self._fun: Callable[[int], Any] | None = None
        self._pool: Pool | None = None
        if fun is not None:
            self._set_fun(fun)

    def _set_obj(self, obj: Any) -> Proxy:
        """Forward to `obj`, for everyone (a Proxy created empty at import time, filled later)."""
        with self._lock:
            self._shared = obj
            self._fun = None
            self._pool = None
        return self

    def _set_fun(self, fun: Callable[[int], Any]) -> Proxy:
        """Make objects with `fun`: once for a shared proxy, from a pool for a thread one."""
        with self._lock:
            self._fun = fun
            self._shared = _UNSET
            self._pool = Pool(fun, self._max_size) if self._scope == "thread" else None
        return self

    def _has_obj(self) -> bool:
        """Whether the calling thread holds an object (thread scope); draws nothing."""
        if self._scope == "thread" and self._pool is not None:
            return getattr(self._local, "obj", _UNSET) is not _UNSET
        return self._shared is not _UNSET

    def _ret_obj(self) -> None:
        """Give the calling thread's object back to the pool (thread scope)."""
        pool = self._pool
        obj = getattr(self._local, "obj", _UNSET)
        if pool is None or obj is _UNSET:
            return
        # Forget it first: from here on this thread must draw again, since another thread may
        # be handed this very object as soon as the pool has it back.
        del self._local.obj
        pool.ret(obj)

    def _target(self) -> Any:
        """The object this thread's reads reach, made or drawn on first use."""
        pool = self._pool
        if pool is not None:
            # threading.local: each thread sees only its own `obj` attribute.
            obj = getattr(self._local, "obj", _UNSET)
            if obj is _UNSET:
                obj = pool.get()
                self._local.obj = obj
            return obj
        shared = self._shared
        if shared is not _UNSET:
            return shared
        # Lazy shared creation is a check-then-act: with no lock, threads that use the proxy
        # for the first time together would each call fun(0) and each get an object of its own.
        with self._lock:
            if self._shared is _UNSET:
                if self._fun is None:
                    raise RuntimeError(
                        "this Proxy has no object yet: call _set_obj(obj) or _set_fun(fun) "
                        "before using it"
                    )
                # Published only once fun(0) has returned, so the unlocked read above never
                # sees a half-made object.
                self._shared = self._fun(0)
            return self._shared

    def __getattr__(self, name: str) -> Any:
        # Runs only for names the Proxy itself lacks: those are the wrapped object's.
        if name in _OWN or (name.startswith("__") and name.endswith("__")):
            raise AttributeError(name)
        return getattr(self._target(), name)

    # str() looks __str__ up on the type, never through __getattr__, so it is forwarded here.
    def __str__(self) -> str:
        return str(self._target())

    def __repr__(self) -> str:
        return f"Proxy({self._scope})"
