"""Events from a YAML file, validated with the path of every error, times turned from school time to UTC.

events:
  - key: family-reading-night          # stable id: loading the file again updates the event
    kind: family                       # workshop | class | meeting | family | elac | ssc
    title: {en: Family reading night, es: Noche de lectura en familia}
    description: {en: Bring a book!, es: ¡Traiga un libro!}
    location: {en: Library, es: Biblioteca}   # per language too (a plain string: the default language's)
    starts: "2026-12-03 18:00"         # school time; or starts_in_days: 5 with time: "18:00"
    ends: "19:30"                      # same day, or "2026-12-03 19:30"
    audience: {grades: ["3", "4"], languages: [es], groups: [ELAC]}   # empty: whole school
    rsvp: true
    reminders: [7d, 1d, 2h]
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot import clock
from bot.services.audience import normalize_audience
from bot.services.event_types import EventSpec
from bot.services.reminders import parse_offset
from bot.services.school_data import validation_errors
from bot.services.school_texts import plain_as_default, resolve_drafts
from bot.yaml_files import load_yaml

KEY = r"^[a-z0-9][a-z0-9_-]*$"
CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]([01]?\d|2[0-3]):([0-5]\d)$")
DEFAULT_REMINDERS: tuple[str | int, ...] = ("1d",)
LOCATION_MAX = 200


class EventFileError(Exception):
    """The events file cannot be read or has errors; `errors` lists each with its path in the file."""

    def __init__(self, path: Path, errors: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(errors))
        self.path = path
        self.errors = errors


def parse_clock(text: str) -> time:
    """A wall-clock time written HH:MM."""
    match = CLOCK.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a time like 18:00")
    return time(int(match.group(1)), int(match.group(2)))


def school_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in the school's zone; an hour skipped by DST is an error."""
    local = datetime.combine(day, at, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValueError(f"{day} {at:%H:%M} does not exist in {zone.key} (the clocks go forward then)")
    return instant


def parse_moment(text: str, zone: ZoneInfo) -> datetime:
    """'2026-12-03 18:00' in the school's zone, as a UTC instant."""
    match = MOMENT.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a date and time like 2026-12-03 18:00")
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        raise ValueError(f"{match.group(1)!r} is not a date") from None
    return school_moment(day, time(int(match.group(2)), int(match.group(3))), zone)


def parse_end(text: str, starts_at: datetime, zone: ZoneInfo) -> datetime:
    """An end written HH:MM (the start's day) or as a full date and time; it must follow the start."""
    text = text.strip()
    if CLOCK.match(text):
        ends_at = school_moment(starts_at.astimezone(zone).date(), parse_clock(text), zone)
    else:
        ends_at = parse_moment(text, zone)
    if ends_at <= starts_at:
        raise ValueError("the end must be after the start")
    return ends_at


def parse_offsets(values: Sequence[str | int]) -> tuple[int, ...]:
    """Reminder offsets such as 7d, 1d, 2h as minutes, largest first, each once."""
    return tuple(sorted({parse_offset(v) for v in values}, reverse=True))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AudienceEntry(_Strict):
    """Who is invited; each key given narrows it, none given means the whole school."""

    grades: list[str | int] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)


class EventEntry(_Strict):
    """One event as written in the file."""

    key: str = Field(pattern=KEY, max_length=64)
    kind: Literal["workshop", "class", "meeting", "family", "elac", "ssc"] = "meeting"
    title: dict[str, str] = Field(min_length=1)
    description: dict[str, str] = Field(default_factory=dict)
    location: dict[str, str] = Field(default_factory=dict)
    starts: str | None = None
    starts_in_days: int | None = Field(default=None, ge=0, le=366)
    time: str | None = None
    ends: str | None = None
    audience: AudienceEntry = Field(default_factory=AudienceEntry)
    rsvp: bool = True
    reminders: list[str | int] = Field(default_factory=lambda: list(DEFAULT_REMINDERS))

    @field_validator("title", "description", "location")
    @classmethod
    def _texts(cls, value: dict[str, str]) -> dict[str, str]:
        empty = [code for code, text in value.items() if not str(text).strip()]
        if empty:
            raise ValueError(f"empty text for {', '.join(empty)}")
        return {code: str(text).strip() for code, text in value.items()}

    @field_validator("location")
    @classmethod
    def _short_location(cls, value: dict[str, str]) -> dict[str, str]:
        long = [code for code, text in value.items() if len(text) > LOCATION_MAX]
        if long:
            raise ValueError(f"longer than {LOCATION_MAX} characters for {', '.join(long)}")
        return value

    @field_validator("reminders")
    @classmethod
    def _offsets(cls, value: list[str | int]) -> list[str | int]:
        parse_offsets(value)
        return value


class EventsFile(_Strict):
    """The whole file: a list of events."""

    events: list[EventEntry]


def parse_events(
    data: Any, path: Path, *, zone: ZoneInfo, default_locale: str, now: datetime | None = None
) -> list[EventSpec]:
    """Validate events already read from YAML; every problem is listed with its path."""
    if not isinstance(data, dict):
        raise EventFileError(path, ["the file must be a mapping with an `events:` list"])
    # Machine-translated drafts wait for a reviewer: parents get the default language until then.
    data = copy.deepcopy(data)
    resolve_drafts(data, "events", show=False)
    plain_as_default(data, "events", default_locale)
    try:
        parsed = EventsFile.model_validate(data)
    except ValidationError as exc:
        raise EventFileError(path, validation_errors(exc)) from None
    moment = now or clock.utcnow()
    specs: list[EventSpec] = []
    errors = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(parsed.events):
        where = f"events.{number}"
        if entry.key in seen:
            errors.append(f"{where}.key: {entry.key!r} is also used by events.{seen[entry.key]}")
        seen.setdefault(entry.key, number)
        found = _entry_problems(entry, where, default_locale)
        try:
            specs.append(_spec(entry, zone, moment))
        except _EntryError as exc:
            found.append(f"{where}.{exc.field}: {exc}")
        errors.extend(found)
    if errors:
        raise EventFileError(path, errors)
    return specs


def load_events_file(
    path: Path, *, zone: ZoneInfo, default_locale: str, now: datetime | None = None
) -> list[EventSpec]:
    """Read and validate an events file, raising `EventFileError` with every problem found."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EventFileError(path, [f"cannot read: {exc.strerror}"]) from None
    except yaml.YAMLError as exc:
        raise EventFileError(path, [f"not valid YAML: {exc}"]) from None
    return parse_events(data, path, zone=zone, default_locale=default_locale, now=now)


class _EntryError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _entry_problems(entry: EventEntry, where: str, default_locale: str) -> list[str]:
    problems = []
    if default_locale not in entry.title:
        problems.append(f"{where}.title: no title in the school's default language {default_locale!r}")
    if entry.starts is not None and (entry.starts_in_days is not None or entry.time is not None):
        problems.append(f"{where}.starts: give either starts, or starts_in_days with time, not both")
    return problems


def _spec(entry: EventEntry, zone: ZoneInfo, now: datetime) -> EventSpec:
    starts_at = _start(entry, zone, now)
    ends_at = None
    if entry.ends is not None:
        try:
            ends_at = parse_end(entry.ends, starts_at, zone)
        except ValueError as exc:
            raise _EntryError("ends", str(exc)) from None
    audience = normalize_audience(
        {
            "grades": [str(g) for g in entry.audience.grades],
            "languages": entry.audience.languages,
            "groups": entry.audience.groups,
        }
    )
    return EventSpec(
        key=entry.key,
        kind=entry.kind,
        titles=entry.title,
        descriptions=entry.description,
        locations=entry.location,
        starts_at=starts_at,
        ends_at=ends_at,
        audience=audience,
        rsvp=entry.rsvp,
        reminder_minutes=parse_offsets(entry.reminders),
    )


def _start(entry: EventEntry, zone: ZoneInfo, now: datetime) -> datetime:
    if entry.starts is not None:
        try:
            return parse_moment(entry.starts, zone)
        except ValueError as exc:
            raise _EntryError("starts", str(exc)) from None
    if entry.starts_in_days is None or entry.time is None:
        raise _EntryError("starts", "give starts (2026-12-03 18:00), or starts_in_days with time")
    try:
        at = parse_clock(entry.time)
    except ValueError as exc:
        raise _EntryError("time", str(exc)) from None
    # Days counted from today in the school's zone, so "in 5 days at 18:00" is school time.
    day = now.astimezone(zone).date() + timedelta(days=entry.starts_in_days)
    try:
        return school_moment(day, at, zone)
    except ValueError as exc:
        raise _EntryError("time", str(exc)) from None
