"""Tables of staff-parent conversations: a Slack thread (a concern's or a direct one) and its messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, BigId, UTCDateTime, utcnow


class ThreadRow(Base):
    """A conversation with one family in a Slack thread: a concern's alert, or a direct conversation."""

    __tablename__ = "conversation_threads"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    concern_id: Mapped[int | None] = mapped_column(ForeignKey("concerns.id"), unique=True)
    school_id: Mapped[int | None] = mapped_column(BigId)
    # Where a direct conversation's root message is (a concern's thread is its alert's).
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    opened_by: Mapped[str] = mapped_column(String(32))  # a Slack user id, or "parent"
    parent_acknowledged: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadMessageRow(Base):
    """One message of a conversation: the parent's text, or a staff reply relayed by SMS."""

    __tablename__ = "thread_messages"
    __table_args__ = (
        UniqueConstraint("slack_channel", "slack_ts", name="uq_thread_messages_slack"),
        Index("ix_thread_messages_thread", "thread_id", "id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("conversation_threads.id"))
    direction: Mapped[str] = mapped_column(String(8))  # "parent" or "staff"
    actor: Mapped[str] = mapped_column(String(32))  # a Slack user id, or "parent"
    body: Mapped[str] = mapped_column(Text)
    locale: Mapped[str | None] = mapped_column(String(16))
    translation: Mapped[str | None] = mapped_column(Text)
    translation_locale: Mapped[str | None] = mapped_column(String(16))
    translation_provider: Mapped[str | None] = mapped_column(String(32))
    # A staff message's place in Slack (its channel and ts), unique so a retried event acts once.
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="received")
    parts: Mapped[int] = mapped_column(default=0)  # SMS a staff reply became
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
