"""Run by each interpreter under test (stdlib only): bytes per message, slotted against not.

The messages are the notification-pipeline's: `EmailMessage(recipient, subject, body)` and
`SMSMessage(phone, text)`, str fields defaulting to "". Every message shares the same field
strings, so tracemalloc counts only what the message object itself costs (its header, its
slots or its attribute storage), not the text it carries. The list holding them is allocated
before tracing starts. Prints one JSON object on stdout.
"""

from __future__ import annotations

import gc
import json
import sys
import sysconfig
import tracemalloc
from dataclasses import dataclass


@dataclass
class EmailMessage:
    recipient: str = ""
    subject: str = ""
    body: str = ""


@dataclass(slots=True)
class SlottedEmailMessage:
    recipient: str = ""
    subject: str = ""
    body: str = ""


@dataclass
class SMSMessage:
    phone: str = ""
    text: str = ""


@dataclass(slots=True)
class SlottedSMSMessage:
    phone: str = ""
    text: str = ""


FIELDS = {
    "email": ("ops@example.com", "Disk", "Disk 91% full on db-1"),
    "sms": ("+15550100", "Disk 91% full on db-1"),
}


def bytes_per_message(kind: type, fields: tuple[str, ...], count: int) -> float:
    """Traced bytes still held after building `count` messages, per message."""
    messages: list[object] = [None] * count
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    for index in range(count):
        messages[index] = kind(*fields)
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del messages
    gc.collect()
    return (after - before) / count


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    pairs = {"email": (EmailMessage, SlottedEmailMessage), "sms": (SMSMessage, SlottedSMSMessage)}
    figures = {}
    for name, (plain, slotted) in pairs.items():
        assert not hasattr(slotted(), "__dict__")
        figures[name] = {
            "unslotted": bytes_per_message(plain, FIELDS[name], count),
            "slotted": bytes_per_message(slotted, FIELDS[name], count),
        }
    gil_enabled = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(json.dumps({
        "version": sys.version.split()[0],
        "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil_enabled": gil_enabled,
        "count": count,
        "messages": figures,
    }))


if __name__ == "__main__":
    main()
