"""The volunteer opportunities file: YAML validated with every error named by its path.

Shift dates are absolute (`date: 2026-12-03`) or relative to the load (`in_days: 4`), with a local
`time` in the school's zone, so a demo file stays upcoming whenever it is loaded.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.services.school_data import validation_errors
from bot.services.school_texts import plain_as_default, resolve_drafts
from bot.services.volunteer_types import SKILLS
from bot.yaml_files import load_yaml

KEY = r"^[a-z0-9][a-z0-9_-]*$"
CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
DEFAULT_REMINDERS = [1440, 120]  # a day before and two hours before
LOCATION_MAX = 200


class VolunteerFileError(Exception):
    """A volunteer file that cannot be loaded, with every problem found."""

    def __init__(self, path: Path, errors: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(errors))
        self.path = path
        self.errors = errors


def parse_clock(value: str) -> time:
    """A local wall-clock time such as '08:30'."""
    match = CLOCK.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a time like 08:30")
    return time(int(match.group(1)), int(match.group(2)))


class ShiftSpec(BaseModel):
    """One shift: its day (a date or days from now), local start time, and end time or length."""

    model_config = ConfigDict(extra="forbid")
    key: str | None = Field(default=None, pattern=KEY)
    date: dt.date | None = None
    in_days: int | None = Field(default=None, ge=0, le=366)
    time: str
    end: str | None = None
    hours: float | None = Field(default=None, gt=0, le=24)
    capacity: int | None = Field(default=None, ge=1, le=1000)

    @field_validator("time", "end")
    @classmethod
    def _clock(cls, value: str | None) -> str | None:
        if value is not None:
            parse_clock(value)
        return value

    @model_validator(mode="after")
    def _one_day_one_length(self) -> ShiftSpec:
        if (self.date is None) == (self.in_days is None):
            raise ValueError("give either date (2026-12-03) or in_days (4)")
        if self.end is not None and self.hours is not None:
            raise ValueError("give either end or hours, not both")
        if self.end is not None and parse_clock(self.end) <= parse_clock(self.time):
            raise ValueError("end must be after time")
        return self

    def moments(self, zone: ZoneInfo, today: dt.date) -> tuple[datetime, datetime]:
        """Start and end as timezone-aware moments (the UTC instant follows the school's DST rules)."""
        day: dt.date = self.date if self.date is not None else today + timedelta(days=self.in_days or 0)
        starts = datetime.combine(day, parse_clock(self.time), tzinfo=zone)
        if self.end is not None:
            ends = datetime.combine(day, parse_clock(self.end), tzinfo=zone)
        else:
            ends = starts + timedelta(hours=self.hours or 2)
        return starts, ends


class OpportunitySpec(BaseModel):
    """A way to help, with texts per language and everything staff need to know."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=KEY, max_length=64)
    title: dict[str, str]
    description: dict[str, str] = Field(default_factory=dict)
    location: dict[str, str] = Field(default_factory=dict)  # per language, like the title
    capacity: int = Field(ge=1, le=1000)
    skills: list[Literal[SKILLS]] = Field(default_factory=list)  # type: ignore[valid-type]
    requirements: list[str] = Field(default_factory=list)
    supervisor: str = Field(default="", max_length=120)
    reminders: list[int] = Field(default_factory=lambda: list(DEFAULT_REMINDERS))
    shifts: list[ShiftSpec] = Field(min_length=1)

    @field_validator("title")
    @classmethod
    def _english_title(cls, value: dict[str, str]) -> dict[str, str]:
        if not value.get("en", "").strip():
            raise ValueError("needs an English title (en), the fallback for every language")
        return value

    @field_validator("location")
    @classmethod
    def _location(cls, value: dict[str, str]) -> dict[str, str]:
        empty = [code for code, text in value.items() if not str(text).strip()]
        if empty:
            raise ValueError(f"empty text for {', '.join(empty)}")
        long = [code for code, text in value.items() if len(str(text).strip()) > LOCATION_MAX]
        if long:
            raise ValueError(f"longer than {LOCATION_MAX} characters for {', '.join(long)}")
        return {code: str(text).strip() for code, text in value.items()}

    @field_validator("reminders")
    @classmethod
    def _minutes(cls, value: list[int]) -> list[int]:
        if any(minutes <= 0 for minutes in value):
            raise ValueError("reminders are minutes before the shift, each above 0")
        return sorted(set(value), reverse=True)

    @model_validator(mode="after")
    def _unique_shift_keys(self) -> OpportunitySpec:
        keys = [shift_key(self, n) for n in range(len(self.shifts))]
        if len(keys) != len(set(keys)):
            raise ValueError("two shifts have the same key")
        return self


class VolunteerFile(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid")
    spec_version: Literal[1]
    opportunities: list[OpportunitySpec]

    @model_validator(mode="after")
    def _unique_keys(self) -> VolunteerFile:
        keys = [o.key for o in self.opportunities]
        if len(keys) != len(set(keys)):
            raise ValueError("two opportunities have the same key")
        return self


def shift_key(opportunity: OpportunitySpec, index: int) -> str:
    """A shift's key: its own, or its place in the list (1, 2, ...)."""
    return opportunity.shifts[index].key or str(index + 1)


def parse_volunteer_file(data: Any, path: Path, default_locale: str = "en") -> VolunteerFile:
    """Validate volunteer data already read from YAML (a plain-string location is `default_locale`'s)."""
    if not isinstance(data, dict):
        raise VolunteerFileError(path, ["the file must be a mapping (spec_version: 1, opportunities: ...)"])
    # Machine-translated drafts wait for a reviewer: parents get the default language until then.
    data = copy.deepcopy(data)
    resolve_drafts(data, "volunteers", show=False)
    plain_as_default(data, "volunteers", default_locale)
    try:
        return VolunteerFile.model_validate(data)
    except ValidationError as exc:
        raise VolunteerFileError(path, validation_errors(exc, drop_union_tags=True)) from None


def load_volunteer_file(path: Path, default_locale: str = "en") -> VolunteerFile:
    """Read and validate a volunteer file, raising `VolunteerFileError` with every problem found."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise VolunteerFileError(path, [f"cannot read: {exc.strerror}"]) from None
    except yaml.YAMLError as exc:
        raise VolunteerFileError(path, [f"not valid YAML: {exc}"]) from None
    return parse_volunteer_file(data, path, default_locale)
