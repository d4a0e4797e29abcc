"""SQLAlchemy models: the only place that knows the shape of the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from bot import clock

# BigInteger ids on PostgreSQL, INTEGER PRIMARY KEY (rowid alias) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (read through bot.clock, the demo data's seam)."""
    return clock.utcnow()


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class SchoolRow(Base):
    __tablename__ = "schools"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(default=False, server_default=false())


class ContactRow(Base):
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    locale: Mapped[str | None] = mapped_column(String(16))
    locale_source: Mapped[str | None] = mapped_column(String(16))
    opted_out: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str | None] = mapped_column(String(80))
    # Audience tags from the school's roster import: grade levels and groups (ELAC, volunteers...).
    grades: Mapped[list[str]] = mapped_column(JSON, default=list)
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsentEventRow(Base):
    """Opt-in and opt-out history; kept at least four years (TCPA)."""

    __tablename__ = "consent_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # opt_in | opt_out
    source: Mapped[str] = mapped_column(String(32))  # keyword, phrase, carrier_21610, ...
    detail: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SessionRow(Base):
    __tablename__ = "sessions"
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MessageRow(Base):
    """Every inbound and outbound message, whatever the channel."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel", "provider_id", name="uq_messages_channel_provider_id"),
        Index("ix_messages_contact_created", "contact_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    direction: Mapped[str] = mapped_column(String(8))  # in | out
    channel: Mapped[str] = mapped_column(String(16))  # sms | console
    provider_id: Mapped[str | None] = mapped_column(String(64))
    in_reply_to: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    locale: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    segments: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MessageStatusRow(Base):
    """Delivery status history from provider callbacks, one row per (sid, status)."""

    __tablename__ = "message_statuses"
    __table_args__ = (UniqueConstraint("provider_id", "status", name="uq_message_statuses_sid_status"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    provider_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxRow(Base):
    """A message waiting to be sent; written before any API call."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "priority", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16), default="sms")
    body: Mapped[str] = mapped_column(Text)
    locale: Mapped[str | None] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer, default=0)  # 0 = interactive, 1 = bulk
    # What bulk send a row belongs to ("announcement:12", "reminder:5"), for counts and cancelling.
    campaign: Mapped[str | None] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_id: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EvidenceRow(Base):
    """A fact for the rubric report; the contact id is pseudonymous (no phone, no name)."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_indicator_at", "indicator", "at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(4))
    kind: Mapped[str] = mapped_column(String(48))
    value: Mapped[float | None] = mapped_column()
    detail: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(16))
    contact_ref: Mapped[int | None] = mapped_column(BigId)
    school_id: Mapped[int | None] = mapped_column(BigId)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConcernRow(Base):
    """A parent's concern and every transition's time (rubric 4C-4E)."""

    __tablename__ = "concerns"
    __table_args__ = (Index("ix_concerns_status_created", "status", "created_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="new")
    share_student: Mapped[bool] = mapped_column(default=False)
    student_info: Mapped[str | None] = mapped_column(Text)
    contact_preference: Mapped[str | None] = mapped_column(String(16))
    contact_window: Mapped[str | None] = mapped_column(String(200))
    description_translation: Mapped[str | None] = mapped_column(Text)
    translation_provider: Mapped[str | None] = mapped_column(String(32))
    owner: Mapped[str | None] = mapped_column(String(32))
    acknowledged_by: Mapped[str | None] = mapped_column(String(32))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(32))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_category: Mapped[str | None] = mapped_column(String(32))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    ack_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolve_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ack_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolve_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alert_channel: Mapped[str | None] = mapped_column(String(32))
    alert_ts: Mapped[str | None] = mapped_column(String(32))
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    need_met: Mapped[bool | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConcernEventRow(Base):
    """One line of a concern's history: who did what, when."""

    __tablename__ = "concern_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SlackDeliveryRow(Base):
    """Slack interactions already acted on, so a retried delivery acts once."""

    __tablename__ = "slack_deliveries"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UnansweredQuestionRow(Base):
    """A question the bot could not answer, kept so the school can add an answer (rubric 1D)."""

    __tablename__ = "unanswered_questions"
    __table_args__ = (Index("ix_unanswered_at", "at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int | None] = mapped_column(BigId)
    contact_ref: Mapped[int | None] = mapped_column(BigId)
    locale: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Staff teaching (bot/services/teaching.py): open, answered, new_answer, not_question or dismissed;
    # when its Slack post is due, where it was posted, and who handled it with which answer.
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    post_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    handled_by: Mapped[str | None] = mapped_column(String(64))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_label: Mapped[str | None] = mapped_column(String(80))


# Tables of the scheduling features live in their own module; importing it registers them on Base.
from bot.store import models_events  # noqa: E402,F401,I001
from bot.store import models_volunteers  # noqa: E402,F401
from bot.store import models_threads  # noqa: E402,F401
