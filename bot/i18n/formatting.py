"""Dates, times and day ranges formatted by Babel in the recipient's locale and the school's zone."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time, get_day_names

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def babel_locale(code: str) -> Locale:
    """A Babel locale for a catalog code such as 'es' or 'zh_Hans'."""
    return Locale.parse(code)


def local_time(value: time, locale: str) -> str:
    """A wall-clock time such as '7:30 AM' or '7:30'."""
    return format_time(value, format="short", locale=babel_locale(locale))


def local_datetime(value: datetime, locale: str, zone: ZoneInfo) -> str:
    """A moment in the school's time zone with its weekday and no year, e.g. 'Tue, Nov 24, 6:00 PM'."""
    loc = babel_locale(locale)
    local = value.astimezone(zone)
    return f"{format_skeleton('MMMEd', local, locale=loc)}, {format_time(local, format='short', locale=loc)}"


def local_date(value: datetime, locale: str, zone: ZoneInfo) -> str:
    """A full date in the school's zone, e.g. 'Tuesday, November 24, 2026'."""
    return format_date(value.astimezone(zone), format="full", locale=babel_locale(locale))


def day_range(first: str, last: str, locale: str) -> str:
    """'Mon-Fri' in the recipient's language."""
    names = get_day_names("abbreviated", locale=babel_locale(locale))
    start, end = WEEKDAYS.index(first), WEEKDAYS.index(last)
    if start == end:
        return str(names[start])
    return f"{names[start]}-{names[end]}"


def stamp(value: datetime, locale: str, zone: ZoneInfo) -> str:
    """A date and time with Babel's medium pattern."""
    return format_datetime(value.astimezone(zone), format="medium", locale=babel_locale(locale))
