"""The volunteer program: opportunities from a file, parents' sign-ups and waitlists, staff rosters.

A place is taken under a lock on the shift row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
BEGIN IMMEDIATE serializes writers), so two parents asking for the last place at once get one
place and one waitlist spot. A freed place is offered to the first parent waiting, who has
`offer_hours` to take it before the next one is asked (`expire_offers`, run by the scheduler and
lazily when parents look at shifts).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import Contact, EvidenceFact, Reminder
from bot.engine import engine
from bot.engine.engine import ActionResult, Option
from bot.engine.loader import FlowSet
from bot.i18n.formatting import local_datetime
from bot.i18n.keywords import KeywordTable, normalize
from bot.i18n.render import Renderer
from bot.services.actions import Action, ActionContext
from bot.services.phones import mask_phone
from bot.services.quiet_hours import QuietHours
from bot.services.reminders import ReminderService
from bot.services.schools import SchoolDirectory
from bot.services.volunteer_file import load_volunteer_file, shift_key
from bot.services.volunteer_types import (
    KNOWN_REQUIREMENTS,
    SKILLS,
    TIMES,
    TRAINING,
    LoadReport,
    Roster,
    RosterEntry,
    ShiftView,
    VolunteerError,
)
from bot.store import Store, Tx

log = logging.getLogger(__name__)

REMINDER_KIND = "shift"
FLOW = "volunteer"
NUMBERS = re.compile(r"\d+")
MINE, PROFILE = "mine", "profile"
# "Yes" to an offered place, beyond 1 and each language's START words (which include yes, sí, да, oo, có):
# the short yes of the languages whose START words do not mean yes. Compared after keywords.normalize.
YES_WORDS = frozenset(
    {"yes", "si", "ok", "okay", "네", "예", "是", "是的", "好", "好的", "այո", "بله", "آره", "نعم"}
)


@dataclass(frozen=True)
class VolunteerConfig:
    """How long an offered place is held, how many shifts a list shows, and the quiet hours."""

    zone: ZoneInfo
    offer_hours: float = 24.0
    max_listed: int = 4
    quiet: QuietHours | None = None


@dataclass(frozen=True)
class SignupResult:
    """What asking for a place gave: confirmed, waitlisted (with the place in line), already or gone."""

    outcome: str
    signup_id: int | None = None
    position: int | None = None
    skill_match: bool = False


class VolunteerService:
    """Volunteer opportunities, sign-ups, waitlist offers, rosters and shift reminders."""

    def __init__(
        self,
        *,
        store: Store,
        flow_set: FlowSet,
        renderer: Renderer,
        schools: SchoolDirectory,
        keywords: KeywordTable,
        config: VolunteerConfig,
        reminders: ReminderService | None = None,
    ) -> None:
        self.store = store
        self.flows = flow_set.flows
        self.renderer = renderer
        self.schools = schools
        self.keywords = keywords
        self.config = config
        self.reminders = reminders

    # Loading and editing (CLI) -------------------------------------------------------------

    def load(self, path: Path, now: datetime | None = None) -> LoadReport:
        """Load or update opportunities and shifts from a YAML file (idempotent by key)."""
        spec = load_volunteer_file(path)
        moment = now or datetime.now(UTC)
        today = moment.astimezone(self.config.zone).date()
        created = updated = planned = 0
        with self.store.transaction() as tx:
            school = self.schools.current(tx)
            for opportunity in spec.opportunities:
                row, new = tx.upsert_opportunity(
                    opportunity.key,
                    school_id=school.id,
                    titles=opportunity.title,
                    descriptions=opportunity.description,
                    location=opportunity.location,
                    capacity=opportunity.capacity,
                    skills=list(opportunity.skills),
                    requirements=list(opportunity.requirements),
                    supervisor=opportunity.supervisor,
                    reminder_minutes=list(opportunity.reminders),
                    status="active",
                )
                created, updated = created + new, updated + (not new)
                for index, shift in enumerate(opportunity.shifts):
                    starts, ends = shift.moments(self.config.zone, today)
                    shift_row, moved = tx.upsert_shift(
                        row["id"],
                        shift_key(opportunity, index),
                        starts_at=starts.astimezone(UTC),
                        ends_at=ends.astimezone(UTC),
                        capacity=shift.capacity,
                    )
                    if moved or new:
                        planned += self._plan_reminders(tx, shift_row, row)
                    self._fill_from_waitlist(tx, shift_row["id"], moment)
        return LoadReport(created, updated, planned)

    def edit_shift(
        self,
        shift_id: int,
        *,
        capacity: int | None = None,
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
        location: str | None = None,
        supervisor: str | None = None,
        cancel: bool = False,
        now: datetime | None = None,
    ) -> ShiftView:
        """Change a shift (or its opportunity's location or supervisor); a cancellation is texted."""
        moment = now or datetime.now(UTC)
        with self.store.transaction() as tx:
            shift = self._require_shift(tx, shift_id, for_update=True)
            opportunity = tx.opportunity(shift["opportunity_id"]) or {}
            changes: dict[str, Any] = {}
            if capacity is not None:
                if capacity < 1:
                    raise VolunteerError("capacity must be at least 1")
                changes["capacity"] = capacity
            new_start = starts_at or shift["starts_at"]
            new_end = ends_at or (new_start + (shift["ends_at"] - shift["starts_at"]))
            if new_end <= new_start:
                raise VolunteerError("the shift must end after it starts")
            if new_start != shift["starts_at"] or new_end != shift["ends_at"]:
                changes.update(starts_at=new_start, ends_at=new_end, version=shift["version"] + 1)
            if cancel and shift["status"] != "cancelled":
                changes["status"] = "cancelled"
            if changes:
                tx.update_shift(shift_id, **changes)
            fields = {"location": location, "supervisor": supervisor}
            if any(value is not None for value in fields.values()):
                tx.update_opportunity(opportunity["id"], **{k: v for k, v in fields.items() if v is not None})
            shift = self._require_shift(tx, shift_id)
            opportunity = tx.opportunity(shift["opportunity_id"]) or {}
            if changes.get("status") == "cancelled":
                self._cancel_shift(tx, shift, opportunity)
            else:
                if "version" in changes:
                    self._plan_reminders(tx, shift, opportunity)
                self._fill_from_waitlist(tx, shift_id, moment)
            return self._shift_view(tx, shift, opportunity)

    # Parent side: the flow's actions -------------------------------------------------------

    def actions(self) -> dict[str, Action]:
        """The flow actions this service provides (flows/volunteer.yaml)."""
        return {
            "volunteer.open": self._open,
            "volunteer.save_profile": self._save_profile,
            "volunteer.list": self._list,
            "volunteer.pick": self._pick,
            "volunteer.signup": self._signup,
            "volunteer.mine": self._mine,
            "volunteer.pick_mine": self._pick_mine,
            "volunteer.cancel": self._cancel,
            "volunteer.answer_offer": self._answer_offer,
        }

    def _open(self, ctx: ActionContext) -> ActionResult:
        """A parent without a profile is asked about skills and times first."""
        profile = ctx.tx.volunteer_profile(ctx.contact.id)
        return ActionResult(outcome="new" if profile is None else None)

    def _save_profile(self, ctx: ActionContext) -> ActionResult:
        skills = _picked(str(ctx.values.get("skills_text") or ""), SKILLS)
        times = _picked(str(ctx.values.get("times_text") or ""), TIMES)
        ctx.tx.save_volunteer_profile(ctx.contact.id, skills=skills, times=times)
        ctx.record("3D", "skills_profile", ",".join(skills) or "none", float(len(skills)))
        return ActionResult(clear=("skills_text", "times_text"))

    def _list(self, ctx: ActionContext) -> ActionResult:
        now = datetime.now(UTC)
        self._expire(ctx.tx, now)
        profile = ctx.tx.volunteer_profile(ctx.contact.id) or {}
        shifts = ctx.tx.shifts_from(now)
        counts = ctx.tx.shift_counts([s["id"] for s in shifts])
        opportunities = {o["id"]: o for o in ctx.tx.opportunities() if o["status"] == "active"}
        mine = {s["shift_id"] for s in ctx.tx.signups_of_contact(ctx.contact.id, now)}
        listed = []
        for shift in shifts:
            opportunity = opportunities.get(shift["opportunity_id"])
            if opportunity is None or shift["id"] in mine:
                continue
            held, _waiting = counts[shift["id"]]
            has_room = held < _capacity(shift, opportunity)
            score = self._fit(profile, opportunity, shift)
            listed.append((not has_room, -score, shift["starts_at"], shift, opportunity, has_room))
        listed.sort(key=lambda item: item[:3])
        options = []
        for _full, _score, _starts, shift, opportunity, has_room in listed[: self.config.max_listed]:
            values = {"title": self._title(opportunity, ctx.locale), "when": self._when(shift, ctx.locale)}
            label = ctx.message("volunteer", "option_open" if has_room else "option_full", **values)
            options.append(Option(label, f"shift:{shift['id']}"))
        options.append(Option(ctx.message("volunteer", "option_mine"), MINE))
        options.append(Option(ctx.message("volunteer", "option_profile"), PROFILE))
        return ActionResult(outcome=None if len(options) > 2 else "none", options=tuple(options))

    def _pick(self, ctx: ActionContext) -> ActionResult:
        choice = str(ctx.values.get("choice") or "")
        if choice in (MINE, PROFILE):
            return ActionResult(outcome=choice)
        shift_id = _shift_id(choice)
        shift = ctx.tx.shift(shift_id) if shift_id else None
        now = datetime.now(UTC)
        if shift is None or shift["status"] != "scheduled" or shift["starts_at"] <= now:
            return ActionResult(outcome="gone")
        existing = ctx.tx.volunteer_signup(shift["id"], ctx.contact.id)
        if existing is not None and existing["status"] != "cancelled":
            return ActionResult(outcome="already")
        opportunity = ctx.tx.opportunity(shift["opportunity_id"]) or {}
        held, _ = ctx.tx.shift_counts([shift["id"]])[shift["id"]]
        values = {
            "shift_id": shift["id"],
            "title": self._title(opportunity, ctx.locale),
            "when": self._when(shift, ctx.locale),
            "where": opportunity.get("location") or "",
        }
        full = held >= _capacity(shift, opportunity)
        return ActionResult(outcome="full" if full else "open", values=values)

    def _signup(self, ctx: ActionContext) -> ActionResult:
        shift_id = int(ctx.values.get("shift_id") or 0)
        result = self._take_place(ctx.tx, shift_id, ctx.contact, ctx.locale, datetime.now(UTC))
        clear = ("shift_id",)
        if result.outcome in ("already", "gone"):
            return ActionResult(outcome=result.outcome, clear=clear)
        ctx.record("3B", "volunteer_signup", result.outcome)
        ctx.record("3D", "skill_match", value=1.0 if result.skill_match else 0.0)
        if result.outcome == "waitlisted":
            return ActionResult(outcome="waitlisted", values={"position": result.position}, clear=clear)
        needs = self._needs(ctx.tx, shift_id, ctx.contact.id, (ctx.locale, ctx.school.default_locale))
        outcome = "confirmed_needs" if needs else "confirmed"
        return ActionResult(outcome=outcome, values={"needs": needs}, clear=clear)

    def _mine(self, ctx: ActionContext) -> ActionResult:
        now = datetime.now(UTC)
        self._expire(ctx.tx, now)
        options = []
        for signup in ctx.tx.signups_of_contact(ctx.contact.id, now):
            shift = ctx.tx.shift(signup["shift_id"]) or {}
            opportunity = ctx.tx.opportunity(shift["opportunity_id"]) or {}
            values: dict[str, Any] = {
                "title": self._title(opportunity, ctx.locale),
                "when": self._when(shift, ctx.locale),
            }
            if signup["status"] == "waitlisted":
                values["position"] = ctx.tx.waitlist_ahead(shift["id"], signup["position"] or 0)
            label = ctx.message("volunteer", f"mine_{signup['status']}", **values)
            options.append(Option(label, f"signup:{signup['id']}"))
        return ActionResult(outcome=None if options else "none", options=tuple(options))

    def _pick_mine(self, ctx: ActionContext) -> ActionResult:
        signup_id = _shift_id(str(ctx.values.get("choice") or ""), prefix="signup:")
        signup = ctx.tx.volunteer_signup_by_id(signup_id) if signup_id else None
        if signup is None or signup["contact_id"] != ctx.contact.id or signup["status"] == "cancelled":
            return ActionResult(outcome="gone")
        shift = ctx.tx.shift(signup["shift_id"]) or {}
        opportunity = ctx.tx.opportunity(shift["opportunity_id"]) or {}
        values = {
            "signup_id": signup["id"],
            "title": self._title(opportunity, ctx.locale),
            "when": self._when(shift, ctx.locale),
        }
        if signup["status"] == "offered" and signup["offered_until"]:
            values["until"] = local_datetime(signup["offered_until"], ctx.locale, self.config.zone)
            return ActionResult(outcome="offered", values=values)
        return ActionResult(values=values)

    def _cancel(self, ctx: ActionContext) -> ActionResult:
        signup_id = int(ctx.values.get("signup_id") or 0)
        signup = ctx.tx.volunteer_signup_by_id(signup_id) if signup_id else None
        clear = ("signup_id",)
        if signup is None or signup["contact_id"] != ctx.contact.id or signup["status"] == "cancelled":
            return ActionResult(outcome="gone", clear=clear)
        self._cancel_signup(ctx.tx, signup, datetime.now(UTC))
        ctx.record("3B", "volunteer_cancelled", signup["status"])
        return ActionResult(clear=clear)

    def _answer_offer(self, ctx: ActionContext) -> ActionResult:
        answer = str(ctx.values.get("offer_answer") or "").strip()
        signup_id = int(ctx.values.get("signup_id") or 0)
        now = datetime.now(UTC)
        signup = ctx.tx.volunteer_signup_by_id(signup_id) if signup_id else None
        clear = ("offer_answer",)
        if signup is None or signup["contact_id"] != ctx.contact.id:
            return ActionResult(outcome="expired", clear=clear)
        if signup["status"] == "offered" and signup["offered_until"] and signup["offered_until"] <= now:
            self._expire(ctx.tx, now)
            signup = ctx.tx.volunteer_signup_by_id(signup_id) or signup
        if signup["status"] != "offered":
            return ActionResult(
                outcome="confirmed" if signup["status"] == "confirmed" else "expired", clear=clear
            )
        yes = answer == "1" or normalize(answer) in YES_WORDS or self.keywords.command(answer) == "start"
        no = answer == "2"
        if not (yes or no):
            return ActionResult(outcome="unclear", clear=clear)
        shift = self._require_shift(ctx.tx, signup["shift_id"], for_update=True)
        if no:
            self._cancel_signup(ctx.tx, signup, now)
            ctx.record("3B", "offer_declined")
            return ActionResult(outcome="declined", clear=(*clear, "signup_id"))
        ctx.tx.update_volunteer_signup(signup["id"], status="confirmed", offered_until=None, position=None)
        ctx.record("3B", "offer_accepted", ctx.locale)
        needs = self._needs(ctx.tx, shift["id"], ctx.contact.id, (ctx.locale, ctx.school.default_locale))
        return ActionResult(
            outcome="accepted_needs" if needs else "accepted",
            values={"needs": needs},
            clear=(*clear, "signup_id"),
        )

    # Taking and freeing places ------------------------------------------------------------

    def sign_up(self, shift_id: int, contact_id: int, locale: str | None = None) -> SignupResult:
        """Ask for a place in its own transaction (the flow does the same inside a parent's turn)."""
        with self.store.transaction() as tx:
            contact = tx.contact(contact_id)
            if contact is None:
                raise VolunteerError(f"no contact {contact_id}")
            language = locale or contact.locale or "en"
            result = self._take_place(tx, shift_id, contact, language, datetime.now(UTC))
            if result.outcome in ("confirmed", "waitlisted"):
                for fact in (
                    EvidenceFact("3B", "volunteer_signup", detail=result.outcome),
                    EvidenceFact("3D", "skill_match", value=1.0 if result.skill_match else 0.0),
                ):
                    tx.add_evidence(fact, contact_id=contact_id, school_id=contact.school_id, locale=language)
            return result

    def _take_place(
        self, tx: Tx, shift_id: int, contact: Contact, locale: str, now: datetime
    ) -> SignupResult:
        shift = tx.shift(shift_id, for_update=True)  # the lock that makes the last place go once
        if shift is None or shift["status"] != "scheduled" or shift["starts_at"] <= now:
            return SignupResult("gone")
        existing = tx.volunteer_signup(shift_id, contact.id)
        if existing is not None and existing["status"] != "cancelled":
            return SignupResult("already", existing["id"])
        opportunity = tx.opportunity(shift["opportunity_id"]) or {}
        profile = tx.volunteer_profile(contact.id) or {}
        matched = bool(set(profile.get("skills") or ()) & set(opportunity.get("skills") or ()))
        held, _ = tx.shift_counts([shift_id])[shift_id]
        full = held >= _capacity(shift, opportunity)
        fields: dict[str, Any] = {
            "status": "waitlisted" if full else "confirmed",
            "position": tx.next_waitlist_position(shift_id) if full else None,
            "offered_until": None,
            "skill_match": matched,
            "locale": locale,
            "requirements_met": list(profile.get("requirements_met") or ()),
        }
        if existing is not None:  # signing up again after cancelling
            tx.update_volunteer_signup(existing["id"], **fields)
            signup_id = existing["id"]
        else:
            signup_id = tx.add_volunteer_signup(shift_id=shift_id, contact_id=contact.id, **fields)["id"]
        position = tx.waitlist_ahead(shift_id, fields["position"]) if full else None
        return SignupResult(fields["status"], signup_id, position, matched)

    def _cancel_signup(self, tx: Tx, signup: dict[str, Any], now: datetime) -> None:
        tx.shift(signup["shift_id"], for_update=True)
        tx.update_volunteer_signup(signup["id"], status="cancelled", offered_until=None)
        if signup["status"] in ("confirmed", "offered"):
            self._fill_from_waitlist(tx, signup["shift_id"], now)

    def _fill_from_waitlist(self, tx: Tx, shift_id: int, now: datetime) -> int:
        """Offer every free place to the next parent waiting; returns how many were offered."""
        shift = tx.shift(shift_id, for_update=True)
        if shift is None or shift["status"] != "scheduled" or shift["starts_at"] <= now:
            return 0
        opportunity = tx.opportunity(shift["opportunity_id"]) or {}
        offered = 0
        while True:
            held, _ = tx.shift_counts([shift_id])[shift_id]
            if held >= _capacity(shift, opportunity):
                return offered
            waiting = tx.first_waitlisted(shift_id)
            if waiting is None:
                return offered
            self._offer(tx, waiting, shift, opportunity, now)
            offered += 1

    def _offer(
        self,
        tx: Tx,
        signup: dict[str, Any],
        shift: dict[str, Any],
        opportunity: dict[str, Any],
        now: datetime,
    ) -> None:
        contact = tx.contact(signup["contact_id"])
        send_at = self._outside_quiet_hours(now)
        until = min(send_at + timedelta(hours=self.config.offer_hours), shift["starts_at"])
        tx.update_volunteer_signup(signup["id"], status="offered", offered_until=until)
        if contact is None or contact.opted_out:
            return  # the place is held until the window closes, then goes to the next parent
        school = self.schools.current(tx, contact.school_id)
        locale = contact.locale or signup["locale"] or school.data.default_locale
        values = {
            "signup_id": signup["id"],
            "title": self._title(opportunity, locale),
            "when": self._when(shift, locale),
            "until": local_datetime(until, locale, self.config.zone),
        }
        saved = tx.load_session(contact.id)
        state = saved[0] if saved else engine.idle_state()
        state = {**state, "values": {**state.get("values", {}), **values}}
        result = engine.start(self.flows, state, FLOW, "offer")
        tx.save_session(contact.id, result.state)
        locales = (locale, school.data.default_locale)
        for number, text in enumerate(result.texts):
            tx.enqueue(
                key=f"volunteer-offer:{signup['id']}:{until.isoformat()}:{number}",
                to_address=contact.phone,
                body=self.renderer.render(text, locales),
                contact_id=contact.id,
                locale=locale,
                priority=0,
                not_before=send_at,
            )
        tx.add_evidence(
            EvidenceFact("3B", "waitlist_promoted", detail=f"shift:{shift['id']}"),
            contact_id=contact.id,
            school_id=contact.school_id,
            locale=locale,
        )

    def expire_offers(self, now: datetime | None = None) -> int:
        """Pass every offer whose time ran out to the next parent waiting (the scheduler's job)."""
        with self.store.transaction() as tx:
            return self._expire(tx, now or datetime.now(UTC))

    def _expire(self, tx: Tx, now: datetime) -> int:
        expired = tx.expired_offers(now)
        for signup in expired:
            tx.shift(signup["shift_id"], for_update=True)
            tx.update_volunteer_signup(signup["id"], status="cancelled", offered_until=None)
            self._tell(tx, signup, "offer_expired", now)
            self._fill_from_waitlist(tx, signup["shift_id"], now)
        return len(expired)

    def _cancel_shift(self, tx: Tx, shift: dict[str, Any], opportunity: dict[str, Any]) -> None:
        if self.reminders is not None:
            self.reminders.cancel(tx, kind=REMINDER_KIND, ref_id=shift["id"])
        now = datetime.now(UTC)
        for signup in tx.shift_signups(shift["id"]):
            if signup["status"] in ("confirmed", "offered", "waitlisted"):
                tx.update_volunteer_signup(signup["id"], status="cancelled", offered_until=None)
                self._tell(tx, signup, "shift_cancelled", now)

    def _tell(self, tx: Tx, signup: dict[str, Any], message_id: str, now: datetime) -> None:
        contact = tx.contact(signup["contact_id"])
        shift = tx.shift(signup["shift_id"])
        if contact is None or contact.opted_out or shift is None:
            return
        opportunity = tx.opportunity(shift["opportunity_id"]) or {}
        school = self.schools.current(tx, contact.school_id)
        locale = contact.locale or signup["locale"] or school.data.default_locale
        body = self.renderer.message(
            "volunteer",
            message_id,
            (locale, school.data.default_locale),
            title=self._title(opportunity, locale),
            when=self._when(shift, locale),
        )
        tx.enqueue(
            key=f"volunteer-{message_id}:{signup['id']}:{now.isoformat()}",
            to_address=contact.phone,
            body=body,
            contact_id=contact.id,
            locale=locale,
            priority=0,
            not_before=self._outside_quiet_hours(now),
        )

    # Reminders --------------------------------------------------------------------------

    def send_reminder(self, tx: Tx, reminder: Reminder) -> int | None:
        """Queue a shift's reminder to each confirmed volunteer; None when the shift is gone or changed."""
        shift = tx.shift(reminder.ref_id)
        if shift is None or shift["status"] != "scheduled" or shift["version"] != reminder.ref_version:
            return None
        opportunity = tx.opportunity(shift["opportunity_id"]) or {}
        sent = 0
        for signup in tx.shift_signups(shift["id"]):
            if signup["status"] != "confirmed":
                continue
            contact = tx.contact(signup["contact_id"])
            if contact is None or contact.opted_out:
                continue
            school = self.schools.current(tx, contact.school_id)
            locale = contact.locale or signup["locale"] or school.data.default_locale
            body = self.renderer.message(
                "volunteer",
                "reminder",
                (locale, school.data.default_locale),
                title=self._title(opportunity, locale),
                when=self._when(shift, locale),
                where=opportunity.get("location") or "",
            )
            queued = tx.enqueue(
                key=f"reminder:{reminder.id}:{contact.id}",
                to_address=contact.phone,
                body=body,
                contact_id=contact.id,
                locale=locale,
                priority=1,
                campaign=f"reminder:{reminder.id}",
            )
            sent += int(queued)
        return sent

    def _plan_reminders(self, tx: Tx, shift: dict[str, Any], opportunity: dict[str, Any]) -> int:
        if self.reminders is None:
            return 0
        planned = self.reminders.plan(
            tx,
            kind=REMINDER_KIND,
            ref_id=shift["id"],
            version=shift["version"],
            starts_at=shift["starts_at"],
            minutes_before=list(opportunity.get("reminder_minutes") or ()),
        )
        return len(planned)

    # Staff side ---------------------------------------------------------------------------

    def upcoming(self, now: datetime | None = None) -> list[ShiftView]:
        """Upcoming shifts with places filled and waitlist length, soonest first."""
        moment = now or datetime.now(UTC)
        with self.store.transaction() as tx:
            self._expire(tx, moment)
            shifts = tx.shifts_from(moment)
            opportunities = {o["id"]: o for o in tx.opportunities()}
            counts = tx.shift_counts([s["id"] for s in shifts])
            return [
                self._shift_view(tx, shift, opportunities[shift["opportunity_id"]], counts[shift["id"]])
                for shift in shifts
            ]

    def roster(self, shift_id: int, *, full_phones: bool = False) -> Roster:
        """Who is coming to a shift and who waits: names only if given, phones masked unless asked."""
        with self.store.transaction() as tx:
            shift = self._require_shift(tx, shift_id)
            opportunity = tx.opportunity(shift["opportunity_id"]) or {}
            required = tuple(opportunity.get("requirements") or ())
            entries = []
            for signup in tx.shift_signups(shift_id):
                met = tuple(r for r in required if r in (signup["requirements_met"] or ()))
                entries.append(
                    RosterEntry(
                        signup_id=signup["id"],
                        name=signup["name"] or None,
                        phone=signup["phone"] if full_phones else mask_phone(signup["phone"]),
                        locale=signup["contact_locale"] or signup["locale"],
                        status=signup["status"],
                        position=signup["position"] if signup["status"] == "waitlisted" else None,
                        requirements_met=met,
                        requirements_missing=tuple(r for r in required if r not in met),
                        hours=signup["hours"],
                    )
                )
            return Roster(self._shift_view(tx, shift, opportunity), tuple(entries))

    def mark_attendance(self, signup_id: int, attended: bool, actor: str) -> Roster:
        """Record that a volunteer came (hours, 3E) or not; the shift's fill rate is noted once (3D)."""
        now = datetime.now(UTC)
        with self.store.transaction() as tx:
            signup = self._require_signup(tx, signup_id)
            if signup["status"] not in ("confirmed", "attended", "no_show"):
                raise VolunteerError(f"sign-up {signup_id} is {signup['status']}, not on the shift")
            shift = self._require_shift(tx, signup["shift_id"], for_update=True)
            hours = (
                round((shift["ends_at"] - shift["starts_at"]).total_seconds() / 3600, 2) if attended else 0.0
            )
            tx.update_volunteer_signup(
                signup_id,
                status="attended" if attended else "no_show",
                hours=hours,
                note=f"marked by {actor}",
            )
            contact = tx.contact(signup["contact_id"])
            school_id = contact.school_id if contact else None
            if attended and signup["status"] != "attended":
                tx.add_evidence(
                    EvidenceFact("3E", "volunteer_hours", hours, f"shift:{shift['id']}"),
                    contact_id=signup["contact_id"],
                    school_id=school_id,
                    locale=signup["locale"],
                )
            if shift["attendance_recorded_at"] is None:
                opportunity = tx.opportunity(shift["opportunity_id"]) or {}
                held, _ = tx.shift_counts([shift["id"]])[shift["id"]]
                rate = round(held / _capacity(shift, opportunity), 3)
                tx.add_evidence(
                    EvidenceFact("3D", "fill_rate", rate, f"opportunity:{opportunity.get('id')}"),
                    contact_id=None,
                    school_id=opportunity.get("school_id"),
                    locale=None,
                )
                tx.update_shift(shift["id"], attendance_recorded_at=now)
            shift_id = shift["id"]
        return self.roster(shift_id)

    def mark_requirement(self, signup_id: int, requirement: str, actor: str) -> Roster:
        """Record, as staff reported it, that a volunteer met a requirement (3C); never the details."""
        with self.store.transaction() as tx:
            signup = self._require_signup(tx, signup_id)
            shift = self._require_shift(tx, signup["shift_id"])
            opportunity = tx.opportunity(shift["opportunity_id"]) or {}
            if requirement not in (opportunity.get("requirements") or ()):
                raise VolunteerError(f"{requirement!r} is not a requirement of this opportunity")
            met = list(signup["requirements_met"] or ())
            if requirement not in met:
                tx.update_volunteer_signup(signup_id, requirements_met=[*met, requirement])
                profile = tx.volunteer_profile(signup["contact_id"]) or {}
                known = list(profile.get("requirements_met") or ())
                if requirement not in known:
                    tx.save_volunteer_profile(signup["contact_id"], requirements_met=[*known, requirement])
                contact = tx.contact(signup["contact_id"])
                where = {
                    "contact_id": signup["contact_id"],
                    "school_id": contact.school_id if contact else None,
                    "locale": signup["locale"],
                }
                tx.add_evidence(EvidenceFact("3C", "requirement_met", detail=requirement), **where)
                if requirement == TRAINING:
                    tx.add_evidence(EvidenceFact("3C", "training_completed", detail=requirement), **where)
                log.info("requirement %s met for sign-up %s (marked by %s)", requirement, signup_id, actor)
        return self.roster(signup["shift_id"])

    # Internals -----------------------------------------------------------------------------

    def _require_shift(self, tx: Tx, shift_id: int, *, for_update: bool = False) -> dict[str, Any]:
        shift = tx.shift(shift_id, for_update=for_update)
        if shift is None:
            raise VolunteerError(f"no shift {shift_id}")
        return shift

    def _require_signup(self, tx: Tx, signup_id: int) -> dict[str, Any]:
        signup = tx.volunteer_signup_by_id(signup_id)
        if signup is None:
            raise VolunteerError(f"no sign-up {signup_id}")
        return signup

    def _shift_view(
        self,
        tx: Tx,
        shift: dict[str, Any],
        opportunity: dict[str, Any],
        counts: tuple[int, int] | None = None,
    ) -> ShiftView:
        held, waiting = counts or tx.shift_counts([shift["id"]])[shift["id"]]
        return ShiftView(
            id=shift["id"],
            opportunity_id=opportunity.get("id", 0),
            title=(opportunity.get("titles") or {}).get("en", opportunity.get("key", "")),
            location=opportunity.get("location") or "",
            supervisor=opportunity.get("supervisor") or "",
            starts_at=shift["starts_at"],
            ends_at=shift["ends_at"],
            capacity=_capacity(shift, opportunity),
            filled=held,
            waitlisted=waiting,
            status=shift["status"],
            requirements=tuple(opportunity.get("requirements") or ()),
        )

    def _needs(self, tx: Tx, shift_id: int, contact_id: int, locales: tuple[str | None, ...]) -> str:
        """The requirements the parent still has to meet, as staff recorded them, in their language."""
        shift = tx.shift(shift_id) or {}
        opportunity = tx.opportunity(shift.get("opportunity_id", 0)) or {}
        profile = tx.volunteer_profile(contact_id) or {}
        met = set(profile.get("requirements_met") or ())
        missing = [r for r in opportunity.get("requirements") or () if r not in met]
        names = [
            self.renderer.message("volunteer", f"requirement_{r}", locales) if r in KNOWN_REQUIREMENTS else r
            for r in missing
        ]
        return ", ".join(names)

    def _fit(self, profile: dict[str, Any], opportunity: dict[str, Any], shift: dict[str, Any]) -> int:
        """How well a shift fits a parent: shared skills count twice, a free time once."""
        skills = len(set(profile.get("skills") or ()) & set(opportunity.get("skills") or ()))
        times = set(profile.get("times") or ())
        return 2 * min(skills, 1) + (1 if _time_of(shift["starts_at"], self.config.zone) in times else 0)

    def _title(self, opportunity: dict[str, Any], locale: str) -> str:
        titles = opportunity.get("titles") or {}
        for code in (locale, locale.split("_")[0], "en"):
            if titles.get(code):
                return str(titles[code])
        return str(opportunity.get("key", ""))

    def _when(self, shift: dict[str, Any], locale: str) -> str:
        return local_datetime(shift["starts_at"], locale, self.config.zone)

    def _outside_quiet_hours(self, now: datetime) -> datetime:
        """Now, or the end of the quiet hours when it is night at the school."""
        return self.config.quiet.next_open(now) if self.config.quiet else now


def _capacity(shift: dict[str, Any], opportunity: dict[str, Any]) -> int:
    return int(shift.get("capacity") or opportunity.get("capacity") or 1)


def _picked(text: str, names: tuple[str, ...]) -> list[str]:
    """The names a parent picked by number ('1 3', '1,3', '1 y 3'); 0 or nothing picks none."""
    chosen = [int(n) for n in NUMBERS.findall(text)]
    return list(dict.fromkeys(names[n - 1] for n in chosen if 1 <= n <= len(names)))


def _shift_id(choice: str, prefix: str = "shift:") -> int:
    if not choice.startswith(prefix):
        return 0
    try:
        return int(choice[len(prefix) :])
    except ValueError:
        return 0


def _time_of(moment: datetime, zone: ZoneInfo) -> str:
    """The free-time bucket a local start falls in: weekends, mornings, afternoons or evenings."""
    local = moment.astimezone(zone)
    if local.weekday() >= 5:
        return "weekends"
    if local.hour < 12:
        return "mornings"
    return "afternoons" if local.hour < 17 else "evenings"
