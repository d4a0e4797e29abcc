"""Tables of what staff teach the bot from Slack: taught examples, new answers and the action log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, BigId, UTCDateTime, utcnow


class TaughtExampleRow(Base):
    """A parent's question staff made an example of an answer, in the question's language."""

    __tablename__ = "taught_examples"
    __table_args__ = (Index("ix_taught_examples_school", "school_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId)
    label: Mapped[str] = mapped_column(String(80))  # faq:lunch, hours, rights:visit
    locale: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    # The question it came from: erasing that parent's data deletes the example (their own words).
    question_id: Mapped[int | None] = mapped_column(BigId)
    taught_by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SchoolAnswerRow(Base):
    """A FAQ entry staff wrote in Slack; part of the school's knowledge beside its school file."""

    __tablename__ = "school_answers"
    __table_args__ = (UniqueConstraint("school_id", "faq_id", name="uq_school_answers_faq"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(BigId)
    faq_id: Mapped[str] = mapped_column(String(64))
    question: Mapped[dict[str, Any]] = mapped_column(JSON)  # locale -> text
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)  # locale -> text
    machine: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # locale -> provider of a draft
    created_by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuestionActionRow(Base):
    """Every staff action on an unanswered question, and the bot's own (posted, answer sent)."""

    __tablename__ = "question_actions"
    __table_args__ = (Index("ix_question_actions_question", "question_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    question_id: Mapped[int | None] = mapped_column(BigId)
    school_id: Mapped[int | None] = mapped_column(BigId)
    action: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
