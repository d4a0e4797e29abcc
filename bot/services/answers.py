"""Answers to parents' own questions: where each answer leads, 'did you mean', and the unanswered.

Matching is the transparent keyword and fuzzy method of matcher.py; this module decides what to
do with the ranking: go to the one clear answer, ask a numbered "did you mean" when the two best
are close, or say so and keep the question for staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.engine.engine import ActionResult, Option
from bot.services.actions import Action, ActionContext
from bot.services.matcher import TopicMatch, TopicMatcher
from bot.services.rights import TOPICS as RIGHTS_TOPICS
from bot.services.school_data import SchoolData, pick
from bot.store import Store

CLOSE_MARGIN = 4.0  # two answers whose weights differ by less than this are too close to choose
FAQ_TARGET = "flow:main.faq_answer"
RIGHTS_PREFIX = "rights_"


@dataclass(frozen=True)
class Answer:
    """An answer the bot can give: where it leads and how a 'did you mean' list names it."""

    id: str
    target: str  # "flow:<flow>.<step>" or "flow:<flow>"
    title_prefix: str
    title_id: str


FIXED_ANSWERS = {
    answer.id: answer
    for answer in (
        Answer("hours", "flow:main.hours", "answer", "hours"),
        Answer("contact", "flow:main.contact", "answer", "contact"),
        Answer("parent_center", "flow:main.parent_center", "answer", "parent_center"),
        Answer("staff", "flow:main.staff", "answer", "staff"),
        Answer("language", "flow:language", "answer", "language"),
        Answer("concern", "flow:concern", "answer", "concern"),
        Answer("concern_status", "flow:concern_status", "answer", "concern_status"),
        Answer("rights", "flow:rights", "answer", "rights"),
        Answer("events", "flow:events", "answer", "events"),
    )
}


@dataclass(frozen=True)
class Decision:
    """What to do with a question: 'answer' one, 'clarify' between two, or 'none'."""

    kind: str
    answers: tuple[str, ...] = ()


def answer_for(answer_id: str) -> Answer | None:
    """The answer with this id: a fixed one, a rights topic, or a school FAQ entry."""
    if answer_id in FIXED_ANSWERS:
        return FIXED_ANSWERS[answer_id]
    if answer_id.startswith(RIGHTS_PREFIX) and answer_id[len(RIGHTS_PREFIX) :] in RIGHTS_TOPICS:
        topic = answer_id[len(RIGHTS_PREFIX) :]
        return Answer(answer_id, f"flow:rights.{topic}", "rights_topic", topic)
    if answer_id.startswith("faq:"):
        return Answer(answer_id, FAQ_TARGET, "faq", answer_id[4:])
    return None


class Answerer:
    """Decides how to answer a free-text question."""

    def __init__(self, matcher: TopicMatcher) -> None:
        self.matcher = matcher

    def decide(self, text: str, school: SchoolData) -> Decision:
        """One clear answer, two close ones to choose from, or none."""
        ranked = [m for m in self.matcher.rank(text, school) if answer_for(m.topic) is not None]
        if not ranked:
            return Decision("none")
        best = ranked[0]
        if (
            len(ranked) > 1
            and best.weight - ranked[1].weight < CLOSE_MARGIN
            and not _more_specific(best, ranked[1])
        ):
            return Decision("clarify", (best.topic, ranked[1].topic))
        return Decision("answer", (best.topic,))


def _more_specific(best: TopicMatch, other: TopicMatch) -> bool:
    # "a que hora salen" (dismissal) contains "a que hora" (office hours): the longer phrase says more.
    return best.phrase != other.phrase and f" {other.phrase} " in f" {best.phrase} "


def _title(ctx: ActionContext, answer: Answer, school: SchoolData) -> str:
    if answer.title_prefix == "faq":
        entry = next((e for e in school.faq if e.id == answer.title_id), None)
        return pick(entry.question, ctx.locale, school.default_locale) if entry else answer.title_id
    return ctx.message(answer.title_prefix, answer.title_id)


def clarify_options(ctx: ActionContext) -> ActionResult:
    """The close answers, each named in the parent's language."""
    ids = [str(i) for i in ctx.values.get("clarify") or []]
    options = tuple(
        Option(_title(ctx, answer, ctx.school), answer.id)
        for i in ids
        if (answer := answer_for(i)) is not None
    )
    return ActionResult(options=options, clear=("clarify",))


def clarify_go(ctx: ActionContext) -> ActionResult:
    """Go to the answer the parent picked."""
    answer = answer_for(str(ctx.values.get("choice") or ""))
    if answer is None:
        return ActionResult(goto="flow:main")
    ctx.record("1D", "question_answered", answer.id)
    values = {"choice": answer.title_id} if answer.target == FAQ_TARGET else {}
    return ActionResult(values=values, goto=answer.target)


ACTIONS: dict[str, Action] = {"clarify.options": clarify_options, "clarify.go": clarify_go}


@dataclass(frozen=True)
class UnansweredQuestion:
    """A question no answer fitted, as staff see it."""

    text: str
    locale: str | None
    at: datetime


class QuestionLog:
    """The questions the bot could not answer, for staff to add answers (`/outreach questions`)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def recent(self, limit: int = 20) -> list[UnansweredQuestion]:
        """The latest unanswered questions, newest first."""
        with self.store.transaction() as tx:
            return [UnansweredQuestion(text, locale, at) for text, locale, at in tx.unanswered(limit)]
