"""Mutant `weak-registry`: the reference with one bug.

The registry holds instances weakly: once no caller refers to one, it is collected, and the
next call builds another.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol


# ---------------------------------------------------------------------------------------------
# 1. The singleton metaclass
# ---------------------------------------------------------------------------------------------


class ThreadSafeSingletonMeta(type):
    """Gives every class that uses it a single instance."""

    _instances: ClassVar[weakref.WeakValueDictionary[type, Any]] = weakref.WeakValueDictionary()
    _lock: ClassVar[threading.RLock] = threading.RLock()

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        meta = ThreadSafeSingletonMeta
        instance = meta._instances.get(cls)
        if instance is not None:
            return instance
        with meta._lock:
            instance = meta._instances.get(cls)
            if instance is None:
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
