"""Reference solution: the thread-safe notification pipeline.

Three patterns in one module: a singleton metaclass that stays correct with the GIL disabled,
a factory of slotted message dataclasses with a generic constructor, and a publisher whose
observers are matched structurally by a Protocol.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol


# ---------------------------------------------------------------------------------------------
# 1. The singleton metaclass
# ---------------------------------------------------------------------------------------------


class ThreadSafeSingletonMeta(type):
    """Every class made by this metaclass has one instance, built once, by exactly one thread.

    `DatabaseConnection()` calls `type(DatabaseConnection).__call__`, i.e. this metaclass's
    `__call__`: that is the hook that runs on every instantiation. (`__new__` of a metaclass
    runs once per *class statement*, so it cannot decide which instance a call returns.)
    """

    # Finished instances only, keyed by class. Two classes using the metaclass get two entries.
    # A plain dict holds each instance strongly, so it lives as long as the process whether or
    # not any caller keeps a reference; a WeakValueDictionary would let an instance that nobody
    # holds be collected, and the next call would build a second one.
    _instances: ClassVar[dict[type, Any]] = {}
    # One lock for all classes. A re-entrant lock, because a singleton's __init__ may itself
    # construct another singleton (the connection may need a config singleton, say).
    _lock: ClassVar[threading.RLock] = threading.RLock()

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        # Reach the registry through the metaclass, not `cls._instances`: a class that happens
        # to define its own `_lock` or `_instances` attribute would otherwise shadow ours.
        meta = ThreadSafeSingletonMeta
        # Fast path without the lock. Safe because an entry only appears in _instances after
        # its __init__ has returned, so whatever a thread finds here is fully built.
        instance = meta._instances.get(cls)
        if instance is not None:
            return instance
        with meta._lock:
            # Check again: while this thread waited for the lock, the thread holding it may
            # have built the instance. Without this second look, every thread that missed the
            # fast path would build (and run __init__ for) an instance of its own.
            instance = meta._instances.get(cls)
            if instance is None:
                # type.__call__ runs __new__ and then __init__. Only when both are done is the
                # instance published; publishing first would let the fast path above hand out
                # an object whose __init__ is still running in another thread.
                instance = super().__call__(*args, **kwargs)
                meta._instances[cls] = instance
            return instance


# ---------------------------------------------------------------------------------------------
# 2. The observer protocol
# ---------------------------------------------------------------------------------------------


class Observer(Protocol):
    """Anything with a matching `update` is an observer; no base class is needed."""

    def update(self, message: str) -> None: ...


# ---------------------------------------------------------------------------------------------
# 3. Memory-optimised messages
# ---------------------------------------------------------------------------------------------

# slots=True makes the dataclass decorator build a new class with __slots__ for the fields, so
# instances carry no per-object __dict__. That only holds if every base class is slotted too:
# object is, a plain `class Base: pass` is not (and would bring the __dict__ back).


@dataclass(frozen=True, slots=True)
class EmailMessage:
    recipient: str = ""
    subject: str = ""
    body: str = ""


@dataclass(frozen=True, slots=True)
class SMSMessage:
    phone: str = ""
    text: str = ""


# ---------------------------------------------------------------------------------------------
# 4. The factory
# ---------------------------------------------------------------------------------------------


class MessageFactory:
    """Builds messages by name, or by class with the class's type kept for the type checker."""

    _kinds: ClassVar[dict[str, type[EmailMessage] | type[SMSMessage]]] = {
        "email": EmailMessage,
        "sms": SMSMessage,
    }

    @classmethod
    def create_message(cls, msg_type: str, **fields: Any) -> EmailMessage | SMSMessage:
        kind = cls._kinds.get(msg_type)
        if kind is None:
            known = ", ".join(repr(name) for name in cls._kinds)
            raise ValueError(f"unknown message type {msg_type!r}; expected one of {known}")
        return kind(**fields)

    @staticmethod
    def create[T](kind: type[T], **fields: Any) -> T:
        # PEP 695: T is bound per call, so create(EmailMessage) is typed EmailMessage.
        return kind(**fields)


# ---------------------------------------------------------------------------------------------
# 5. The publisher
# ---------------------------------------------------------------------------------------------


class DatabaseConnection(metaclass=ThreadSafeSingletonMeta):
    """The one connection of the process; it forwards every message to its observers."""

    def __init__(self) -> None:
        # Strong references: a subscriber that nobody else refers to still gets every message.
        self._subscribers: list[Observer] = []
        # list.append is atomic in CPython, with or without the GIL; the lock keeps
        # notify_all's snapshot and subscribe from interleaving, and states the intent.
        self._subscribers_lock = threading.Lock()

    def subscribe(self, observer: Observer) -> None:
        with self._subscribers_lock:
            self._subscribers.append(observer)

    def notify_all(self, message: str) -> None:
        # Call observers outside the lock: an observer may subscribe another one.
        with self._subscribers_lock:
            subscribers = tuple(self._subscribers)
        for observer in subscribers:
            observer.update(message)
