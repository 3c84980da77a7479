"""Notification pipeline: singleton connection, message factory, observers."""

from dataclasses import dataclass
from typing import Any, Protocol


class ThreadSafeSingletonMeta(type):
    """Keeps one instance per class."""

    _instances: dict[type, Any] = {}

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        # Build the instance the first time, hand back the same one afterwards.
        if cls not in cls._instances:
            cls._instances[cls] = super().__call__(*args, **kwargs)
        return cls._instances[cls]


class Observer(Protocol):
    def update(self, message: str) -> None: ...


@dataclass(slots=True)
class EmailMessage:
    recipient: str = ""
    subject: str = ""
    body: str = ""


@dataclass(slots=True)
class SMSMessage:
    phone: str = ""
    text: str = ""


class MessageFactory:
    @classmethod
    def create_message(cls, msg_type: str, **fields: Any) -> EmailMessage | SMSMessage:
        if msg_type == "email":
            return EmailMessage(**fields)
        if msg_type == "sms":
            return SMSMessage(**fields)
        raise ValueError(f"cannot create a message of type {msg_type!r}")

    @classmethod
    def create[T](cls, kind: type[T], **fields: Any) -> T:
        return kind(**fields)


class DatabaseConnection(metaclass=ThreadSafeSingletonMeta):
    def __init__(self) -> None:
        self.subscribers: list[Observer] = []

    def subscribe(self, observer: Observer) -> None:
        self.subscribers.append(observer)

    def notify_all(self, message: str) -> None:
        for subscriber in self.subscribers:
            subscriber.update(message)
