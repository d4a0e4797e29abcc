"""Quiet hours: bulk messages wait for the window to open (design §7, FCC 16-88 for urgent sends)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.school_data import ZoneSource


@dataclass(frozen=True)
class QuietHours:
    """A nightly window in the school's time zone, such as 21:00-08:00, when bulk sends wait.

    The zone is a fixed one or the active school's, read at each check so `school use` takes effect.
    """

    start: time
    end: time
    zone: ZoneInfo | ZoneSource

    def current_zone(self) -> ZoneInfo:
        """The zone the window is counted in right now."""
        return self.zone if isinstance(self.zone, ZoneInfo) else self.zone()

    def contains(self, at: datetime) -> bool:
        """True when this moment falls inside the quiet window."""
        local = at.astimezone(self.current_zone()).time().replace(tzinfo=None)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_open(self, at: datetime) -> datetime:
        """`at` itself when sending is allowed then, otherwise the moment the window opens (UTC)."""
        if not self.contains(at):
            return at
        zone = self.current_zone()
        local = at.astimezone(zone)
        day = local.date()
        if local.time().replace(tzinfo=None) >= self.end and self.start > self.end:
            day += timedelta(days=1)
        # Built from the wall clock so a daylight-saving change in the night lands on 08:00 local.
        opening = datetime.combine(day, self.end, tzinfo=zone)
        return opening.astimezone(UTC)
