"""A thread-safe object pool, and a proxy that forwards to pooled objects.

Fill in every TODO. The names and signatures below are the ones the grader calls; keep them.
README.md (or `grade show object-pool`) states every requirement that is checked. Your code runs
on free-threaded CPython (GIL disabled) with many threads at once.
"""

from __future__ import annotations

import threading  # you will need it
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class PoolExhausted(Exception):
    """Raised by Pool.get() when every object is lent, no more may be made, and the wait for
    one to come back ran out."""


class Pool:
    """Objects made on demand by `fun(i)`, each lent to one holder at a time.

    Contract (README.md, section 2):
    - get() lends a free object; only when none is free does it make one with fun(i), i being
      how many objects the pool made before. Never more than `max_size` objects (None: no
      limit). When all are lent and no more may be made, get() waits for one to come back, up
      to `timeout` seconds (None: for ever, 0: not at all), then raises PoolExhausted.
    - ret(obj) gives a lent object back. An object that is not lent by this pool right now
      raises ValueError and changes nothing.
    - Objects may be unhashable and may all compare equal: tell them apart by identity.
    - Many threads call get() and ret() at once, with the GIL disabled.
    """

    def __init__(
        self,
        fun: Callable[[int], Any],
        max_size: int | None = None,
        timeout: float | None = None,
    ) -> None:
        self._fun = fun
        self._max_size = max_size
        self._timeout = timeout
        # TODO: the state the pool keeps, and what guards it.

    @property
    def created(self) -> int:
        """How many objects the pool has made so far."""
        raise NotImplementedError("TODO: Pool.created")

    @property
    def available(self) -> int:
        """How many of the objects made are free right now."""
        raise NotImplementedError("TODO: Pool.available")

    def get(self) -> Any:
        """Lend a free object, make one if none is free and the size allows, else wait."""
        raise NotImplementedError("TODO: Pool.get")

    def ret(self, obj: Any) -> None:
        """Give a lent object back; ValueError (and no change) for anything else."""
        raise NotImplementedError("TODO: Pool.ret")

    @contextmanager
    def borrow(self) -> Iterator[Any]:
        """`with pool.borrow() as obj:` lends an object for the block and gives it back when
        the block ends, also when it raises."""
        raise NotImplementedError("TODO: Pool.borrow")
        yield  # makes this a generator, as @contextmanager needs


class Proxy:
    """Stands in for an object: attribute reads, method calls and str() reach that object.

    Contract (README.md, section 3):
    - scope="shared": one object for everyone, the `obj` given or the one `fun(0)` makes on
      first use (once, even when many threads use the Proxy first at the same moment). Only
      obj=None means no object.
    - scope="thread": each thread draws its own object from a Pool(fun, max_size) on first use
      and keeps it until _ret_obj().
    - Any other scope: ValueError. Used before it has an object or a fun: RuntimeError whose
      message names _set_obj or _set_fun.
    """

    def __init__(
        self,
        obj: Any = None,
        *,
        fun: Callable[[int], Any] | None = None,
        scope: str = "shared",
        max_size: int | None = None,
    ) -> None:
        # TODO: check the scope, and keep what the Proxy needs under names that start with an
        # underscore (the wrapped object's attributes are reached through the Proxy).
        pass

    def _set_obj(self, obj: Any) -> None:
        """Forward to `obj` from now on (a Proxy created empty, filled later)."""
        raise NotImplementedError("TODO: Proxy._set_obj")

    def _set_fun(self, fun: Callable[[int], Any]) -> None:
        """Make objects with `fun` from now on, as if the Proxy had been created with it."""
        raise NotImplementedError("TODO: Proxy._set_fun")

    def _ret_obj(self) -> None:
        """Give the calling thread's object back to the pool and forget it (scope="thread")."""
        raise NotImplementedError("TODO: Proxy._ret_obj")

    def _has_obj(self) -> bool:
        """Whether the calling thread holds an object now, without drawing one."""
        raise NotImplementedError("TODO: Proxy._has_obj")

    # TODO: forward attribute reads and method calls, and str(), to the object.
