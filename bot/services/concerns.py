"""Parents' concerns: intake from the flow, staff actions, parent notifications, service targets.

Staff channels act through the `StaffConcernActions` port (concern_types.py). Every change is one
transaction that also queues what must go out (the parent's SMS, the Slack alert update) in the
outbox, so nothing is sent inside a transaction and nothing is lost if a send fails.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel import Locale

from bot.clock import utcnow
from bot.domain import Contact, EvidenceFact
from bot.engine import engine
from bot.engine.engine import ActionResult
from bot.engine.loader import FlowSet
from bot.i18n.formatting import local_datetime
from bot.i18n.render import Renderer
from bot.i18n.segments import pack_messages, segment_count
from bot.services.actions import Action, ActionContext
from bot.services.concern_types import (
    CATEGORIES,
    NOTE_MAX_CHARS,
    REQUEST_CATEGORY,
    RESOLUTION_CATEGORIES,
    UCP_CATEGORIES,
    CannedReply,
    ConcernEventView,
    ConcernNotFound,
    ConcernStateError,
    ConcernView,
    ReplyPreview,
    alert_body,
    escalation_body,
)
from bot.services.phones import display_phone, mask_phone
from bot.services.pulses import PulseService
from bot.services.school_data import SchoolData, pick
from bot.services.school_days import add_school_days
from bot.services.schools import ActiveSchool, SchoolDirectory
from bot.services.translation import Translator, translate_or_none
from bot.store import Store, Tx

log = logging.getLogger(__name__)

REFERENCE_PATTERN = r"C-?\s?(\d{4})-?\s?(\d{1,6})"


@dataclass(frozen=True)
class ConcernConfig:
    """Targets and where staff alerts go."""

    ack_target_days: float = 1.0
    resolve_target_days: float = 5.0
    concerns_channel: str = ""
    escalation_channel: str = ""
    staff_ids: frozenset[str] = frozenset()


def language_name(code: str, in_locale: str) -> str:
    """A language's name in another language, e.g. 'inglés' for en in es."""
    try:
        return Locale.parse(code).get_display_name(Locale.parse(in_locale)) or code
    except (ValueError, TypeError):
        return code


class ConcernService:
    """Concern intake for parents and the staff workflow (implements StaffConcernActions)."""

    def __init__(
        self,
        *,
        store: Store,
        flow_set: FlowSet,
        renderer: Renderer,
        schools: SchoolDirectory,
        translator: Translator,
        config: ConcernConfig,
        pulses: PulseService | None = None,
    ) -> None:
        self.store = store
        self.flows = flow_set.flows
        self.staff_messages = flow_set.message_sets["staff"]
        self.renderer = renderer
        self.schools = schools
        self.translator = translator
        self.config = config
        self.pulses = pulses

    # Parent side: flow actions ----------------------------------------------------

    def actions(self) -> dict[str, Action]:
        """The flow actions this service provides."""
        return {
            "concern.submit": self._submit,
            "concern.ucp_info": self._ucp_info,
            "concern.status": self._status,
            "concern.survey": self._survey,
        }

    def create_request(self, ctx: ActionContext, description: str) -> str:
        """A request staff see like a concern of category 'request' (a classroom visit, records...)."""
        reference, _ack_due = self._create(
            ctx, REQUEST_CATEGORY, description, share=False, how=None, when=None
        )
        return reference

    def _submit(self, ctx: ActionContext) -> ActionResult:
        values = ctx.values
        category = str(values.get("category") or "other")
        if category not in CATEGORIES:
            category = "other"
        share = values.get("share_student") == "yes"
        reference, ack_due = self._create(
            ctx,
            category,
            str(values.get("description") or ""),
            share=share,
            how=values.get("contact_preference"),
            when=values.get("contact_window"),
        )
        ctx.record("4B", "concern_raised", category)
        return ActionResult(
            outcome="ucp" if category in UCP_CATEGORIES else None,
            values={
                "reference": reference,
                "ack_by": local_datetime(ack_due, ctx.locale, ctx.zone),
                "ucp_reference": reference,
            },
            clear=("description", "description_preview", "student_info", "contact_window", "share_student"),
        )

    def _create(
        self,
        ctx: ActionContext,
        category: str,
        description: str,
        *,
        share: bool,
        how: str | None,
        when: str | None,
    ) -> tuple[str, datetime]:
        values = ctx.values
        now = utcnow()
        year = now.astimezone(ctx.zone).year
        reference = ctx.tx.next_concern_reference(year)
        ack_due = add_school_days(now, self.config.ack_target_days, ctx.school, ctx.zone)
        resolve_due = add_school_days(now, self.config.resolve_target_days, ctx.school, ctx.zone)
        ctx.tx.add_concern(
            reference=reference,
            school_id=ctx.school_id,
            contact_id=ctx.contact.id,
            category=category,
            description=description,
            locale=ctx.locale,
            status="new",
            share_student=share,
            student_info=str(values.get("student_info") or "") if share else None,
            contact_preference=how,
            contact_window=when,
            ack_due_at=ack_due,
            resolve_due_at=resolve_due,
            created_at=now,
        )
        self._queue_alert(ctx.tx, reference)
        return reference, ack_due

    def _ucp_info(self, ctx: ActionContext) -> ActionResult:
        form = pick(ctx.school.ucp_form, ctx.locale, ctx.school.default_locale) if ctx.school.ucp_form else ""
        reference = ctx.values.get("ucp_reference") or ctx.values.get("survey_reference")
        if reference:
            concern = ctx.tx.concern(str(reference))
            if concern is not None and concern["contact_id"] == ctx.contact.id:
                ctx.tx.add_concern_event(concern["id"], "ucp_info", "system", "told the parent about the UCP")
        ctx.record("5C", "ucp_info_given", str(ctx.values.get("category") or "asked"))
        return ActionResult(values={"ucp_form": form}, clear=("ucp_reference",))

    def _status(self, ctx: ActionContext) -> ActionResult:
        wanted = ctx.values.get("status_reference")
        concerns = ctx.tx.concerns_of_contact(ctx.contact.id)
        clear = ("status_reference",)
        if wanted:
            concerns = [c for c in concerns if c["reference"] == wanted]
            if not concerns:
                return ActionResult(outcome="not_found", values={"reference": wanted}, clear=clear)
        if not concerns:
            return ActionResult(outcome="none", clear=clear)
        concern = concerns[0]
        locales = (ctx.locale, ctx.school.default_locale)
        values = {
            "reference": concern["reference"],
            "category": self._category_label(concern["category"], locales),
            "received": local_datetime(concern["created_at"], ctx.locale, ctx.zone),
            "ack_by": local_datetime(concern["ack_due_at"], ctx.locale, ctx.zone),
            "resolved": local_datetime(concern["resolved_at"], ctx.locale, ctx.zone)
            if concern["resolved_at"]
            else "",
            "resolution": self._resolution_text(concern["resolution_category"], locales),
        }
        ctx.record("4E", "status_checked", concern["status"])
        return ActionResult(outcome=concern["status"], values=values, clear=clear)

    def _survey(self, ctx: ActionContext) -> ActionResult:
        reference = str(ctx.values.get("survey_reference") or "")
        satisfaction = int(str(ctx.values.get("satisfaction") or "0")) or None
        need_met = ctx.values.get("need_met") == "yes"
        concern = ctx.tx.concern(reference) if reference else None
        clear = ("satisfaction", "need_met")
        if concern is None or concern["contact_id"] != ctx.contact.id:
            return ActionResult(clear=clear)
        ctx.tx.update_concern(concern["id"], satisfaction=satisfaction, need_met=need_met)
        ctx.tx.add_concern_event(
            concern["id"],
            "survey",
            "parent",
            f"satisfaction {satisfaction}/5, need met: {'yes' if need_met else 'no'}",
        )
        if satisfaction:
            ctx.record("4E", "satisfaction", concern["category"], float(satisfaction))
        ctx.record("4E", "need_met", concern["category"], 1.0 if need_met else 0.0)
        return ActionResult(
            outcome=None if need_met else "ucp", values={"category": "not_resolved"}, clear=clear
        )

    # Staff side ------------------------------------------------------------------

    def is_staff(self, user_id: str, group_ids: frozenset[str] = frozenset()) -> bool:
        """True when the user, or one of the user's groups, is configured staff."""
        return user_id in self.config.staff_ids or bool(group_ids & self.config.staff_ids)

    def view(self, reference: str) -> ConcernView:
        """One concern with its history; translates the description first when that is on."""
        with self.store.transaction() as tx:
            concern = self._require(tx, reference)
            school = self.schools.current(tx, concern["school_id"])
        self._translate_description(concern, school.data)
        with self.store.transaction() as tx:
            return self._view(tx, self._require(tx, reference))

    def list_open(self) -> list[ConcernView]:
        """Concerns that are not resolved, oldest first."""
        with self.store.transaction() as tx:
            return [self._view(tx, concern) for concern in tx.open_concerns()]

    def acknowledge(self, reference: str, actor: str) -> ConcernView:
        """Mark the concern as seen by staff; the parent is told."""
        with self.store.transaction() as tx:
            concern = self._require(tx, reference, for_update=True)
            if concern["status"] != "new":
                who = concern["acknowledged_by"] or "staff"
                raise ConcernStateError(f"{reference} was already acknowledged by <@{who}>")
            self._acknowledge(tx, concern, actor)
            self._queue_alert(tx, reference)
            return self._view(tx, self._require(tx, reference))

    def take_ownership(self, reference: str, actor: str) -> ConcernView:
        """Make the actor the owner, acknowledging the concern first when needed."""
        with self.store.transaction() as tx:
            concern = self._require(tx, reference, for_update=True)
            if concern["status"] == "resolved":
                raise ConcernStateError(f"{reference} is resolved; reopen it first")
            if concern["owner"] == actor:
                raise ConcernStateError(f"you already own {reference}")
            if concern["status"] == "new":
                self._acknowledge(tx, concern, actor)
            tx.update_concern(concern["id"], owner=actor, status="owned")
            tx.add_concern_event(concern["id"], "owned", actor)
            self._queue_alert(tx, reference)
            return self._view(tx, self._require(tx, reference))

    def canned_replies(self) -> list[CannedReply]:
        """The replies staff can pick, in their English source text."""
        return [CannedReply(key, message.text) for key, message in self.staff_messages.messages.items()]

    def preview_reply(self, reference: str, canned_id: str | None, note: str | None) -> ReplyPreview:
        """The SMS the parent would get (the note as written; machine translation happens on send)."""
        with self.store.transaction() as tx:
            concern = self._require(tx, reference)
            contact, school = self._parent(tx, concern)
        locale = self._parent_locale(contact, concern, school.data)
        text = "\n\n".join(self._reply_parts(concern, school.data, locale, canned_id, note, None))
        return ReplyPreview(text, locale, segment_count(text), machine_translated=False)

    def reply(self, reference: str, actor: str, canned_id: str | None, note: str | None) -> ConcernView:
        """Send a canned reply and/or a note to the parent by SMS in their language."""
        if canned_id is not None and canned_id not in self.staff_messages.messages:
            raise ConcernStateError(f"unknown canned reply {canned_id!r}")
        note = (note or "").strip() or None
        if canned_id is None and note is None:
            raise ConcernStateError("choose a reply or write a note")
        _check_note(note)
        with self.store.transaction() as tx:
            concern = self._require(tx, reference)
            contact, school = self._parent(tx, concern)
        locale = self._parent_locale(contact, concern, school.data)
        translated = None
        if note is not None:
            translated = translate_or_none(
                self.translator, note, target=locale, source=school.data.default_locale
            )
        parts = self._reply_parts(concern, school.data, locale, canned_id, note, translated)
        with self.store.transaction() as tx:
            concern = self._require(tx, reference, for_update=True)
            if concern["status"] == "new":
                self._acknowledge(tx, concern, actor, tell_parent=False)
            detail = "; ".join(
                part
                for part in (
                    f"canned: {canned_id}" if canned_id else "",
                    f"note: {note}" if note else "",
                    f"sent as machine translation ({translated.provider}): {translated.text}"
                    if translated
                    else "",
                )
                if part
            )
            tx.add_concern_event(concern["id"], "reply", actor, detail)
            self._text_parent(tx, concern, contact, parts, locale, "reply")
            if self.pulses is not None and contact is not None:
                # Were they treated with respect (4C), or, for a request from a right, respected (4B)?
                kind = "rights" if concern["category"] == REQUEST_CATEGORY else "respect"
                self.pulses.offer(tx, contact.id, kind, reference)
            self._queue_alert(tx, reference)
            return self._view(tx, self._require(tx, reference))

    def resolve(self, reference: str, actor: str, resolution_category: str, note: str) -> ConcernView:
        """Resolve: the parent gets the resolution and a short satisfaction survey."""
        if resolution_category not in RESOLUTION_CATEGORIES:
            raise ConcernStateError(f"unknown resolution category {resolution_category!r}")
        _check_note(note)
        now = utcnow()
        with self.store.transaction() as tx:
            concern = self._require(tx, reference, for_update=True)
            if concern["status"] == "resolved":
                raise ConcernStateError(f"{reference} is already resolved")
            contact, school = self._parent(tx, concern)
            if concern["status"] == "new":
                self._acknowledge(tx, concern, actor, tell_parent=False)
            tx.update_concern(
                concern["id"],
                status="resolved",
                resolved_by=actor,
                resolved_at=now,
                resolution_category=resolution_category,
                resolution_note=note.strip() or None,
            )
            tx.add_concern_event(concern["id"], "resolved", actor, f"{resolution_category}: {note.strip()}")
            hours = (now - concern["created_at"]).total_seconds() / 3600
            within = "within_target" if now <= concern["resolve_due_at"] else "over_target"
            self._evidence(tx, concern, EvidenceFact("4E", "time_to_resolve", round(hours, 2), within))
            locale = self._parent_locale(contact, concern, school.data)
            locales = (locale, school.data.default_locale)
            resolution = self._resolution_text(resolution_category, locales)
            texts = [
                self.renderer.message(
                    "concern", "resolved", locales, reference=reference, resolution=resolution
                )
            ]
            if contact is not None and not contact.opted_out:
                texts += self._start_survey(tx, contact, reference, locales)
            self._text_parent(tx, concern, contact, texts, locale, "resolved")
            self._queue_alert(tx, reference)
            return self._view(tx, self._require(tx, reference))

    def reopen(self, reference: str, actor: str, note: str) -> ConcernView:
        """Reopen a resolved concern with a new resolution target; the parent is told."""
        _check_note(note)
        now = utcnow()
        with self.store.transaction() as tx:
            concern = self._require(tx, reference, for_update=True)
            if concern["status"] != "resolved":
                raise ConcernStateError(f"{reference} is not resolved")
            contact, school = self._parent(tx, concern)
            due = add_school_days(now, self.config.resolve_target_days, school.data, school.zone)
            tx.update_concern(
                concern["id"],
                status="owned" if concern["owner"] else "acknowledged",
                resolved_at=None,
                resolved_by=None,
                resolution_category=None,
                resolution_note=None,
                resolve_due_at=due,
                resolve_escalated_at=None,
            )
            tx.add_concern_event(concern["id"], "reopened", actor, note.strip() or None)
            locale = self._parent_locale(contact, concern, school.data)
            text = self.renderer.message(
                "concern", "reopened", (locale, school.data.default_locale), reference=reference
            )
            self._text_parent(tx, concern, contact, [text], locale, "reopened")
            self._queue_alert(tx, reference)
            return self._view(tx, self._require(tx, reference))

    def acknowledge_by_reply(self, tx: Tx, concern_id: int, actor: str) -> None:
        """A staff reply in the concern's thread acknowledges a new concern (the reply tells the parent)."""
        concern = tx.concern_by_id(concern_id)
        if concern is None or concern["status"] != "new":
            return
        self._acknowledge(tx, concern, actor, tell_parent=False)
        self._queue_alert(tx, concern["reference"])

    def record_ucp_filed(self, reference: str, actor: str, note: str = "") -> bool:
        """Record that the parent filed a Uniform Complaint about this concern (5C); False if already."""
        _check_note(note)
        with self.store.transaction() as tx:
            concern = self._require(tx, reference, for_update=True)
            if any(kind == "ucp_filed" for kind, *_ in tx.concern_events(concern["id"])):
                return False
            tx.add_concern_event(concern["id"], "ucp_filed", actor, note.strip() or "UCP complaint filed")
            self._evidence(tx, concern, EvidenceFact("5C", "ucp_filed", detail=concern["category"]))
            return True

    def record_viewed(self, reference: str, actor: str) -> None:
        """Log that a staff member opened the full description."""
        with self.store.transaction() as tx:
            concern = self._require(tx, reference)
            tx.add_concern_event(concern["id"], "viewed", actor, "opened the description")

    def claim_delivery(self, delivery_id: str) -> bool:
        """True the first time a Slack delivery id is seen."""
        with self.store.transaction() as tx:
            return tx.claim_slack_delivery(delivery_id)

    def set_alert_message(self, reference: str, channel: str, ts: str) -> None:
        """Remember where the concern's Slack alert is."""
        with self.store.transaction() as tx:
            concern = self._require(tx, reference)
            tx.update_concern(concern["id"], alert_channel=channel, alert_ts=ts)

    # Service targets -------------------------------------------------------------------

    def escalate_overdue(self, now: datetime | None = None) -> list[str]:
        """Escalate every concern past its acknowledgement or resolution target, once each.

        This is the job the scheduler runs; it returns the references escalated.
        """
        moment = now or utcnow()
        escalated: list[str] = []
        with self.store.transaction() as tx:
            for concern, missed in tx.overdue_concerns(moment):
                if missed == "acknowledge":
                    reason = f"not acknowledged within {self.config.ack_target_days:g} school day(s)"
                    tx.update_concern(concern["id"], ack_escalated_at=moment)
                else:
                    reason = f"not resolved within {self.config.resolve_target_days:g} school day(s)"
                    tx.update_concern(concern["id"], resolve_escalated_at=moment)
                tx.add_concern_event(concern["id"], "escalated", "system", reason)
                channel = self.config.escalation_channel or self.config.concerns_channel
                tx.enqueue(
                    key=f"slack-escalation:{concern['reference']}:{missed}",
                    to_address=channel,
                    body=escalation_body(concern["reference"], reason),
                    contact_id=None,
                    channel="slack",
                )
                self._queue_alert(tx, concern["reference"])
                escalated.append(f"{concern['reference']} ({missed})")
        return escalated

    # Internals -------------------------------------------------------------------

    def _require(self, tx: Tx, reference: str, *, for_update: bool = False) -> dict[str, Any]:
        concern = tx.concern(reference.strip().upper(), for_update=for_update and not tx.sqlite)
        if concern is None:
            raise ConcernNotFound(f"no concern {reference}")
        return concern

    def _parent(self, tx: Tx, concern: dict[str, Any]) -> tuple[Contact | None, ActiveSchool]:
        return tx.contact(concern["contact_id"]), self.schools.current(tx, concern["school_id"])

    def _parent_locale(self, contact: Contact | None, concern: dict[str, Any], school: SchoolData) -> str:
        return (
            (contact.locale if contact and contact.locale else None)
            or concern["locale"]
            or school.default_locale
        )

    def _acknowledge(self, tx: Tx, concern: dict[str, Any], actor: str, *, tell_parent: bool = True) -> None:
        now = utcnow()
        tx.update_concern(concern["id"], status="acknowledged", acknowledged_by=actor, acknowledged_at=now)
        tx.add_concern_event(concern["id"], "acknowledged", actor)
        hours = (now - concern["created_at"]).total_seconds() / 3600
        within = "within_target" if now <= concern["ack_due_at"] else "over_target"
        self._evidence(tx, concern, EvidenceFact("4E", "time_to_acknowledge", round(hours, 2), within))
        if tell_parent:
            contact, school = self._parent(tx, concern)
            locale = self._parent_locale(contact, concern, school.data)
            text = self.renderer.message(
                "concern",
                "acknowledged",
                (locale, school.data.default_locale),
                reference=concern["reference"],
            )
            self._text_parent(tx, concern, contact, [text], locale, "acknowledged")

    def _reply_parts(
        self,
        concern: dict[str, Any],
        school: SchoolData,
        locale: str,
        canned_id: str | None,
        note: str | None,
        translated: Any,
    ) -> list[str]:
        locales = (locale, school.default_locale)
        reference = concern["reference"]
        parts: list[str] = []
        if canned_id is not None:
            header = self.renderer.message("concern", "staff_reply", locales, reference=reference)
            body = self.renderer.message("staff", canned_id, locales, phone=display_phone(school.phone))
            parts.append(f"{header}\n{body}")
        if note is not None:
            written_in = language_name(school.default_locale, locale)
            if translated is not None:
                header = self.renderer.message(
                    "concern", "staff_note_translated", locales, reference=reference, language=written_in
                )
                parts.append(f"{header}\n{translated.text}")
            else:
                header = self.renderer.message(
                    "concern", "staff_note", locales, reference=reference, language=written_in
                )
                parts.append(f"{header}\n{note}")
        return parts

    def _text_parent(
        self,
        tx: Tx,
        concern: dict[str, Any],
        contact: Contact | None,
        texts: list[str],
        locale: str,
        purpose: str,
    ) -> None:
        if contact is None or contact.opted_out:
            return  # opted out: the history says what staff did; nothing is texted
        batch = uuid.uuid4().hex[:12]
        for number, body in enumerate(pack_messages(texts)):
            tx.enqueue(
                key=f"concern:{concern['reference']}:{purpose}:{batch}:{number}",
                to_address=contact.phone,
                body=body,
                contact_id=contact.id,
                locale=locale,
                priority=0,
            )

    def _start_survey(self, tx: Tx, contact: Contact, reference: str, locales: tuple[str, str]) -> list[str]:
        saved = tx.load_session(contact.id)
        state = saved[0] if saved else engine.idle_state()
        state = {**state, "values": {**state.get("values", {}), "survey_reference": reference}}
        result = engine.start(self.flows, state, "concern_survey")
        tx.save_session(contact.id, result.state)
        return [self.renderer.render(text, locales) for text in result.texts]

    def _queue_alert(self, tx: Tx, reference: str) -> None:
        queue_alert(tx, self.config.concerns_channel, reference)

    def _evidence(self, tx: Tx, concern: dict[str, Any], fact: EvidenceFact) -> None:
        tx.add_evidence(
            fact, contact_id=concern["contact_id"], school_id=concern["school_id"], locale=concern["locale"]
        )

    def _category_label(self, category: str, locales: tuple[str | None, ...]) -> str:
        return self.renderer.message("concern", f"category_{category}", locales)

    def _resolution_text(self, resolution: str | None, locales: tuple[str | None, ...]) -> str:
        if not resolution:
            return ""
        return self.renderer.message("concern", f"resolution_{resolution}", locales)

    def _translate_description(self, concern: dict[str, Any], school: SchoolData) -> None:
        if concern["description_translation"] or not concern["description"]:
            return
        translated = translate_or_none(
            self.translator, concern["description"], target=school.default_locale, source=concern["locale"]
        )
        if translated is None:
            return
        with self.store.transaction() as tx:
            tx.update_concern(
                concern["id"],
                description_translation=translated.text,
                translation_provider=translated.provider,
            )

    def _view(self, tx: Tx, concern: dict[str, Any]) -> ConcernView:
        contact = tx.contact(concern["contact_id"])
        history = tuple(
            ConcernEventView(kind, actor, detail, at)
            for kind, actor, detail, at in tx.concern_events(concern["id"])
        )
        return ConcernView(
            reference=concern["reference"],
            category=concern["category"],
            locale=concern["locale"],
            status=concern["status"],
            received_at=concern["created_at"],
            phone_masked=mask_phone(contact.phone if contact else None),
            description=concern["description"],
            description_translation=concern["description_translation"],
            translation_provider=concern["translation_provider"],
            share_student=concern["share_student"],
            student_info=concern["student_info"],
            contact_preference=concern["contact_preference"],
            contact_window=concern["contact_window"],
            owner=concern["owner"],
            acknowledged_by=concern["acknowledged_by"],
            acknowledged_at=concern["acknowledged_at"],
            resolved_by=concern["resolved_by"],
            resolved_at=concern["resolved_at"],
            resolution_category=concern["resolution_category"],
            resolution_note=concern["resolution_note"],
            alert_channel=concern["alert_channel"],
            alert_ts=concern["alert_ts"],
            history=history,
        )


def _check_note(note: str | None) -> None:
    if note is not None and len(note) > NOTE_MAX_CHARS:
        limit, length = f"{NOTE_MAX_CHARS:,}", f"{len(note):,}"
        raise ConcernStateError(f"a note can be at most {limit} characters (this one has {length})")


def queue_alert(tx: Tx, channel: str, reference: str) -> None:
    """Queue a post (or redraw, from the row as it is now) of a concern's Slack alert."""
    tx.enqueue(
        key=f"slack-alert:{reference}:{uuid.uuid4().hex}",
        to_address=channel,
        body=alert_body(reference),
        contact_id=None,
        channel="slack",
    )
