"""Logs never hold a full phone number, whoever logged it."""

from __future__ import annotations

import logging

import pytest

from bot.logs import MaskPhones


@pytest.mark.parametrize(
    ("message", "args", "expected"),
    [
        ("text from %s", ("+12135550142",), "text from ***0142"),
        ("call (213) 555-0142 now", (), "call ***0142 now"),
        ("to 213.555.0142 and +442071838750", (), "to ***0142 and ***8750"),
        ("outbox 42 sent at 2026-11-23", (), "outbox 42 sent at 2026-11-23"),
    ],
)
def test_phone_numbers_are_masked(message: str, args: tuple[str, ...], expected: str) -> None:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, args, None)
    assert MaskPhones().filter(record)
    assert record.getMessage() == expected
