"""The wired bot the scheduled jobs act on, and the clock they run at, set when the scheduler starts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.clock import utcnow

if TYPE_CHECKING:
    from bot.app import Bot

_bot: Bot | None = None
_clock: Callable[[], datetime] = utcnow


def install(bot: Bot | None, clock: Callable[[], datetime] = utcnow) -> None:
    """Make `bot` the one jobs use, at `clock` (None when the scheduler stops)."""
    global _bot, _clock
    _bot, _clock = bot, clock


def current() -> Bot:
    """The bot jobs act on; jobs only run inside a started scheduler, which installs it."""
    if _bot is None:
        raise RuntimeError("no scheduler is running in this process")
    return _bot


def clock() -> Callable[[], datetime]:
    """The clock jobs run at: the scheduler's (the system time unless a test gave it another)."""
    return _clock
