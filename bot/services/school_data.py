"""The school data file: identity, contacts, hours and quick answers, validated with paths to errors."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.i18n.formatting import WEEKDAYS
from bot.services.school_texts import resolve_drafts
from bot.yaml_files import load_yaml

Localized = dict[str, str]
ZoneSource = Callable[[], ZoneInfo]  # the active school's zone, read when needed (SchoolDirectory.zone)
REQUIRED_TEXTS = ("question", "answer", "title", "text")  # per-language texts list entries must have
DAYS = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?$")


class SchoolFileError(Exception):
    """The school file cannot be read or has errors; `errors` lists each with its path in the file."""

    def __init__(self, path: Path, errors: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(errors))
        self.path = path
        self.errors = errors


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Hours(_Strict):
    """Opening hours on a range of weekdays, e.g. mon-fri 07:30-16:00."""

    days: str
    open: time
    close: time

    @field_validator("days")
    @classmethod
    def _days(cls, value: str) -> str:
        match = DAYS.match(value.strip().lower())
        if not match:
            raise ValueError("use a day or a range such as mon-fri")
        first, last = match.group(1), match.group(2) or match.group(1)
        if WEEKDAYS.index(first) > WEEKDAYS.index(last):
            raise ValueError("the range must run forward, e.g. mon-fri")
        return f"{first}-{last}"

    @field_validator("close")
    @classmethod
    def _after_open(cls, value: time, info: ValidationInfo) -> time:
        opening = info.data.get("open")
        if opening is not None and value <= opening:
            raise ValueError("close must be after open")
        return value

    @property
    def first_day(self) -> str:
        """First weekday of the range."""
        return self.days.split("-")[0]

    @property
    def last_day(self) -> str:
        """Last weekday of the range."""
        return self.days.split("-")[1]


class Person(_Strict):
    """A named contact at the school."""

    name: str
    phone: str | None = None
    email: str | None = None
    how: Localized = Field(default_factory=dict)


class ParentCenter(_Strict):
    """The parent center: where, when, and who runs it."""

    where: Localized
    hours: list[Hours]
    contact: Person


class FaqEntry(_Strict):
    """A question the school answers, with its words per language."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    question: Localized
    answer: Localized
    keywords: dict[str, list[str]] = Field(default_factory=dict)
    # What parents write for this question, per language: the understanding step learns the answer from
    # these (a language without any is flagged by `faq_example_gaps`). A language may have machine-drafted
    # ones, `ko: {machine: deepl, texts: [...]}`, used like the others until a reviewer confirms them.
    examples: dict[str, list[str]] = Field(default_factory=dict)
    example_drafts: dict[str, str] = Field(default_factory=dict)  # locale -> provider, set by the bot

    @model_validator(mode="before")
    @classmethod
    def _example_drafts(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("examples"), dict):
            return data
        examples, drafts = {}, dict(data.get("example_drafts") or {})
        for code, value in data["examples"].items():
            if isinstance(value, dict) and "machine" in value:
                examples[code] = value.get("texts")
                drafts[code] = str(value["machine"])
            else:
                examples[code] = value
        return {**data, "examples": examples, "example_drafts": drafts}


def faq_example_gaps(data: SchoolData, locales: Iterable[str]) -> list[str]:
    """One line per FAQ entry lacking example questions in some of `locales` ("faq.0 (lunch): hy, ar")."""
    wanted = list(locales)
    gaps = []
    for i, entry in enumerate(data.faq):
        missing = [code for code in wanted if not [t for t in entry.examples.get(code, ()) if str(t).strip()]]
        if missing:
            gaps.append(f"faq.{i} ({entry.id}): no example questions in {', '.join(missing)}")
        drafted = [code for code in wanted if code in entry.example_drafts and code not in missing]
        if drafted:
            gaps.append(
                f"faq.{i} ({entry.id}): example questions machine-drafted, to review, in {', '.join(drafted)}"
            )
    return gaps


class RightsTopic(_Strict):
    """A rights topic in the school's own words: a new one, or one that rewords a built-in topic."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: Localized
    text: Localized


class SchoolData(_Strict):
    """Everything the bot says about a school comes from here."""

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    program_name: str | None = None
    phone: str
    address: str
    timezone: str
    default_locale: str = "en"
    languages: dict[str, float] = Field(default_factory=dict)
    office_hours: list[Hours]
    parent_center: ParentCenter
    principal: Person
    teachers: Person
    faq: list[FaqEntry] = Field(default_factory=list)
    ucp_form: Localized = Field(default_factory=dict)
    rights_topics: list[RightsTopic] = Field(default_factory=list)
    # Parents' questions staff taught from Slack: answer label ("faq:lunch", "hours", "rights:visit") ->
    # language -> the questions. Kept in the database (bot/store/taught_repo.py); `school export` writes them.
    taught_examples: dict[str, dict[str, list[str]]] = Field(default_factory=dict)
    # Machine-translated drafts reach parents only when the school allows it; until then they get the
    # default language. `machine_translated` is kept by the bot: {path.locale: provider} of every draft.
    show_machine_translations: bool = False
    machine_translated: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _drafts(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = copy.deepcopy(data)
        show = data.get("show_machine_translations") is True
        found = resolve_drafts(data, "school", show=show)
        if found:
            data["machine_translated"] = {**(data.get("machine_translated") or {}), **found}
        return data

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        try:
            parsed = phonenumbers.parse(value, "US")
        except phonenumbers.NumberParseException as exc:
            raise ValueError(f"not a phone number: {exc}") from None
        if not phonenumbers.is_valid_number(parsed):
            raise ValueError("not a valid phone number")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("languages")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        if any(not 0 <= share <= 1 for share in value.values()):
            raise ValueError("each language share is a fraction between 0 and 1")
        return value

    @field_validator("parent_center", "principal", "teachers", "faq", "ucp_form", "rights_topics")
    @classmethod
    def _default_locale_everywhere(cls, value: Any, info: ValidationInfo) -> Any:
        default = info.data.get("default_locale", "en")
        # Optional texts may be left out entirely; a question or answer never may.
        required = isinstance(value, list)
        missing = [path for path, texts in _localized(value) if (texts or required) and default not in texts]
        if missing:
            raise ValueError(f"no text in the default locale {default!r} at: " + ", ".join(missing))
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The school's time zone: every time the bot shows, plans or checks is on this wall clock."""
        return ZoneInfo(self.timezone)

    @property
    def program(self) -> str:
        """The name the texts go out under (HELP names it)."""
        return self.program_name or f"{self.name} Family Texts"


def _localized(value: Any) -> list[tuple[str, Localized]]:
    """(path, texts) of every per-language text inside a validated part of the school file."""
    if isinstance(value, ParentCenter):
        return [("where", value.where)]
    if isinstance(value, Person):
        return [("how", value.how)]
    if isinstance(value, list):
        found: list[tuple[str, Localized]] = []
        for i, entry in enumerate(value):
            found += [
                (f"{i}.{name}", getattr(entry, name)) for name in REQUIRED_TEXTS if hasattr(entry, name)
            ]
        return found
    if isinstance(value, dict):
        return [("(text)", value)]
    return []


def validation_errors(exc: ValidationError, *, drop_union_tags: bool = False) -> list[str]:
    """Each problem pydantic found as one line, "path.to.field: what is wrong" (data files' errors)."""
    errors = []
    for error in exc.errors():
        parts = [str(part) for part in error["loc"]]
        if drop_union_tags:  # a union's branch name ("literal['weekly']") is noise in a path
            parts = [part for part in parts if not part.startswith("literal")]
        where = ".".join(parts) or "(top)"
        errors.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
    return errors


def pick(texts: Localized, locale: str, default_locale: str) -> str:
    """The text in the recipient's language, else the school's default language, else any."""
    for code in (locale, locale.split("_")[0], default_locale, "en"):
        if texts.get(code):
            return texts[code]
    return next(iter(texts.values()), "")


def parse_school(data: Any, path: Path) -> SchoolData:
    """Validate school data already read from YAML."""
    if not isinstance(data, dict):
        raise SchoolFileError(path, ["the file must be a mapping of fields (name: ..., phone: ...)"])
    try:
        return SchoolData.model_validate(data)
    except ValidationError as exc:
        raise SchoolFileError(path, validation_errors(exc)) from None


def load_school_file(path: Path) -> SchoolData:
    """Read and validate a school file, raising `SchoolFileError` with every problem found."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SchoolFileError(path, [f"cannot read: {exc.strerror}"]) from None
    except yaml.YAMLError as exc:
        raise SchoolFileError(path, [f"not valid YAML: {exc}"]) from None
    return parse_school(data, path)
