"""The volunteer program: opportunities from a file, parents' sign-ups and waitlists, staff rosters.

A place is taken under a lock on the shift row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
BEGIN IMMEDIATE serializes writers), so two parents asking for the last place at once get one
place and one waitlist spot. A freed place is offered to the first parent waiting, who has
`offer_hours` to take it before the next one is asked (`expire_offers`, run by the scheduler and
lazily when parents look at shifts).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import utcnow
from bot.domain import Contact, EvidenceFact, Reminder
from bot.engine import engine
from bot.engine.loader import FlowSet
from bot.i18n.formatting import local_datetime
from bot.i18n.keywords import KeywordTable
from bot.i18n.render import Renderer
from bot.services.announcement_preview import AnnouncementDraft
from bot.services.phones import mask_phone
from bot.services.quiet_hours import QuietHours
from bot.services.reminders import ReminderService
from bot.services.school_data import ZoneSource, pick
from bot.services.schools import SchoolDirectory
from bot.services.volunteer_file import load_volunteer_file, shift_key
from bot.services.volunteer_types import (
    KNOWN_REQUIREMENTS,
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
ANNOUNCED_TITLES = 2  # an announcement names the first two; more would not fit three UCS-2 segments


@dataclass(frozen=True)
class VolunteerConfig:
    """How long an offered place is held, how many shifts a list shows, and the quiet hours."""

    zone: ZoneSource  # the active school's, read when needed
    offer_hours: float = 24.0
    max_listed: int = 24  # shifts in the list (the best fits first); the parent pages through with MORE
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

    def load(self, path: Path, now: datetime | None = None, *, school_id: int | None = None) -> LoadReport:
        """Load or update a school's opportunities and shifts from a YAML file (idempotent by key).

        They belong to the given school, else the active one: another school's families never see them.
        """
        moment = now or utcnow()
        created = updated = planned = 0
        with self.store.transaction() as tx:
            school = self.schools.current(tx, school_id)
            spec = load_volunteer_file(path, school.data.default_locale)
            today = moment.astimezone(school.zone).date()
            for opportunity in spec.opportunities:
                row, new = tx.upsert_opportunity(
                    school.id,
                    opportunity.key,
                    titles=opportunity.title,
                    descriptions=opportunity.description,
                    locations=opportunity.location,
                    capacity=opportunity.capacity,
                    skills=list(opportunity.skills),
                    requirements=list(opportunity.requirements),
                    supervisor=opportunity.supervisor,
                    reminder_minutes=list(opportunity.reminders),
                    status="active",
                )
                created, updated = created + new, updated + (not new)
                for index, shift in enumerate(opportunity.shifts):
                    starts, ends = shift.moments(school.zone, today)
                    shift_row, moved = tx.upsert_shift(
                        row["id"],
                        shift_key(opportunity, index),
                        starts_at=starts.astimezone(UTC),
                        ends_at=ends.astimezone(UTC),
                        capacity=shift.capacity,
                    )
                    if moved or new:
                        planned += self._plan_reminders(tx, shift_row, row)
                    if moved and not new:
                        self._tell_moved(tx, shift_row["id"], moment)
                    self._fill_from_waitlist(tx, shift_row["id"], moment)
        return LoadReport(created, updated, planned)

    def add_shift(
        self,
        opportunity_key: str,
        key: str,
        *,
        starts_at: datetime,
        ends_at: datetime,
        capacity: int | None = None,
    ) -> ShiftView:
        """Add (or move) one shift of one of the active school's opportunities, planning its reminders."""
        with self.store.transaction() as tx:
            opportunity = tx.opportunity_by_key(self.schools.current(tx).id, opportunity_key)
            if opportunity is None:
                raise VolunteerError(f"no opportunity {opportunity_key!r}")
            if ends_at <= starts_at:
                raise VolunteerError("the shift must end after it starts")
            shift, moved = tx.upsert_shift(
                opportunity["id"], key, starts_at=starts_at, ends_at=ends_at, capacity=capacity
            )
            if moved:
                self._plan_reminders(tx, shift, opportunity)
            return self._shift_view(tx, shift, opportunity)

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
        moment = now or utcnow()
        with self.store.transaction() as tx:
            shift = self.staff_shift(tx, shift_id, for_update=True)
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
            fields: dict[str, Any] = {}
            if location is not None:
                # A new place makes the old translations wrong: the default language's text until the
                # volunteer file gives the place in every language again.
                default = self.schools.current(tx).data.default_locale
                fields["locations"] = {default: location.strip()} if location.strip() else {}
            if supervisor is not None:
                fields["supervisor"] = supervisor
            if fields:
                tx.update_opportunity(opportunity["id"], **fields)
            shift = self.require_shift(tx, shift_id)
            opportunity = tx.opportunity(shift["opportunity_id"]) or {}
            if changes.get("status") == "cancelled":
                self._cancel_shift(tx, shift, opportunity)
            else:
                if "version" in changes:
                    self._plan_reminders(tx, shift, opportunity)
                    self._tell_moved(tx, shift_id, moment)
                self._fill_from_waitlist(tx, shift_id, moment)
            return self._shift_view(tx, shift, opportunity)

    def announcement(self, path: Path, send_at: datetime | None = None) -> AnnouncementDraft:
        """An announcement of a file's opportunities to every family, in each shipped language."""
        spec = load_volunteer_file(path)
        with self.store.transaction() as tx:
            school = self.schools.current(tx)
        texts = {}
        for locale in self.renderer.catalogs.available():
            shown = spec.opportunities[:ANNOUNCED_TITLES]
            titles = "; ".join(self.title({"titles": o.title, "key": o.key}, locale) for o in shown)
            texts[locale] = self.renderer.message(
                "volunteer", "announce", (locale,), school=school.data.name, titles=titles
            )
        return AnnouncementDraft(
            title="Volunteer opportunities", texts=texts, send_at=send_at, created_by="outreach volunteers"
        )

    # Taking and freeing places ------------------------------------------------------------

    def sign_up(self, shift_id: int, contact_id: int, locale: str | None = None) -> SignupResult:
        """Ask for a place in its own transaction (the flow does the same inside a parent's turn)."""
        with self.store.transaction() as tx:
            contact = tx.contact(contact_id)
            if contact is None:
                raise VolunteerError(f"no contact {contact_id}")
            language = locale or contact.locale or "en"
            result = self.take_place(tx, shift_id, contact, language, utcnow())
            if result.outcome in ("confirmed", "waitlisted"):
                for fact in (
                    EvidenceFact("3B", "volunteer_signup", detail=result.outcome),
                    EvidenceFact("3D", "skill_match", value=1.0 if result.skill_match else 0.0),
                ):
                    tx.add_evidence(fact, contact_id=contact_id, school_id=contact.school_id, locale=language)
            return result

    def take_place(self, tx: Tx, shift_id: int, contact: Contact, locale: str, now: datetime) -> SignupResult:
        """Take a place or a waitlist spot for a parent, under the shift row's lock."""
        shift = tx.shift(shift_id, for_update=True)  # the lock that makes the last place go once
        if shift is None or shift["status"] != "scheduled" or shift["starts_at"] <= now:
            return SignupResult("gone")
        existing = tx.volunteer_signup(shift_id, contact.id)
        if existing is not None and existing["status"] != "cancelled":
            return SignupResult("already", existing["id"])
        opportunity = tx.opportunity(shift["opportunity_id"]) or {}
        if contact.school_id is not None and opportunity.get("school_id") != contact.school_id:
            return SignupResult("gone")  # another school's shift is never this family's to take
        profile = tx.volunteer_profile(contact.id) or {}
        matched = bool(set(profile.get("skills") or ()) & set(opportunity.get("skills") or ()))
        held, _ = tx.shift_counts([shift_id])[shift_id]
        full = held >= capacity_of(shift, opportunity)
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

    def cancel_signup(self, tx: Tx, signup: dict[str, Any], now: datetime) -> None:
        """Cancel a sign-up; a freed place goes to the first parent waiting."""
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
            if held >= capacity_of(shift, opportunity):
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
            "title": self.title(opportunity, locale),
            "when": self.when(shift, locale),
            "until": local_datetime(until, locale, self.config.zone()),
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
            return self.expire_in(tx, now or utcnow())

    def expire_in(self, tx: Tx, now: datetime) -> int:
        """`expire_offers` inside an open transaction (the flow calls it lazily)."""
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
        now = utcnow()
        for signup in tx.shift_signups(shift["id"]):
            if signup["status"] in ("confirmed", "offered", "waitlisted"):
                tx.update_volunteer_signup(signup["id"], status="cancelled", offered_until=None)
                self._tell(tx, signup, "shift_cancelled", now)

    def _tell_moved(self, tx: Tx, shift_id: int, now: datetime) -> None:
        for signup in tx.shift_signups(shift_id):
            if signup["status"] in ("confirmed", "offered", "waitlisted"):
                self._tell(tx, signup, "shift_moved", now)

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
            title=self.title(opportunity, locale),
            when=self.when(shift, locale),
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
                title=self.title(opportunity, locale),
                when=self.when(shift, locale),
                where=self.location(opportunity, locale, school.data.default_locale),
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
        """The active school's upcoming shifts with places filled and waitlist length, soonest first."""
        moment = now or utcnow()
        with self.store.transaction() as tx:
            self.expire_in(tx, moment)
            school_id = self.schools.current(tx).id
            shifts = tx.shifts_from(school_id, moment)
            opportunities = {o["id"]: o for o in tx.opportunities(school_id)}
            counts = tx.shift_counts([s["id"] for s in shifts])
            return [
                self._shift_view(tx, shift, opportunities[shift["opportunity_id"]], counts[shift["id"]])
                for shift in shifts
            ]

    def roster(self, shift_id: int, *, full_phones: bool = False) -> Roster:
        """Who is coming to a shift and who waits: names only if given, phones masked unless asked."""
        with self.store.transaction() as tx:
            shift = self.staff_shift(tx, shift_id)
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
        now = utcnow()
        with self.store.transaction() as tx:
            signup = self._require_signup(tx, signup_id)
            if signup["status"] not in ("confirmed", "attended", "no_show"):
                raise VolunteerError(f"sign-up {signup_id} is {signup['status']}, not on the shift")
            shift = self.staff_shift(tx, signup["shift_id"], for_update=True)
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
            # A correction (attended, then "did not come") writes the hours back out, so sums stay true.
            change = hours if attended and signup["status"] != "attended" else 0.0
            if not attended and signup["status"] == "attended":
                change = -(signup["hours"] or 0.0)
            if change:
                tx.add_evidence(
                    EvidenceFact("3E", "volunteer_hours", change, f"shift:{shift['id']}"),
                    contact_id=signup["contact_id"],
                    school_id=school_id,
                    locale=signup["locale"],
                )
            if shift["attendance_recorded_at"] is None:
                opportunity = tx.opportunity(shift["opportunity_id"]) or {}
                held, _ = tx.shift_counts([shift["id"]])[shift["id"]]
                rate = round(held / capacity_of(shift, opportunity), 3)
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
            shift = self.staff_shift(tx, signup["shift_id"])
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

    def require_shift(self, tx: Tx, shift_id: int, *, for_update: bool = False) -> dict[str, Any]:
        """The shift, or VolunteerError."""
        shift = tx.shift(shift_id, for_update=for_update)
        if shift is None:
            raise VolunteerError(f"no shift {shift_id}")
        return shift

    def staff_shift(self, tx: Tx, shift_id: int, *, for_update: bool = False) -> dict[str, Any]:
        """The active school's shift, for staff; another school's id is refused like an unknown one."""
        shift = tx.shift(shift_id, for_update=for_update)
        school = self.schools.current(tx)
        if shift is None or not _belongs_to(tx, shift, school.id):
            raise VolunteerError(f"no shift {shift_id} at {school.data.name}")
        return shift

    def _require_signup(self, tx: Tx, signup_id: int) -> dict[str, Any]:
        """A sign-up on one of the active school's shifts (staff act only on their own school's)."""
        signup = tx.volunteer_signup_by_id(signup_id)
        school = self.schools.current(tx)
        shift = tx.shift(signup["shift_id"]) if signup else None
        if signup is None or shift is None or not _belongs_to(tx, shift, school.id):
            raise VolunteerError(f"no sign-up {signup_id} at {school.data.name}")
        return signup

    def _shift_view(
        self,
        tx: Tx,
        shift: dict[str, Any],
        opportunity: dict[str, Any],
        counts: tuple[int, int] | None = None,
    ) -> ShiftView:
        held, waiting = counts or tx.shift_counts([shift["id"]])[shift["id"]]
        default = self.schools.current(tx, opportunity.get("school_id")).data.default_locale
        return ShiftView(
            id=shift["id"],
            opportunity_id=opportunity.get("id", 0),
            title=(opportunity.get("titles") or {}).get("en", opportunity.get("key", "")),
            location=self.location(opportunity, default, default),
            supervisor=opportunity.get("supervisor") or "",
            starts_at=shift["starts_at"],
            ends_at=shift["ends_at"],
            capacity=capacity_of(shift, opportunity),
            filled=held,
            waitlisted=waiting,
            status=shift["status"],
            requirements=tuple(opportunity.get("requirements") or ()),
        )

    def needs(self, tx: Tx, shift_id: int, contact_id: int, locales: tuple[str | None, ...]) -> str:
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

    def fit(self, profile: dict[str, Any], opportunity: dict[str, Any], shift: dict[str, Any]) -> int:
        """How well a shift fits a parent: shared skills count twice, a free time once."""
        skills = len(set(profile.get("skills") or ()) & set(opportunity.get("skills") or ()))
        times = set(profile.get("times") or ())
        return 2 * min(skills, 1) + (1 if _time_of(shift["starts_at"], self.config.zone()) in times else 0)

    def title(self, opportunity: dict[str, Any], locale: str) -> str:
        """The opportunity's title in the parent's language, else English."""
        titles = opportunity.get("titles") or {}
        for code in (locale, locale.split("_")[0], "en"):
            if titles.get(code):
                return str(titles[code])
        return str(opportunity.get("key", ""))

    def location(self, opportunity: dict[str, Any], locale: str, default_locale: str) -> str:
        """Where the opportunity is, in the parent's language, else the school's default ("" if not given)."""
        return pick(opportunity.get("locations") or {}, locale, default_locale)

    def when(self, shift: dict[str, Any], locale: str) -> str:
        """The shift's start, in the parent's locale and the school's zone."""
        return local_datetime(shift["starts_at"], locale, self.config.zone())

    def _outside_quiet_hours(self, now: datetime) -> datetime:
        """Now, or the end of the quiet hours when it is night at the school."""
        return self.config.quiet.next_open(now) if self.config.quiet else now


def _belongs_to(tx: Tx, shift: dict[str, Any], school_id: int) -> bool:
    """Whether a shift is one of a school's (through its opportunity)."""
    opportunity = tx.opportunity(shift["opportunity_id"])
    return opportunity is not None and opportunity["school_id"] == school_id


def capacity_of(shift: dict[str, Any], opportunity: dict[str, Any]) -> int:
    """A shift's places: its own capacity, or its opportunity's."""
    return int(shift.get("capacity") or opportunity.get("capacity") or 1)


def _time_of(moment: datetime, zone: ZoneInfo) -> str:
    """The free-time bucket a local start falls in: weekends, mornings, afternoons or evenings."""
    local = moment.astimezone(zone)
    if local.weekday() >= 5:
        return "weekends"
    if local.hour < 12:
        return "mornings"
    return "afternoons" if local.hour < 17 else "evenings"
