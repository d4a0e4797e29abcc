"""Service targets counted in school days: the weekdays the school office is open."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n.formatting import WEEKDAYS
from bot.services.school_data import SchoolData


def school_weekdays(school: SchoolData) -> frozenset[int]:
    """Weekday numbers (Monday 0) on which the office opens."""
    days: set[int] = set()
    for hours in school.office_hours:
        first, last = WEEKDAYS.index(hours.first_day), WEEKDAYS.index(hours.last_day)
        days.update(range(first, last + 1))
    return frozenset(days) or frozenset(range(5))


def add_school_days(start: datetime, days: float, school: SchoolData, zone: ZoneInfo) -> datetime:
    """The moment `days` school days after `start`: weekends and closed days do not count.

    Whole days land on the same local time of a later school day; a fraction adds hours of it.
    """
    open_days = school_weekdays(school)
    local = start.astimezone(zone)
    whole = math.floor(days)
    while whole > 0:
        local += timedelta(days=1)
        if local.weekday() in open_days:
            whole -= 1
    local += timedelta(hours=(days - math.floor(days)) * 24)
    # Recompute the offset so a deadline across a DST change keeps its wall-clock time.
    return local.replace(tzinfo=None).replace(tzinfo=zone)
