"""Conversations between staff and a family in a Slack thread, relayed both ways through the outbox.

A parent's text about an open concern (or one resolved a few days ago, or a conversation staff
started) joins that thread instead of starting something new; a staff member's message in the
thread goes to the parent by SMS in the parent's language, under quiet hours and the segment rule.
Translation and Slack calls happen outside transactions; every change queues what must go out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import utcnow
from bot.domain import Contact, EvidenceFact
from bot.engine import engine
from bot.engine.engine import ActionResult, Option
from bot.i18n.render import Renderer
from bot.services.actions import Action, ActionContext
from bot.services.concerns import language_name
from bot.services.phones import InvalidPhone, mask_phone, normalize_phone
from bot.services.quiet_hours import QuietHours
from bot.services.schools import SchoolDirectory
from bot.services.thread_rules import sms_parts
from bot.services.thread_types import (
    FAILED_STATUSES,
    REACTION_BY_STATUS,
    REACTION_FAILED,
    REACTION_QUEUED,
    REACTION_WAITING,
    THREAD_NOTICE,
    THREAD_PARENT,
    THREAD_REACTION,
    THREAD_ROOT,
    ParentPost,
    RootPost,
    StaffOutcome,
    ThreadPlace,
    ThreadRefused,
    thread_body,
)
from bot.services.translation import MachineTranslation, Translator, translate_or_none
from bot.store import Store, Tx

log = logging.getLogger(__name__)

THREAD_TEXT = "thread_text"  # the parent's text while the bot asks which concern it is about


@dataclass(frozen=True)
class ThreadConfig:
    """Where threads live and how long a parent's texts keep joining them."""

    concerns_channel: str = ""
    days_after_resolve: float = 7.0
    direct_days: float = 14.0
    note_prefix: str = "//"
    urgent_prefix: str = "!urgent"
    region: str = "US"


@dataclass(frozen=True)
class Target:
    """A conversation a parent's text may join: a concern's thread, or a direct conversation."""

    key: str  # "concern:<id>" or "direct:<thread id>"
    reference: str | None
    category: str | None


class ConcernThreads:
    """Routes parents' follow-up texts into Slack threads and staff thread replies out as SMS."""

    def __init__(
        self,
        *,
        store: Store,
        renderer: Renderer,
        schools: SchoolDirectory,
        translator: Translator,
        quiet: QuietHours,
        config: ThreadConfig,
        on_concern_reply: Callable[[Tx, int, str], None] | None = None,
    ) -> None:
        self.store = store
        self.renderer = renderer
        self.schools = schools
        self.translator = translator
        self.quiet = quiet
        self.config = config
        self.on_concern_reply = on_concern_reply  # a reply acknowledges a new concern (ConcernService)

    # Parent side: called in the conversation's transaction -------------------------------------

    def targets(self, tx: Tx, contact_id: int) -> list[Target]:
        """The conversations a parent's text may join now: open (or lately resolved) concerns first."""
        now = utcnow()
        since = now - timedelta(days=self.config.days_after_resolve)
        found = [
            Target(f"concern:{c['id']}", c["reference"], c["category"])
            for c in tx.concerns_of_contact(contact_id)
            if c["status"] != "resolved" or (c["resolved_at"] is not None and c["resolved_at"] >= since)
        ]
        if found:
            return found
        direct = tx.direct_threads_of_contact(contact_id, now - timedelta(days=self.config.direct_days))
        return [Target(f"direct:{t['id']}", None, None) for t in direct[:1]]

    def actions(self) -> dict[str, Action]:
        """The flow actions of the concern_thread flow."""
        return {"thread.route": self._route, "thread.options": self._options, "thread.add": self._add}

    def _route(self, ctx: ActionContext) -> ActionResult:
        targets = self.targets(ctx.tx, ctx.contact.id)
        if not targets:
            return ActionResult(outcome="none", clear=(THREAD_TEXT,))
        if len(targets) > 1:
            return ActionResult(outcome="several")
        return ActionResult(values={"choice": targets[0].key})

    def _options(self, ctx: ActionContext) -> ActionResult:
        options = tuple(
            Option(f"{t.reference} ({ctx.message('concern', f'category_{t.category}')})", t.key)
            for t in self.targets(ctx.tx, ctx.contact.id)
        )
        return ActionResult(options=options)

    def _add(self, ctx: ActionContext) -> ActionResult:
        text = str(ctx.values.get(THREAD_TEXT) or "").strip()
        key = str(ctx.values.get("choice") or "")
        clear = (THREAD_TEXT, "choice")
        target = next((t for t in self.targets(ctx.tx, ctx.contact.id) if t.key == key), None)
        if not text or target is None:
            return ActionResult(outcome="none", clear=clear)
        kind, _, raw_id = key.partition(":")
        if kind == "concern":
            thread = ctx.tx.thread_of_concern(int(raw_id), contact_id=ctx.contact.id, opened_by="parent")
        else:
            thread = ctx.tx.thread(int(raw_id)) or {}
        message_id = ctx.tx.add_thread_message(
            thread_id=thread["id"], direction="parent", actor="parent", body=text, locale=ctx.locale
        )
        if message_id is None:
            return ActionResult(outcome="none", clear=clear)
        ctx.tx.enqueue(
            key=f"slack-thread:{message_id}",
            to_address=self.config.concerns_channel,
            body=thread_body(THREAD_PARENT, message=message_id),
            contact_id=None,
            channel="slack",
        )
        if thread["concern_id"] is not None:
            detail = f"follow-up text ({language_name(ctx.locale, 'en')}, {len(text)} characters)"
            ctx.tx.add_concern_event(thread["concern_id"], "parent_message", "parent", detail)
            ctx.record("4E", "conversation_message", "parent")
        ctx.record("1D", "parent_message", "concern" if kind == "concern" else "direct")
        first = not thread["parent_acknowledged"]
        if first:
            ctx.tx.update_thread(thread["id"], parent_acknowledged=True)
        outcome = ("added" if kind == "concern" else "direct") if first else "again"
        return ActionResult(outcome=outcome, values={"reference": target.reference or ""}, clear=clear)

    # Staff side: called from Slack, outside any transaction -------------------------------------

    def is_thread(self, channel: str, thread_ts: str) -> bool:
        """True when this Slack message is the root of a conversation with a family."""
        with self.store.transaction() as tx:
            return tx.thread_at(channel, thread_ts) is not None

    def staff_message(self, channel: str, thread_ts: str, ts: str, actor: str, text: str) -> StaffOutcome:
        """Relay a staff member's thread message to the family by SMS (a note prefix keeps it in Slack)."""
        body = text.strip()
        if not body:
            return StaffOutcome("ignored")
        if self.config.note_prefix and body.startswith(self.config.note_prefix):
            return StaffOutcome("note")
        body, urgent = self._urgent(body)
        if not body:
            return StaffOutcome("ignored")  # "!urgent" and nothing else: no header-only text
        with self.store.transaction() as tx:
            thread = tx.thread_at(channel, thread_ts)
            if thread is None:
                return StaffOutcome("ignored")
            if tx.thread_message_at(channel, ts) is not None:
                return StaffOutcome("duplicate")
            contact = tx.contact(thread["contact_id"])
            locale, school_locale, _ = self._languages(tx, thread, contact)
            if contact is None or contact.opted_out:
                self._notice(tx, thread["id"], f"refused:{channel}:{ts}", "opted_out")
                return StaffOutcome("refused", "opted_out")
        translated = translate_or_none(self.translator, body, target=locale, source=school_locale)
        with self.store.transaction() as tx:
            return self._relay(tx, thread, contact, actor, body, translated, (channel, ts), urgent=urgent)

    def start_direct(self, phone: str, actor: str, text: str) -> StaffOutcome:
        """Start a conversation with a family that is not about a concern (ThreadRefused)."""
        body, urgent = self._urgent(text.strip())
        if not body:
            raise ThreadRefused("Write the message after the number.")
        try:
            number = normalize_phone(phone, self.config.region)
        except InvalidPhone:
            raise ThreadRefused("That is not a phone number I can text.") from None
        with self.store.transaction() as tx:
            contact = tx.contact_by_phone(number)
            if contact is None:
                raise ThreadRefused(
                    f"No family with the number {mask_phone(number)} is known to the text line "
                    "(they text the line first, or come from the roster)."
                )
            if contact.opted_out:
                raise ThreadRefused(
                    f"The family at {mask_phone(number)} opted out of texts (STOP): they cannot be texted. "
                    "Call them instead."
                )
            school = self.schools.current(tx, contact.school_id)
            locale = contact.locale or school.data.default_locale
            school_locale = school.data.default_locale
        translated = translate_or_none(self.translator, body, target=locale, source=school_locale)
        with self.store.transaction() as tx:
            thread = tx.add_direct_thread(contact_id=contact.id, school_id=contact.school_id, opened_by=actor)
            tx.enqueue(
                key=f"slack-thread-root:{thread['id']}",
                to_address=self.config.concerns_channel,
                body=thread_body(THREAD_ROOT, thread=thread["id"]),
                contact_id=None,
                channel="slack",
            )
            outcome = self._relay(tx, thread, contact, actor, body, translated, None, urgent=urgent)
        return StaffOutcome(outcome.kind, f"{mask_phone(number)}: {outcome.detail}")

    def on_delivery(self, tx: Tx, provider_id: str, status: str) -> None:
        """A delivery status of a relayed staff reply: shown on the staff message as a reaction."""
        key = tx.outbox_key_of_provider_id(provider_id)
        if not key or not key.startswith("thread:"):
            return
        message = tx.thread_message(int(key.split(":")[1]))
        if message is None:
            return
        failed = status in FAILED_STATUSES
        name = REACTION_FAILED if failed else REACTION_BY_STATUS.get(status)
        if name is None:
            return
        tx.update_thread_message(message["id"], status=status)
        self._react(tx, message["thread_id"], message["id"], message["slack_ts"], name)
        if failed:
            self._notice(tx, message["thread_id"], f"failed:{message['id']}", "failed")

    # Slack side reads ---------------------------------------------------------------------------

    def place(self, thread_id: int) -> ThreadPlace | None:
        """Where the thread's root is, or None while it is not posted yet."""
        with self.store.transaction() as tx:
            return self._place(tx, tx.thread(thread_id))

    def parent_post(self, message_id: int) -> ParentPost | None:
        """A parent's text for its thread post, machine-translated first when translation is on."""
        with self.store.transaction() as tx:
            message = tx.thread_message(message_id)
            if message is None:
                return None
            thread = tx.thread(message["thread_id"])
            school_locale = self.schools.current(tx, self._school_id(tx, thread)).data.default_locale
        if message["translation"] is None:
            translated = translate_or_none(
                self.translator, message["body"], target=school_locale, source=message["locale"]
            )
            if translated is not None:
                with self.store.transaction() as tx:
                    tx.update_thread_message(
                        message_id,
                        translation=translated.text,
                        translation_locale=school_locale,
                        translation_provider=translated.provider,
                    )
        return self._parent_post(message_id)

    def view_parent_message(self, message_id: int, actor: str) -> ParentPost | None:
        """A parent's full text for one staff member; the viewing is logged in the concern's history."""
        post = self.parent_post(message_id)
        if post is None:
            return None
        with self.store.transaction() as tx:
            message = tx.thread_message(message_id) or {}
            thread = tx.thread(message["thread_id"]) or {}
            if thread.get("concern_id") is not None:
                tx.add_concern_event(
                    thread["concern_id"], "viewed", actor, f"opened follow-up text #{message_id}"
                )
        log.info("staff %s opened parent message %s", actor, message_id)
        return post

    def root_post(self, thread_id: int) -> RootPost | None:
        """A direct conversation's root message."""
        with self.store.transaction() as tx:
            thread = tx.thread(thread_id)
            if thread is None:
                return None
            contact = tx.contact(thread["contact_id"])
            first = next((m for m in tx.thread_messages(thread_id) if m["direction"] == "staff"), None)
            school = self.schools.current(tx, thread["school_id"])
            return RootPost(
                thread_id=thread_id,
                phone_masked=mask_phone(contact.phone if contact else None),
                locale=(contact.locale if contact else None) or school.data.default_locale,
                opened_by=thread["opened_by"],
                first_text=first["body"] if first else None,
                opened_at=thread["created_at"],
            )

    def set_root(self, thread_id: int, channel: str, ts: str) -> None:
        """Remember where a direct conversation's root was posted."""
        with self.store.transaction() as tx:
            tx.update_thread(thread_id, slack_channel=channel, thread_ts=ts)

    # Internals ----------------------------------------------------------------------------------

    def _urgent(self, text: str) -> tuple[str, bool]:
        prefix = self.config.urgent_prefix
        if prefix and text.lower().startswith(prefix.lower()):
            return text[len(prefix) :].strip(), True
        return text, False

    def _relay(
        self,
        tx: Tx,
        thread: dict[str, Any],
        contact: Contact | None,
        actor: str,
        body: str,
        translated: MachineTranslation | None,
        slack: tuple[str, str] | None,
        *,
        urgent: bool,
    ) -> StaffOutcome:
        """Queue a staff message as SMS (now, or when quiet hours end) and show staff what happened."""
        if contact is None or contact.opted_out:
            return StaffOutcome("refused", "opted_out")
        locale, school_locale, school = self._languages(tx, thread, contact)
        message_id = tx.add_thread_message(
            thread_id=thread["id"],
            direction="staff",
            actor=actor,
            body=body,
            locale=school_locale,
            translation=translated.text if translated else None,
            translation_locale=locale if translated else None,
            translation_provider=translated.provider if translated else None,
            slack_channel=slack[0] if slack else None,
            slack_ts=slack[1] if slack else None,
            status="queued",
        )
        if message_id is None:
            return StaffOutcome("duplicate")
        reference = self._reference(tx, thread)
        header = self._header(reference, school, locale, school_locale, translated is not None)
        parts = sms_parts(header, translated.text if translated else body)
        now = utcnow()
        send_at = now if urgent else self.quiet.next_open(now)
        waiting = send_at > now
        for number, text in enumerate(parts):
            tx.enqueue(
                key=f"thread:{message_id}:{number}",
                to_address=contact.phone,
                body=text,
                contact_id=contact.id,
                locale=locale,
                priority=0,
                not_before=send_at if waiting else None,
            )
        tx.update_thread_message(
            message_id, parts=len(parts), send_at=send_at, status="scheduled" if waiting else "queued"
        )
        ts = slack[1] if slack else None
        self._react(tx, thread["id"], message_id, ts, REACTION_WAITING if waiting else REACTION_QUEUED)
        self._notice(
            tx,
            thread["id"],
            f"queued:{message_id}",
            "scheduled" if waiting else "queued",
            language=locale,
            translated=translated is not None,
            parts=len(parts),
            send_at=send_at.isoformat(),
        )
        self._record_reply(tx, thread, contact, locale, message_id, now)
        self._expect_answer(tx, contact)
        if thread["concern_id"] is not None:
            if self.on_concern_reply is not None:
                self.on_concern_reply(tx, thread["concern_id"], actor)
            how = "machine-translated" if translated else "as written"
            tx.add_concern_event(
                thread["concern_id"], "reply", actor, f"thread reply, {how}, {len(parts)} SMS"
            )
        detail = f"{len(parts)} SMS in {language_name(locale, 'en')}"
        if waiting:
            detail += f", at {send_at.astimezone(self.quiet.current_zone()):%H:%M} (quiet hours)"
        return StaffOutcome("queued", detail)

    def _expect_answer(self, tx: Tx, contact: Contact) -> None:
        """The parent's next text answers staff: a menu or question left waiting no longer catches it."""
        saved = tx.load_session(contact.id)
        if saved is not None and engine.is_waiting(saved[0]):
            tx.save_session(contact.id, engine.idle_state(saved[0].get("values")))

    def _record_reply(
        self, tx: Tx, thread: dict[str, Any], contact: Contact, locale: str, message_id: int, now: datetime
    ) -> None:
        """1D: a staff reply, with the hours the parent's oldest unanswered text waited for it."""
        waited: datetime | None = None
        for message in tx.thread_messages(thread["id"]):
            if message["id"] == message_id:
                continue
            if message["direction"] == "parent" and waited is None:
                waited = message["created_at"]
            elif message["direction"] == "staff":
                waited = None
        hours = round((now - waited).total_seconds() / 3600, 3) if waited else None
        fact = EvidenceFact("1D", "staff_reply", hours, "answered" if waited else "started")
        tx.add_evidence(fact, contact_id=contact.id, school_id=contact.school_id, locale=locale)
        if thread["concern_id"] is not None:
            tx.add_evidence(
                EvidenceFact("4E", "conversation_message", None, "staff"),
                contact_id=contact.id,
                school_id=contact.school_id,
                locale=locale,
            )

    def _header(
        self, reference: str | None, school: Any, locale: str, school_locale: str, translated: bool
    ) -> str:
        locales = (locale, school.default_locale)
        language = language_name(school_locale, locale)
        if reference is not None:
            message_id = "staff_note_translated" if translated else "staff_note"
            return self.renderer.message(
                "concern", message_id, locales, reference=reference, language=language
            )
        message_id = "direct_translated" if translated else "direct"
        return self.renderer.message("thread", message_id, locales, school=school.name, language=language)

    def _languages(self, tx: Tx, thread: dict[str, Any], contact: Contact | None) -> tuple[str, str, Any]:
        """The family's language, the school's, and the school's data."""
        school = self.schools.current(tx, self._school_id(tx, thread)).data
        concern_locale = None
        if thread["concern_id"] is not None:
            concern = tx.concern_by_id(thread["concern_id"])
            concern_locale = concern["locale"] if concern else None
        locale = (contact.locale if contact else None) or concern_locale or school.default_locale
        return locale, school.default_locale, school

    def _school_id(self, tx: Tx, thread: dict[str, Any] | None) -> int | None:
        if thread is None:
            return None
        if thread["concern_id"] is not None:
            concern = tx.concern_by_id(thread["concern_id"])
            return concern["school_id"] if concern else None
        return thread["school_id"]

    def _reference(self, tx: Tx, thread: dict[str, Any]) -> str | None:
        if thread["concern_id"] is None:
            return None
        concern = tx.concern_by_id(thread["concern_id"])
        return concern["reference"] if concern else None

    def _place(self, tx: Tx, thread: dict[str, Any] | None) -> ThreadPlace | None:
        if thread is None:
            return None
        if thread["concern_id"] is not None:
            concern = tx.concern_by_id(thread["concern_id"])
            if concern and concern["alert_channel"] and concern["alert_ts"]:
                return ThreadPlace(concern["alert_channel"], concern["alert_ts"])
            return None
        if thread["slack_channel"] and thread["thread_ts"]:
            return ThreadPlace(thread["slack_channel"], thread["thread_ts"])
        return None

    def _parent_post(self, message_id: int) -> ParentPost | None:
        with self.store.transaction() as tx:
            message = tx.thread_message(message_id)
            if message is None:
                return None
            thread = tx.thread(message["thread_id"])
            place = self._place(tx, thread)
            if place is None:
                return None
            return ParentPost(
                message_id=message_id,
                place=place,
                reference=self._reference(tx, thread) if thread else None,
                locale=message["locale"] or "",
                text=message["body"],
                translation=message["translation"],
                translation_provider=message["translation_provider"],
                length=len(message["body"]),
            )

    def _react(self, tx: Tx, thread_id: int, message_id: int, ts: str | None, name: str) -> None:
        tx.enqueue(
            key=f"slack-thread-reaction:{message_id}:{name}",
            to_address=self.config.concerns_channel,
            body=thread_body(THREAD_REACTION, thread=thread_id, ts=ts, name=name),
            contact_id=None,
            channel="slack",
        )

    def _notice(self, tx: Tx, thread_id: int, key: str, event: str, **fields: Any) -> None:
        tx.enqueue(
            key=f"slack-thread-notice:{thread_id}:{key}",
            to_address=self.config.concerns_channel,
            body=thread_body(THREAD_NOTICE, thread=thread_id, event=event, **fields),
            contact_id=None,
            channel="slack",
        )
