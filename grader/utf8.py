"""Text the grader writes is valid UTF-8, whatever a submission hands it.

A lone surrogate (from an undecodable file name, or a message a submission crafted) cannot be
encoded; it becomes U+FFFD instead of stopping a write or a report.
"""

from __future__ import annotations

import re

LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: object) -> str:
    """`str(value)` with each lone surrogate replaced by exactly one U+FFFD."""
    return LONE_SURROGATE.sub("\ufffd", str(value))
