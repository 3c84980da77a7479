"""Reference solution: an event bus that never keeps its subscribers alive.

Subscribers are held through weak references, so subscribing is not a reason for a callback
(or the object that owns it) to live on. Bound methods need `weakref.WeakMethod`: a plain
weak reference to `obj.method` points at a bound-method object that nobody else holds, and it
dies as soon as `subscribe` returns.
"""

from __future__ import annotations

import threading
import types
import weakref
from collections.abc import Callable
from typing import Any


class _Subscription:
    """One subscribed callback, held weakly, and how to recognise it again."""

    __slots__ = ("_ref", "_owner", "_func", "active")

    def __init__(self, callback: Callable[..., Any]) -> None:
        if isinstance(callback, types.MethodType):
            # `obj.method` builds a new bound-method object on every evaluation, so a weak
            # reference to this one would die at once. WeakMethod keeps weak references to
            # the object and the function instead, and rebuilds the bound method on demand.
            self._ref: weakref.ref[Any] = weakref.WeakMethod(callback)
            # Recognise the method later by identity of its object and function. Comparing
            # WeakMethods (or the objects) with == would make the methods of two objects that
            # merely compare equal one subscriber.
            self._owner: weakref.ref[Any] | None = weakref.ref(callback.__self__)
            self._func: Any = callback.__func__
        else:
            # Functions and callable objects: the callback is its own owner.
            self._ref = weakref.ref(callback)
            self._owner = None
            self._func = None
        # Cleared by unsubscribe: a publish already running with an older snapshot skips it.
        self.active = True

    def callback(self) -> Callable[..., Any] | None:
        """The live callback, or None once its owner has been collected."""
        return self._ref()

    def matches(self, callback: Callable[..., Any]) -> bool:
        """True if `callback` is this subscriber: the same object, by identity (never ==)."""
        if self._owner is None:
            return self._ref() is callback
        if not isinstance(callback, types.MethodType):
            return False
        return self._owner() is callback.__self__ and self._func is callback.__func__


class EventBus:
    """Publish-subscribe that holds every subscriber weakly."""

    def __init__(self) -> None:
        # Subscription order is list order. Every read and write of the list happens under
        # the lock; the lock is never held while a callback runs, so a callback may subscribe
        # or unsubscribe (and another thread's publish is not held up by a slow callback).
        self._subscriptions: list[_Subscription] = []
        self._lock = threading.Lock()

    def _prune(self) -> None:
        """Forget subscriptions whose owner is gone. Called with the lock held.

        Dead entries are dropped lazily here rather than from weakref callbacks: a weakref
        callback runs whenever the collector does, possibly in a thread that already holds
        the lock, and a plain Lock taken again there would deadlock.
        """
        self._subscriptions = [s for s in self._subscriptions if s.callback() is not None]

    def subscribe(self, callback: Callable[..., Any]) -> None:
        """Add `callback` once; subscribing it again changes nothing."""
        subscription = _Subscription(callback)
        # Copy-on-write: publish iterates whichever list it read, so no lock is needed here.
        current = self._subscriptions
        # Identity search, not `in`: `in` would compare with ==.
        if any(s.matches(callback) for s in current):
            return
        self._subscriptions = [s for s in current if s.callback() is not None] + [subscription]

    def unsubscribe(self, callback: Callable[..., Any]) -> None:
        """Remove `callback` if it is subscribed; an unknown callback is not an error."""
        # Copy-on-write, as in subscribe.
        kept = []
        for s in self._subscriptions:
            if s.matches(callback):
                s.active = False
            else:
                kept.append(s)
        # A new list rather than deleting in place: a publish iterates over its own
        # snapshot, so no iteration ever sees this list change under it.
        self._subscriptions = kept

    def publish(self, *args: Any, **kwargs: Any) -> int:
        """Call every live subscriber with the arguments, in subscription order; return how many."""
        with self._lock:
            self._prune()
            # The snapshot is taken under the lock: a publish that begins after an
            # unsubscribe returned cannot see that subscriber.
            snapshot = tuple(self._subscriptions)
        called = 0
        for s in snapshot:
            if not s.active:
                continue  # unsubscribed since the snapshot was taken
            callback = s.callback()  # a strong reference for the duration of the call
            if callback is None:
                continue
            callback(*args, **kwargs)
            called += 1
        return called

    def __len__(self) -> int:
        """How many subscribers are still alive."""
        with self._lock:
            self._prune()
            return len(self._subscriptions)
