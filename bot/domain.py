"""Plain records shared by the core, the channels and the store (no SDK, no ORM)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Contact:
    """A parent or guardian known by phone number."""

    id: int
    phone: str
    school_id: int | None
    locale: str | None
    locale_source: str | None
    opted_out: bool
    created_at: datetime


@dataclass(frozen=True)
class School:
    """A school's identity and its validated data file (see bot.services.school_data)."""

    id: int
    slug: str
    name: str
    data: dict[str, Any]
    active: bool = False
    loaded_at: datetime | None = None


@dataclass(frozen=True)
class Inbound:
    """A message from a parent, as a channel received it."""

    channel: str
    sender: str
    text: str
    provider_id: str | None = None


@dataclass(frozen=True)
class Exchange:
    """What handling one inbound produced: the replies to send back at once."""

    replies: list[str]
    locale: str
    duplicate: bool = False
    contact_id: int | None = None
    throttled: bool = False  # the number is flooding: stored, not answered


@dataclass(frozen=True)
class OutboxItem:
    """A claimed outbox row for a dispatcher to send."""

    id: int
    to_address: str
    body: str
    attempts: int
    contact_id: int | None
    claimed_at: datetime | None = None
    channel: str = "sms"


@dataclass
class EvidenceFact:
    """One evidence row for the rubric report."""

    indicator: str
    kind: str
    value: float | None = None
    detail: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reminder:
    """One reminder before an event or a volunteer shift, for one version of it."""

    id: int
    kind: str
    ref_id: int
    ref_version: int
    minutes_before: int
    due_at: datetime


@dataclass(frozen=True)
class AudienceContact:
    """A contact who may receive bulk messages, with the tags an audience selects on."""

    id: int
    phone: str
    locale: str | None
    grades: tuple[str, ...]
    groups: tuple[str, ...]


@dataclass(frozen=True)
class EvidenceRecord:
    """One stored evidence row as the report reads it (the contact is a pseudonymous id)."""

    indicator: str
    kind: str
    value: float | None
    detail: str | None
    locale: str | None
    contact_ref: int | None
    school_id: int | None
    at: datetime
