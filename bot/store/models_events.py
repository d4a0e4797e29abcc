"""Tables for events, RSVPs, reminders and announcements (rubric 1B, 1E, 2C, 5A)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, BigId, UTCDateTime, utcnow


class EventRow(Base):
    """A school event parents are invited to; `version` grows with every change."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_school_starts", "school_id", "starts_at"),
        UniqueConstraint("school_id", "key", name="uq_events_school_key"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    key: Mapped[str] = mapped_column(String(64))  # stable within the school: reloading its file updates it
    kind: Mapped[str] = mapped_column(String(24), default="event")  # workshop, class, meeting, family
    titles: Mapped[dict[str, str]] = mapped_column(JSON)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    locations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # per language, like titles
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rsvp: Mapped[bool] = mapped_column(default=True)
    reminder_minutes: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled | cancelled
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventRsvpRow(Base):
    """A parent's answer to an invitation, and whether they came."""

    __tablename__ = "event_rsvps"
    __table_args__ = (UniqueConstraint("event_id", "contact_id", name="uq_event_rsvps_event_contact"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    answer: Mapped[str] = mapped_column(String(8))  # yes | no
    attended: Mapped[bool | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderRow(Base):
    """One reminder before an event or a volunteer shift, computed for one version of it."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id", "minutes_before", "ref_version", name="uq_reminders_once"),
        Index("ix_reminders_status_due", "status", "due_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # event | shift
    ref_id: Mapped[int] = mapped_column(BigId)
    ref_version: Mapped[int] = mapped_column(Integer, default=1)
    minutes_before: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | cancelled
    recipients: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AnnouncementRow(Base):
    """One message to many families, with a text per language and a send time."""

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_status_send", "status", "send_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    title: Mapped[str] = mapped_column(String(200))
    texts: Mapped[dict[str, str]] = mapped_column(JSON)
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    channel: Mapped[str] = mapped_column(String(16), default="sms")
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    urgent: Mapped[bool] = mapped_column(default=False)
    # draft | scheduled | queuing | queued | cancelled
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    override_48985: Mapped[bool] = mapped_column(default=False)
    override_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    recipients: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
