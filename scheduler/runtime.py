"""The wired bot the scheduled jobs act on, set once when the scheduler starts in this process."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Bot

_bot: Bot | None = None


def install(bot: Bot | None) -> None:
    """Make `bot` the one jobs use (None when the scheduler stops)."""
    global _bot
    _bot = bot


def current() -> Bot:
    """The bot jobs act on; jobs only run inside a started scheduler, which installs it."""
    if _bot is None:
        raise RuntimeError("no scheduler is running in this process")
    return _bot
