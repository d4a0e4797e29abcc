"""Staff teach the bot: unanswered questions go to Slack, and staff answer them there.

A question staff answer with an existing answer becomes an example of that answer in the question's
language (the understanding step reads it with the school's data); a new answer becomes a FAQ entry
in the database. Either way the parent who asked gets the answer in their language through the
outbox, if they asked within the answer window and have not opted out. Every action is logged and
counted as 1D evidence.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import utcnow
from bot.domain import Contact, EvidenceFact
from bot.i18n.render import Renderer
from bot.i18n.segments import pack_messages
from bot.services.concerns import language_name
from bot.services.quiet_hours import QuietHours
from bot.services.rights import TOPICS as RIGHTS_TOPICS
from bot.services.school_data import SchoolData, pick
from bot.services.schools import ActiveSchool, SchoolDirectory
from bot.services.translation import Translator, translate_or_none
from bot.store import Store, Tx
from bot.store.taught_repo import QuestionRecord, SchoolAnswer

ANSWERED = "answered"
NEW_ANSWER = "new_answer"
NOT_QUESTION = "not_question"
DISMISSED = "dismissed"
SET_ASIDE = (NOT_QUESTION, DISMISSED)
QUESTIONS_POST = "questions"  # the kind of a Slack outbox row that posts the questions due
SCHOOL_INFO = ("hours", "contact", "parent_center", "staff", "events", "rights")
FAQ_ID_CHARS = 40
HOME_LANGUAGE_SHARE = 0.15  # Education Code 48985: notices in a language of 15% or more of the pupils
AnswerTexts = Callable[[Tx, Contact, str], list[str]]  # Conversation.answer_later


class QuestionNotFound(LookupError):
    """No unanswered question has this id (erased, or never there)."""


class QuestionHandled(Exception):
    """Someone already handled this question; the message says who and how."""


class UnknownAnswer(ValueError):
    """The chosen answer is not one the school has."""


@dataclass(frozen=True)
class TeachingConfig:
    """Where questions go, how they are batched, and when the parent may still get an answer."""

    channel: str = ""
    answer_window: timedelta = timedelta(hours=24)
    batch: timedelta = timedelta(hours=1)  # when busy: at most one post per this period
    post_limit: int = 10  # questions in one Slack message (each is three blocks)
    quiet: QuietHours | None = None


@dataclass(frozen=True)
class AnswerChoice:
    """An existing answer staff may pick: its label, its title in the school's language, its group."""

    label: str
    title: str
    group: str


@dataclass(frozen=True)
class QuestionView:
    """A question as staff see it in Slack."""

    id: int
    text: str
    locale: str | None
    asked_at: datetime
    status: str
    translation: str | None = None
    handled_by: str | None = None
    answer_title: str | None = None

    @property
    def open(self) -> bool:
        """True while nobody has handled it."""
        return self.status == "open"


@dataclass(frozen=True)
class Taught:
    """What teaching did: the question now, and what the parent gets.

    `parent` is "queued", "after_quiet_hours", "too_late", "opted_out" or "no_parent".
    `drafts` are the languages of machine-translation drafts a new answer got (to be reviewed).
    """

    question: QuestionView
    parent: str
    drafts: tuple[str, ...] = ()


class TeachingService:
    """Posts unanswered questions to staff and turns what staff answer into the school's knowledge."""

    def __init__(
        self,
        *,
        store: Store,
        schools: SchoolDirectory,
        renderer: Renderer,
        translator: Translator,
        answers: AnswerTexts,
        config: TeachingConfig,
    ) -> None:
        self.store, self.schools, self.renderer = store, schools, renderer
        self.translator, self.answers, self.config = translator, answers, config

    # Posting ----------------------------------------------------------------------------------

    def plan_posts(self, tx: Tx, school_id: int) -> None:
        """Queue the Slack post of the school's new questions: at once, or with the hour's batch when busy."""
        if not self.config.channel:
            return
        now = utcnow()
        ids = tx.unplanned_questions(school_id, since=now - self.config.answer_window)
        if not ids:
            return
        last = tx.last_question_post(school_id)
        if last is None or now - last >= self.config.batch:
            at = now
        elif last > now:
            at = last  # a batch is already waiting: join it
        else:
            at = last + self.config.batch
        tx.plan_question_posts(ids, at)
        tx.enqueue(
            key=f"slack-questions:{school_id}:{at.isoformat()}",
            to_address=self.config.channel,
            body=json.dumps({"kind": QUESTIONS_POST}),
            contact_id=None,
            channel="slack",
            not_before=at,
        )

    def due_posts(self) -> list[QuestionView]:
        """The questions whose post is due, each with a machine translation when translation is on."""
        with self.store.reading() as tx:
            due = tx.due_questions(utcnow(), self.config.post_limit)
            school = self.schools.current(tx)
        return [self._view(q, school.data, translate=True) for q in due]

    def posted(self, ids: Sequence[int], channel: str, ts: str) -> None:
        """Remember where the questions were posted; queue another post when more are due."""
        with self.store.transaction() as tx:
            tx.mark_questions_posted(list(ids), channel, ts)
            for question_id in ids:
                tx.log_question_action(question_id, None, "posted", "bot", None)
            rest = tx.due_questions(utcnow(), 1)
            if rest:
                tx.enqueue(
                    key=f"slack-questions:more:{rest[0].id}",
                    to_address=self.config.channel or channel,
                    body=json.dumps({"kind": QUESTIONS_POST}),
                    contact_id=None,
                    channel="slack",
                )

    def post_views(self, channel: str, ts: str) -> list[QuestionView]:
        """The questions of one Slack message as they are now (to redraw it)."""
        with self.store.reading() as tx:
            found = tx.questions_in_post(channel, ts)
            school = self.schools.current(tx)
        return [self._view(q, school.data, translate=q.status == "open") for q in found]

    def where_posted(self, question_id: int) -> tuple[str, str] | None:
        """(channel, ts) of the Slack message that shows the question."""
        with self.store.reading() as tx:
            question = self._require(tx, question_id)
        if question.slack_channel and question.slack_ts:
            return question.slack_channel, question.slack_ts
        return None

    # What staff can answer with ----------------------------------------------------------------

    def choices(self) -> list[AnswerChoice]:
        """Every existing answer: school info, parents' rights topics, the school's FAQ entries."""
        with self.store.reading() as tx:
            school = self.schools.current(tx)
        return answer_choices(self.renderer, school.data)

    def answer_languages(self, parent_locale: str | None) -> list[str]:
        """Besides the school's language, the languages a new answer's form offers: the parent's, then
        those of 15% or more of the families (Education Code 48985)."""
        with self.store.reading() as tx:
            data = self.schools.current(tx).data
        wanted = [parent_locale] if parent_locale else []
        wanted += sorted(loc for loc, share in data.languages.items() if share >= HOME_LANGUAGE_SHARE)
        return [loc for loc in dict.fromkeys(wanted) if loc != data.default_locale]

    def question(self, question_id: int, *, translate: bool = False) -> QuestionView:
        """One question as staff see it (machine-translated only when asked: a provider may be slow)."""
        with self.store.reading() as tx:
            found = self._require(tx, question_id)
            school = self.schools.current(tx, found.school_id)
        return self._view(found, school.data, translate=translate)

    # Staff actions -------------------------------------------------------------------------------

    def answer_with(self, question_id: int, label: str, actor: str) -> Taught:
        """The question becomes an example of an existing answer, and the parent gets that answer."""
        with self.store.transaction() as tx:
            found = self._require(tx, question_id, for_update=True)
            school = self.schools.current(tx, found.school_id)
            if label not in {c.label for c in answer_choices(self.renderer, school.data)}:
                raise UnknownAnswer(f"the school has no answer {label!r}")
            self._close(tx, found, ANSWERED, actor, label)
            locale = found.locale or school.data.default_locale
            tx.add_taught_example(school.id, label, locale, found.text, actor, found.id)
            self._evidence(tx, found, school, label)
            self.schools.forget()  # this process answers with what was just taught at once
            parent = self._send(tx, found, school, label, None)
        self.schools.forget()
        return Taught(self.question(question_id), parent)

    def new_answer(
        self,
        question_id: int,
        actor: str,
        question: str,
        answer: str,
        texts: Mapping[str, str] | None = None,
    ) -> Taught:
        """A new FAQ entry from staff's words; languages nobody wrote get machine drafts marked for review."""
        with self.store.reading() as tx:
            found = self._require(tx, question_id)
            school = self.schools.current(tx, found.school_id)
        default = school.data.default_locale
        answers, questions = {default: answer.strip()}, {default: question.strip()}
        answers.update({loc: t.strip() for loc, t in (texts or {}).items() if t and t.strip()})
        wanted = {loc for loc, share in school.data.languages.items() if share > 0}
        wanted |= {found.locale} if found.locale else set()
        machine: dict[str, str] = {}
        # Outside any transaction: a translation provider may take seconds.
        for locale in sorted(wanted - set(answers)):
            drafted = translate_or_none(self.translator, answer, target=locale, source=default)
            if drafted is None:
                continue
            answers[locale], machine[locale] = drafted.text, drafted.provider
            title = translate_or_none(self.translator, question, target=locale, source=default)
            questions[locale] = title.text if title else question.strip()
        with self.store.transaction() as tx:
            found = self._require(tx, question_id, for_update=True)
            taken = {e.id for e in school.data.faq} | {a.faq_id for a in tx.school_answers(school.id)}
            faq_id = new_faq_id(question, taken)
            label = f"faq:{faq_id}"
            self._close(tx, found, NEW_ANSWER, actor, label)
            entry = SchoolAnswer(faq_id, questions, answers, machine, actor, utcnow())
            tx.add_school_answer(school.id, entry)
            tx.add_taught_example(school.id, label, found.locale or default, found.text, actor, found.id)
            self._evidence(tx, found, school, label)
            self.schools.forget()
            parent = self._send(tx, found, school, label, entry)
        self.schools.forget()
        return Taught(self.question(question_id), parent, tuple(sorted(machine)))

    def set_aside(self, question_id: int, actor: str, status: str) -> QuestionView:
        """Not a question, or dismissed: nothing is taught and the parent gets nothing more."""
        if status not in SET_ASIDE:
            raise ValueError(f"unknown status {status!r}")
        with self.store.transaction() as tx:
            found = self._require(tx, question_id, for_update=True)
            self._close(tx, found, status, actor, None)
            fact = EvidenceFact("1D", "question_set_aside", detail=status)
            tx.add_evidence(fact, contact_id=found.contact_id, school_id=found.school_id, locale=found.locale)
        return self.question(question_id)

    # Internals ------------------------------------------------------------------------------------

    def _require(self, tx: Tx, question_id: int, *, for_update: bool = False) -> QuestionRecord:
        found = tx.question(question_id, for_update=for_update and not tx.sqlite)
        if found is None:
            raise QuestionNotFound(f"no question {question_id}")
        return found

    def _close(self, tx: Tx, found: QuestionRecord, status: str, actor: str, label: str | None) -> None:
        if not tx.close_question(found.id, status, actor, label):
            raise QuestionHandled(handled_text(tx.question(found.id) or found))
        tx.log_question_action(found.id, found.school_id, status, actor, label)

    def _evidence(self, tx: Tx, found: QuestionRecord, school: ActiveSchool, label: str) -> None:
        hours = round((utcnow() - found.at).total_seconds() / 3600, 2)
        fact = EvidenceFact("1D", "question_taught", hours, label)
        tx.add_evidence(fact, contact_id=found.contact_id, school_id=school.id, locale=found.locale)

    def _send(
        self, tx: Tx, found: QuestionRecord, school: ActiveSchool, label: str, entry: SchoolAnswer | None
    ) -> str:
        """Queue the answer to the parent who asked; what happened, in one word."""
        contact = tx.contact(found.contact_id) if found.contact_id else None
        if contact is None:
            return "no_parent"
        if contact.opted_out:
            return "opted_out"
        now = utcnow()
        if now - found.at > self.config.answer_window:
            return "too_late"
        default = school.data.default_locale
        locale = contact.locale or found.locale or default
        locales = (locale, default)
        if entry is not None and locale in entry.machine:
            # Nobody wrote the new answer in the parent's language yet: the draft, said to be a machine's.
            language = language_name(default, locale)
            header = self.renderer.message("teaching", "answered_later_machine", locales, language=language)
            texts = [header, entry.answer[locale]]
        else:
            header = self.renderer.message("teaching", "answered_later", locales)
            texts = [header, *self.answers(tx, contact, label)]
        at = self.config.quiet.next_open(now) if self.config.quiet else now
        for number, body in enumerate(pack_messages(texts)):
            tx.enqueue(
                key=f"teach:{found.id}:{number}",
                to_address=contact.phone,
                body=body,
                contact_id=contact.id,
                locale=locale,
                not_before=at,
            )
        tx.log_question_action(found.id, school.id, "answer_queued", "bot", label)
        fact = EvidenceFact("1D", "taught_answer_sent", detail=label)
        tx.add_evidence(fact, contact_id=contact.id, school_id=school.id, locale=locale)
        return "queued" if at <= now else "after_quiet_hours"

    def _view(self, found: QuestionRecord, school: SchoolData, *, translate: bool) -> QuestionView:
        translation = None
        if translate and found.locale and found.locale != school.default_locale:
            done = translate_or_none(
                self.translator, found.text, target=school.default_locale, source=found.locale
            )
            translation = done.text if done else None
        titles = {c.label: c.title for c in answer_choices(self.renderer, school)}
        return QuestionView(
            id=found.id,
            text=found.text,
            locale=found.locale,
            asked_at=found.at,
            status=found.status,
            translation=translation,
            handled_by=found.handled_by,
            answer_title=titles.get(found.answer_label or "", found.answer_label),
        )


def answer_choices(renderer: Renderer, school: SchoolData) -> list[AnswerChoice]:
    """The answers staff may teach with, titled in the school's language."""
    locales = (school.default_locale,)
    found = [
        AnswerChoice(label, renderer.message("answer", label, locales), "School info")
        for label in SCHOOL_INFO
    ]
    found += [
        AnswerChoice(f"rights:{topic}", renderer.message("rights_topic", topic, locales), "Parents' rights")
        for topic in RIGHTS_TOPICS
    ]
    found += [
        AnswerChoice(
            f"faq:{e.id}", pick(e.question, school.default_locale, school.default_locale), "Common questions"
        )
        for e in school.faq
    ]
    return found


def new_faq_id(question: str, taken: set[str]) -> str:
    """A FAQ id from the question's words (ASCII, lowercase, dashes), unlike any id in `taken`."""
    plain = unicodedata.normalize("NFKD", question).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    base = "-".join(words)[:FAQ_ID_CHARS].strip("-")
    if not base or not base[0].isalpha():
        base = f"staff-{base}".strip("-")
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def handled_text(found: QuestionRecord) -> str:
    """Who already handled a question and how, for staff."""
    how = {
        ANSWERED: "answered",
        NEW_ANSWER: "given a new answer",
        NOT_QUESTION: "marked not a question",
        DISMISSED: "dismissed",
    }
    who = f"<@{found.handled_by}>" if found.handled_by else "someone"
    return f"This question was already {how.get(found.status, found.status)} by {who}."
