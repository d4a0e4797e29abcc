"""Queries for teaching: questions posted to Slack and handled there, what staff taught (mixed into Tx)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.store.models import UnansweredQuestionRow, utcnow
from bot.store.models_teaching import QuestionActionRow, SchoolAnswerRow, TaughtExampleRow

OPEN = "open"


@dataclass(frozen=True)
class QuestionRecord:
    """An unanswered question as teaching sees it."""

    id: int
    school_id: int | None
    contact_id: int | None
    locale: str | None
    text: str
    at: datetime
    status: str
    slack_channel: str | None
    slack_ts: str | None
    handled_by: str | None
    handled_at: datetime | None
    answer_label: str | None


@dataclass(frozen=True)
class SchoolAnswer:
    """A FAQ entry staff wrote in Slack: per-locale texts, and which of them are machine drafts."""

    faq_id: str
    question: dict[str, str]
    answer: dict[str, str]
    machine: dict[str, str]  # locale -> provider of a draft nobody reviewed yet
    created_by: str
    at: datetime


def _question(row: UnansweredQuestionRow) -> QuestionRecord:
    return QuestionRecord(
        id=row.id,
        school_id=row.school_id,
        contact_id=row.contact_ref,
        locale=row.locale,
        text=row.text,
        at=row.at,
        status=row.status,
        slack_channel=row.slack_channel,
        slack_ts=row.slack_ts,
        handled_by=row.handled_by,
        handled_at=row.handled_at,
        answer_label=row.answer_label,
    )


class TeachingQueries:
    """The teaching part of a transaction."""

    session: Session

    # Posting questions to Slack ---------------------------------------------------------------

    def unplanned_questions(self, school_id: int | None, since: datetime) -> list[int]:
        """Ids of open questions since `since` whose Slack post is not planned yet, oldest first."""
        rows = self.session.scalars(
            select(UnansweredQuestionRow.id)
            .where(
                UnansweredQuestionRow.school_id == school_id,
                UnansweredQuestionRow.status == OPEN,
                UnansweredQuestionRow.post_at.is_(None),
                UnansweredQuestionRow.at >= since,
            )
            .order_by(UnansweredQuestionRow.id)
        )
        return list(rows)

    def last_question_post(self, school_id: int | None) -> datetime | None:
        """When the latest Slack post of this school's questions is (or was) due."""
        return self.session.scalar(
            select(func.max(UnansweredQuestionRow.post_at)).where(
                UnansweredQuestionRow.school_id == school_id
            )
        )

    def plan_question_posts(self, ids: list[int], at: datetime) -> None:
        """Set when these questions go to Slack."""
        if ids:
            self.session.execute(
                update(UnansweredQuestionRow).where(UnansweredQuestionRow.id.in_(ids)).values(post_at=at)
            )

    def due_questions(self, now: datetime, limit: int) -> list[QuestionRecord]:
        """Open questions whose post is due and not made yet, oldest first."""
        rows = self.session.scalars(
            select(UnansweredQuestionRow)
            .where(
                UnansweredQuestionRow.status == OPEN,
                UnansweredQuestionRow.posted_at.is_(None),
                UnansweredQuestionRow.post_at <= now,
            )
            .order_by(UnansweredQuestionRow.id)
            .limit(limit)
        )
        return [_question(row) for row in rows]

    def mark_questions_posted(self, ids: list[int], channel: str, ts: str) -> None:
        """Remember the Slack message the questions were posted in."""
        if ids:
            self.session.execute(
                update(UnansweredQuestionRow)
                .where(UnansweredQuestionRow.id.in_(ids))
                .values(posted_at=utcnow(), slack_channel=channel[:32], slack_ts=ts[:32])
            )

    def questions_in_post(self, channel: str, ts: str) -> list[QuestionRecord]:
        """The questions of one Slack message, in posting order."""
        rows = self.session.scalars(
            select(UnansweredQuestionRow)
            .where(UnansweredQuestionRow.slack_channel == channel, UnansweredQuestionRow.slack_ts == ts)
            .order_by(UnansweredQuestionRow.id)
        )
        return [_question(row) for row in rows]

    # Handling them ------------------------------------------------------------------------------

    def question(self, question_id: int, *, for_update: bool = False) -> QuestionRecord | None:
        """One question by id."""
        query = select(UnansweredQuestionRow).where(UnansweredQuestionRow.id == question_id)
        row = self.session.scalar(query.with_for_update() if for_update else query)
        return _question(row) if row is not None else None

    def close_question(self, question_id: int, status: str, actor: str, label: str | None) -> bool:
        """Mark an open question handled; False when someone already handled it."""
        result = self.session.execute(
            update(UnansweredQuestionRow)
            .where(UnansweredQuestionRow.id == question_id, UnansweredQuestionRow.status == OPEN)
            .values(status=status, handled_by=actor[:64], handled_at=utcnow(), answer_label=label)
        )
        return bool(getattr(result, "rowcount", 0))

    def log_question_action(
        self, question_id: int | None, school_id: int | None, action: str, actor: str, label: str | None
    ) -> None:
        """Append to the log of what was done with a question."""
        self.session.add(
            QuestionActionRow(
                question_id=question_id, school_id=school_id, action=action, actor=actor[:64], label=label
            )
        )

    def question_actions(self, question_id: int) -> list[tuple[str, str, str | None, datetime]]:
        """(action, actor, label, at) of one question, oldest first."""
        rows = self.session.execute(
            select(
                QuestionActionRow.action,
                QuestionActionRow.actor,
                QuestionActionRow.label,
                QuestionActionRow.at,
            )
            .where(QuestionActionRow.question_id == question_id)
            .order_by(QuestionActionRow.id)
        )
        return [(a, who, label, at) for a, who, label, at in rows]

    # The school's taught knowledge ---------------------------------------------------------------

    def add_taught_example(
        self, school_id: int, label: str, locale: str, text: str, actor: str, question_id: int | None = None
    ) -> bool:
        """Keep a question as an example of an answer; False when the school already has it."""
        exists = self.session.scalar(
            select(TaughtExampleRow.id).where(
                TaughtExampleRow.school_id == school_id,
                TaughtExampleRow.label == label,
                TaughtExampleRow.locale == locale,
                TaughtExampleRow.text == text,
            )
        )
        if exists:
            return False
        self.session.add(
            TaughtExampleRow(
                school_id=school_id,
                label=label,
                locale=locale,
                text=text,
                question_id=question_id,
                taught_by=actor[:64],
            )
        )
        return True

    def taught_examples(self, school_id: int) -> list[tuple[str, str, str]]:
        """(label, locale, text) of every example staff taught this school, oldest first."""
        rows = self.session.execute(
            select(TaughtExampleRow.label, TaughtExampleRow.locale, TaughtExampleRow.text)
            .where(TaughtExampleRow.school_id == school_id)
            .order_by(TaughtExampleRow.id)
        )
        return [(label, locale, text) for label, locale, text in rows]

    def add_school_answer(self, school_id: int, answer: SchoolAnswer) -> None:
        """Store a FAQ entry written in Slack."""
        self.session.add(
            SchoolAnswerRow(
                school_id=school_id,
                faq_id=answer.faq_id,
                question=dict(answer.question),
                answer=dict(answer.answer),
                machine=dict(answer.machine),
                created_by=answer.created_by[:64],
            )
        )
        self.session.flush()

    def school_answers(self, school_id: int) -> list[SchoolAnswer]:
        """The FAQ entries staff wrote for this school, oldest first."""
        rows = self.session.scalars(
            select(SchoolAnswerRow).where(SchoolAnswerRow.school_id == school_id).order_by(SchoolAnswerRow.id)
        )
        return [_answer(row) for row in rows]


def _answer(row: SchoolAnswerRow) -> SchoolAnswer:
    def texts(value: Any) -> dict[str, str]:
        return {str(k): str(v) for k, v in (value or {}).items()}

    return SchoolAnswer(
        faq_id=row.faq_id,
        question=texts(row.question),
        answer=texts(row.answer),
        machine=texts(row.machine),
        created_by=row.created_by,
        at=row.at,
    )
