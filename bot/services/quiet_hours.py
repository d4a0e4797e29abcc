"""Quiet hours: bulk messages wait for the window to open (design §7, FCC 16-88 for urgent sends)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class QuietHours:
    """A nightly window in the school's time zone, such as 21:00-08:00, when bulk sends wait."""

    start: time
    end: time
    zone: ZoneInfo

    def contains(self, at: datetime) -> bool:
        """True when this moment falls inside the quiet window."""
        local = at.astimezone(self.zone).time().replace(tzinfo=None)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_open(self, at: datetime) -> datetime:
        """`at` itself when sending is allowed then, otherwise the moment the window opens (UTC)."""
        if not self.contains(at):
            return at
        local = at.astimezone(self.zone)
        day = local.date()
        if local.time().replace(tzinfo=None) >= self.end and self.start > self.end:
            day += timedelta(days=1)
        # Built from the wall clock so a daylight-saving change in the night lands on 08:00 local.
        opening = datetime.combine(day, self.end, tzinfo=self.zone)
        return opening.astimezone(UTC)
