"""An event bus that never keeps its subscribers alive.

Fill in every TODO. The names and signatures below are the ones the grader calls; keep them.
README.md (or `grade show observer-leak`) states every requirement that is checked.
Your code runs on free-threaded CPython (GIL disabled), with many threads at once.
"""

from __future__ import annotations

import threading  # you will need it
import weakref  # you will need it
from collections.abc import Callable
from typing import Any


class EventBus:
    """Publish-subscribe whose subscribers are functions, bound methods or callable objects.

    Contract, in short (the statement has every detail):
    - `publish(*args, **kwargs)` calls every live subscriber with those arguments, once each,
      in subscription order, and returns how many it called.
    - The bus never keeps a subscriber alive: once the owner of a callback (the function, the
      method's object, the callable object) is collected, it is no longer called or counted.
    - The same callback subscribed twice is one subscriber, recognised by identity, never by
      ==; `unsubscribe(obj.method)` works with a freshly written `obj.method`.
    - A callback may subscribe or unsubscribe during `publish`.
    - Publishing, subscribing and unsubscribing from many threads at once is safe with the
      GIL disabled.
    """

    def __init__(self) -> None:
        # TODO: the subscribers, kept in subscription order, held so that subscribing does
        # not keep them alive; and whatever protects them from many threads at once.
        pass

    def subscribe(self, callback: Callable[..., Any]) -> None:
        """Add `callback` as a subscriber; subscribing it again changes nothing."""
        # TODO
        raise NotImplementedError("subscribe")

    def unsubscribe(self, callback: Callable[..., Any]) -> None:
        """Remove `callback`; a callback that is not subscribed is not an error."""
        # TODO
        raise NotImplementedError("unsubscribe")

    def publish(self, *args: Any, **kwargs: Any) -> int:
        """Call every live subscriber with these arguments, in subscription order.

        Returns how many subscribers it called.
        """
        # TODO
        raise NotImplementedError("publish")

    def __len__(self) -> int:
        """The number of live subscribers."""
        # TODO
        raise NotImplementedError("len")
