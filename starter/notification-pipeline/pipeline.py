"""The thread-safe notification pipeline.

Fill in every TODO. The names and signatures below are the ones the grader calls; keep them.
README.md (or `grade show notification-pipeline`) states every requirement that is checked.
Your code runs on free-threaded CPython (GIL disabled) with many threads at once.
"""

from __future__ import annotations

import threading  # you will need it
from dataclasses import dataclass  # you will need it
from typing import Any, Protocol


# =============================================================================================
# 1. The singleton metaclass
# =============================================================================================


class ThreadSafeSingletonMeta(type):
    """Metaclass: every class that uses it has exactly one instance in the process.

    Contract:
    - `SomeClass()` returns the same object on every call, from every thread.
    - That one instance lasts as long as the process, whether or not any caller keeps a
      reference to it.
    - `SomeClass.__init__` runs once, for the call that creates the instance; later calls
      return that instance and ignore their arguments.
    - Two classes that use this metaclass get two different instances.
    - Many threads may call a class for the very first time at the same moment (with the
      GIL disabled): exactly one instance is built, and no thread ever receives it before
      its `__init__` has finished.

    TODO: as shipped, this metaclass changes nothing, so every call builds a new object.
    Work out which method of a metaclass runs each time one of its classes is *called*
    (not when the class is *defined*), and implement the contract there.
    """


# =============================================================================================
# 2. The observer protocol
# =============================================================================================


class Observer(Protocol):
    """Structural type of an observer: any object with `update(message: str) -> None`.

    Classes never inherit from it; a type checker accepts any object whose `update`
    has a matching signature.

    TODO: declare the method every observer has.
    """


# =============================================================================================
# 3. Memory-optimised messages
# =============================================================================================


class EmailMessage:
    """TODO: a dataclass with fields recipient: str = "", subject: str = "", body: str = "",
    in that order. Its instances must have no `__dict__`.
    """


class SMSMessage:
    """TODO: a dataclass with fields phone: str = "", text: str = "", in that order.
    Its instances must have no `__dict__`.
    """


# =============================================================================================
# 4. The factory
# =============================================================================================


class MessageFactory:
    """Builds messages. Both methods are called on the class: `MessageFactory.create_message(...)`."""

    @staticmethod
    def create_message(msg_type: str, **fields: Any) -> EmailMessage | SMSMessage:
        """"email" -> EmailMessage(**fields), "sms" -> SMSMessage(**fields).

        Any other msg_type raises ValueError, and the error message names it.
        """
        # TODO
        raise NotImplementedError("MessageFactory.create_message")

    @staticmethod
    def create(kind, **fields):  # TODO: make this generic with PEP 695 syntax
        """Return kind(**fields).

        A type checker must see `MessageFactory.create(EmailMessage)` as an EmailMessage and
        `MessageFactory.create(SMSMessage)` as an SMSMessage.
        """
        # TODO
        raise NotImplementedError("MessageFactory.create")


# =============================================================================================
# 5. The publisher
# =============================================================================================


class DatabaseConnection(metaclass=ThreadSafeSingletonMeta):
    """The process's one database connection; it forwards messages to its subscribers."""

    def __init__(self) -> None:
        # TODO: set up whatever keeps the subscribers.
        pass

    def subscribe(self, observer: Observer) -> None:
        """Add an observer. Many threads may subscribe at the same time; none may be lost.

        The connection keeps the observer: it is notified even if nothing else refers to it.
        """
        # TODO
        raise NotImplementedError("DatabaseConnection.subscribe")

    def notify_all(self, message: str) -> None:
        """Call update(message) on every subscriber, once each, in subscription order."""
        # TODO
        raise NotImplementedError("DatabaseConnection.notify_all")
