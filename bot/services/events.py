"""School events: coordinators create and change them, parents see them and RSVP, reminders go out.

Every change is one transaction that also re-plans the event's reminders and queues what parents
must be told (a cancellation), so nothing is sent inside a transaction and nothing is lost.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot import clock
from bot.domain import EvidenceFact, Reminder
from bot.engine.engine import ActionResult, Option
from bot.i18n.fit import cut_at_word
from bot.i18n.formatting import local_datetime
from bot.i18n.render import Renderer
from bot.services.actions import Action, ActionContext
from bot.services.audience import matches
from bot.services.event_file import EventFileError, load_events_file
from bot.services.event_types import (
    ANSWERS,
    COMMITTEE_KINDS,
    KINDS,
    EventNotFound,
    EventPassed,
    EventSpec,
    EventStateError,
    EventView,
    ReminderView,
    evidence_indicator,
)
from bot.services.phones import normalize_phone
from bot.services.pulses import PulseService
from bot.services.reminders import ReminderService
from bot.services.school_data import ZoneSource, pick
from bot.services.schools import ActiveSchool, SchoolDirectory
from bot.store import Store, Tx
from bot.understanding.titles import match_titles

log = logging.getLogger(__name__)

REMINDER_KIND = "event"
LIST_LIMIT = 24  # events in the list, soonest first; the parent pages through them with MORE
TITLE_MAX = 48
DETAILS_MAX = 600  # the flow shortens what does not fit, at a sentence or word, and MORE shows it
EDITABLE = frozenset(
    {
        "kind",
        "titles",
        "descriptions",
        "locations",
        "starts_at",
        "ends_at",
        "audience",
        "rsvp",
        "reminder_minutes",
    }
)


@dataclass(frozen=True)
class EventConfig:
    """The school's time zone, in which coordinators write times and parents read them (read when needed)."""

    zone: ZoneSource


class EventService:
    """Events for coordinators (CLI, Slack) and parents (the events flow), and their reminders."""

    def __init__(
        self,
        *,
        store: Store,
        reminders: ReminderService,
        renderer: Renderer,
        schools: SchoolDirectory,
        config: EventConfig,
        pulses: PulseService | None = None,
    ) -> None:
        self.store = store
        self.reminders = reminders
        self.renderer = renderer
        self.schools = schools
        self.config = config
        self.pulses = pulses

    # Coordinators ---------------------------------------------------------------------

    def save(self, spec: EventSpec, actor: str = "cli", now: datetime | None = None) -> tuple[EventView, str]:
        """Create the event or update the one with its key; says created, updated, unchanged or cancelled.

        A new event, or a new start, that has already passed is refused (`EventPassed`).
        """
        _check(spec)
        with self.store.transaction() as tx:
            school = self.schools.current(tx)
            key = spec.key or f"event-{uuid.uuid4().hex[:12]}"
            existing = tx.event_by_key(school.id, key, for_update=True)
            why = _passed(spec, existing, school, now or clock.utcnow())
            if why and (existing is None or existing["status"] != "cancelled"):
                raise EventPassed(why)
            if existing is None:
                event = tx.add_event(
                    key=key,
                    school_id=school.id,
                    status="scheduled",
                    version=1,
                    created_by=actor,
                    **spec.columns(),
                )
                self._plan(tx, event)
                return self._view(tx, event["id"]), "created"
            if existing["status"] == "cancelled":
                return self._view(
                    tx, existing["id"]
                ), "cancelled"  # stays cancelled; a new key makes a new one
            changed = _changes(existing, spec.columns())
            if not changed:
                return self._view(tx, existing["id"]), "unchanged"
            self._change(tx, existing, changed)
            return self._view(tx, existing["id"]), "updated"

    def load_file(
        self, path: Path, actor: str = "cli", now: datetime | None = None
    ) -> list[tuple[EventView, str]]:
        """Validate a whole events file (EventFileError lists every problem), then save each event.

        An event the file would create or move into the past is a problem of the file: nothing is saved.
        """
        moment = now or clock.utcnow()
        with self.store.reading() as tx:
            school = self.schools.current(tx)
            specs = load_events_file(
                path, zone=school.zone, default_locale=school.data.default_locale, now=moment
            )
            passed = [
                f"events.{number}.starts: {why}"
                for number, spec in enumerate(specs)
                if (why := _passed(spec, tx.event_by_key(school.id, spec.key or ""), school, moment))
            ]
        if passed:
            raise EventFileError(path, passed)
        return [self.save(spec, actor, now=moment) for spec in specs]

    def edit(self, event_id: int, changes: Mapping[str, Any], actor: str = "cli") -> EventView:
        """Change some fields of an event (times in UTC); its reminders move with it."""
        unknown = set(changes) - EDITABLE
        if unknown:
            raise EventStateError(f"cannot change {', '.join(sorted(unknown))}")
        with self.store.transaction() as tx:
            event = self._require(tx, event_id)
            if event["status"] == "cancelled":
                raise EventStateError(f"event {event_id} is cancelled")
            merged = _spec_of({**event, **changes})
            _check(merged)
            why = _passed(merged, event, self.schools.current(tx, event["school_id"]), clock.utcnow())
            if why:
                raise EventPassed(why)
            changed = _changes(event, merged.columns())
            if changed:
                self._change(tx, event, changed)
                log.info("event %s changed by %s: %s", event_id, actor, ", ".join(sorted(changed)))
            return self._view(tx, event_id)

    def cancel(self, event_id: int, actor: str = "cli") -> tuple[EventView, int]:
        """Cancel an event and its reminders; parents who said yes are told. Returns how many were told."""
        with self.store.transaction() as tx:
            event = self._require(tx, event_id)
            if event["status"] == "cancelled":
                raise EventStateError(f"event {event_id} is already cancelled")
            tx.update_event(event_id, status="cancelled", version=event["version"] + 1)
            self.reminders.cancel(tx, kind=REMINDER_KIND, ref_id=event_id)
            told = self._tell_cancelled(tx, event)
            log.info("event %s cancelled by %s; %d parents told", event_id, actor, told)
            return self._view(tx, event_id), told

    def record_attendance(
        self, event_id: int, *, count: int | None = None, phones: Sequence[str] = (), region: str = "US"
    ) -> EventView:
        """Record how many came: a head count, or the parents who came by phone (rubric 2C for classes)."""
        if count is None and not phones:
            raise EventStateError("give a count or the phones of the parents who came")
        if count is not None and count < 0:
            raise EventStateError("the count cannot be negative")
        with self.store.transaction() as tx:
            event = self._require(tx, event_id)
            indicator = evidence_indicator(event["kind"])
            if phones:
                ids = []
                for phone in phones:
                    contact = tx.contact_by_phone(normalize_phone(phone, region))
                    if contact is None:
                        raise EventStateError(f"no parent with phone {phone}")
                    ids.append(contact.id)
                marked = tx.mark_attended(event_id, ids)
                if self.pulses is not None and event["starts_at"] <= clock.utcnow():
                    for contact_id in dict.fromkeys(ids):  # those who came: did they feel welcome? (1A)
                        self.pulses.offer(tx, contact_id, "welcome")
                # Named attendees are their own row: naming one parent never replaces a head count.
                tx.set_attendance_evidence(
                    indicator,
                    event_id,
                    marked,
                    event["school_id"],
                    kind="attended_named",
                    at=event["starts_at"],
                )
            if count is not None:
                # One row per event, dated at the event and corrected in place, so totals count nobody twice.
                tx.set_attendance_evidence(
                    indicator, event_id, count, event["school_id"], at=event["starts_at"]
                )
            return self._view(tx, event_id)

    def view(self, event_id: int) -> EventView:
        """One event with its counts and reminders."""
        with self.store.transaction() as tx:
            self._require(tx, event_id)
            return self._view(tx, event_id)

    def upcoming(self, now: datetime | None = None, *, include_cancelled: bool = False) -> list[EventView]:
        """The active school's events still to come, soonest first, with their counts."""
        moment = now or clock.utcnow()
        with self.store.transaction() as tx:
            school_id = self.schools.current(tx).id
            events = tx.events_starting_after(school_id, moment, include_cancelled=include_cancelled)
            return self._views(tx, events)

    def school_languages(self) -> tuple[str, list[str]]:
        """The school's default language and its families' languages, most spoken first."""
        with self.store.transaction() as tx:
            data = self.schools.current(tx).data
        ordered = [code for code, _ in sorted(data.languages.items(), key=lambda item: -item[1])]
        return data.default_locale, ordered

    # Reminders -------------------------------------------------------------------------

    def send_reminder(self, tx: Tx, reminder: Reminder) -> int | None:
        """Queue one reminder text per invited parent in their language; None when the event changed."""
        event = tx.event(reminder.ref_id)
        if event is None or event["status"] != "scheduled" or event["version"] != reminder.ref_version:
            return None
        school = self.schools.current(tx, event["school_id"])
        default = school.data.default_locale
        declined = tx.rsvp_contact_ids(event["id"], "no") if event["rsvp"] else set()
        answered = tx.rsvp_contact_ids(event["id"], "yes") | declined
        bodies: dict[tuple[str, bool], str] = {}
        queued = 0
        invited: list[tuple[int, str | None, float | None]] = []
        by_home: Counter[str] = Counter()
        for contact in tx.audience_contacts(event["school_id"]):
            if contact.id in declined or not matches(
                event["audience"], contact.locale, contact.grades, contact.groups
            ):
                continue
            locale = contact.locale or default
            ask = bool(event["rsvp"]) and contact.id not in answered
            body = bodies.get((locale, ask))
            if body is None:
                body = self._reminder_text(event, school.data.name, locale, default, ask)
                bodies[(locale, ask)] = body
            if tx.enqueue(
                key=f"reminder:{reminder.id}:{contact.id}",
                to_address=contact.phone,
                body=body,
                contact_id=contact.id,
                locale=locale,
                priority=1,
                campaign=f"reminder:{reminder.id}",
            ):
                queued += 1
                # A committee notice records whether it was in the family's own language (5A).
                in_home = locale == default or locale in event["titles"]
                invited.append((contact.id, locale, 1.0 if in_home else 0.0))
                by_home[locale] += 1
        for locale, count in sorted(by_home.items()):
            # A family whose language has no title of the event gets the school's default text.
            home = locale == default or locale in event["titles"]
            tx.add_evidence(
                EvidenceFact("1B", "queued", float(count), "home" if home else "fallback"),
                contact_id=None,
                school_id=event["school_id"],
                locale=locale,
            )
        lead_hours = (event["starts_at"] - clock.utcnow()).total_seconds() / 3600
        tx.add_evidence(
            EvidenceFact("1B", "reminder_lead_hours", round(lead_hours, 2), f"event:{event['id']}"),
            contact_id=None,
            school_id=event["school_id"],
            locale=None,
        )
        # The first reminder that goes out is the invitation; later ones remind the same parents.
        if not any(status == "sent" for _, _, status in tx.reminder_rows(REMINDER_KIND, event["id"])):
            committee = event["kind"] in COMMITTEE_KINDS
            tx.add_invitations(
                event["id"],
                event["school_id"],
                [(ref, locale, value if committee else None) for ref, locale, value in invited],
                indicator="5A" if committee else "1E",
            )
        return queued

    # Parents: flow actions -----------------------------------------------------------------

    def actions(self) -> dict[str, Action]:
        """The flow actions this service provides."""
        return {
            "events.list": self._list,
            "events.open": self._open,
            "events.rsvp": self._rsvp,
            "events.find": self._find,
            "events.matches": self._matches,
            "events.pick": self._pick,
        }

    def _list(self, ctx: ActionContext) -> ActionResult:
        found = self._upcoming(ctx)
        if not found:
            return ActionResult(outcome="none")
        return ActionResult(options=tuple(self._option(event, ctx) for event in found))

    def _open(self, ctx: ActionContext) -> ActionResult:
        event = self._open_event(ctx, ctx.values.get("choice"))
        if event is None:
            return ActionResult(goto="gone", clear=("event_id",))
        return self._details(ctx, event)

    def _details(self, ctx: ActionContext, event: Mapping[str, Any]) -> ActionResult:
        """The event's details, and the question that fits the parent's earlier answer."""
        location = pick(event["locations"], ctx.locale, ctx.school.default_locale) or ctx.school.name
        description = cut_at_word(
            pick(event["descriptions"], ctx.locale, ctx.school.default_locale), DETAILS_MAX
        )
        values = {
            "event_id": str(event["id"]),
            "title": self._title(event, ctx),
            "when": self._when(event, ctx.locale),
            "details": "\n".join(part for part in (location, description) if part),
        }
        ctx.record(_invitation_indicator(event), "event_viewed", f"event:{event['id']}")
        if not event["rsvp"]:
            return ActionResult(values=values, goto="info", clear=("rsvp",))
        answer = ctx.tx.rsvp_of(event["id"], ctx.contact.id)
        goto = {"yes": "ask_yes", "no": "ask_no"}.get(answer or "", "ask")
        return ActionResult(values=values, goto=goto, clear=("rsvp",))

    def _find(self, ctx: ActionContext) -> ActionResult:
        """The event a parent named in words ("RSVP yes for family night"): answered, asked, or listed."""
        text = str(ctx.values.get("rsvp_text") or "")
        events = {str(event["id"]): event for event in self._upcoming(ctx)}
        default = ctx.school.default_locale
        titles = {
            key: list(dict.fromkeys((self._title(event, ctx), pick(event["titles"], default, default))))
            for key, event in events.items()
        }
        found = match_titles(text, titles)
        if not found:
            return ActionResult(outcome="none", clear=("rsvp_text", "rsvp"))
        if len(found) == 1:
            return self._answer_or_details(ctx, events[found[0]], clear=("rsvp_text",))
        return ActionResult(outcome="several", values={"event_matches": found}, clear=("rsvp_text",))

    def _matches(self, ctx: ActionContext) -> ActionResult:
        """The events the parent's words could mean, to choose from."""
        wanted = [str(key) for key in ctx.values.get("event_matches") or []]
        events = {str(event["id"]): event for event in self._upcoming(ctx)}
        options = tuple(self._option(events[key], ctx) for key in wanted if key in events)
        return ActionResult(options=options, clear=("event_matches",))

    def _pick(self, ctx: ActionContext) -> ActionResult:
        event = self._open_event(ctx, ctx.values.get("choice"))
        if event is None:
            return ActionResult(goto="gone", clear=("rsvp",))
        return self._answer_or_details(ctx, event, clear=())

    def _answer_or_details(
        self, ctx: ActionContext, event: Mapping[str, Any], clear: tuple[str, ...]
    ) -> ActionResult:
        """Record the yes or no the parent already gave; without one, show the details and ask."""
        if ctx.values.get("rsvp") in ANSWERS and event["rsvp"]:
            values = {"event_id": str(event["id"]), "title": self._title(event, ctx)}
            return ActionResult(values=values, goto="answer", clear=clear)
        shown = self._details(ctx, event)
        return ActionResult(values=shown.values, goto=shown.goto, clear=(*clear, *shown.clear))

    def _rsvp(self, ctx: ActionContext) -> ActionResult:
        answer = str(ctx.values.get("rsvp") or "")
        event = self._open_event(ctx, ctx.values.get("event_id"))
        clear = ("rsvp", "choice")
        if event is None or answer not in ANSWERS or not event["rsvp"]:
            return ActionResult(outcome="gone", clear=clear)
        previous = ctx.tx.set_rsvp(event["id"], ctx.contact.id, answer)
        indicator = _invitation_indicator(event)
        ctx.record(indicator, "rsvp", answer, 1.0)
        if previous is not None and previous != answer:
            ctx.record(indicator, "rsvp_changed", answer, 1.0)
        return ActionResult(outcome=answer, values={"title": self._title(event, ctx)}, clear=clear)

    # Internals ---------------------------------------------------------------------------

    def _upcoming(self, ctx: ActionContext) -> list[dict[str, Any]]:
        """The next events this parent is invited to, soonest first."""
        grades, groups = ctx.tx.contact_tags(ctx.contact.id)
        return [
            event
            for event in ctx.tx.events_starting_after(ctx.school_id, clock.utcnow())
            if matches(event["audience"], ctx.locale, grades, groups)
        ][:LIST_LIMIT]

    def _option(self, event: Mapping[str, Any], ctx: ActionContext) -> Option:
        title = cut_at_word(self._title(event, ctx), TITLE_MAX)
        return Option(f"{title}, {self._when(event, ctx.locale)}", str(event["id"]))

    def _open_event(self, ctx: ActionContext, raw: Any) -> dict[str, Any] | None:
        try:
            event_id = int(str(raw))
        except ValueError:
            return None
        event = ctx.tx.event(event_id)
        if event is None or event["school_id"] != ctx.school_id:
            return None  # a number from a list shown before the school changed: not this school's event
        if event["status"] != "scheduled" or event["starts_at"] <= clock.utcnow():
            return None
        grades, groups = ctx.tx.contact_tags(ctx.contact.id)
        return event if matches(event["audience"], ctx.locale, grades, groups) else None

    def _title(self, event: Mapping[str, Any], ctx: ActionContext) -> str:
        return pick(event["titles"], ctx.locale, ctx.school.default_locale)

    def _when(self, event: Mapping[str, Any], locale: str) -> str:
        return local_datetime(event["starts_at"], locale, self.config.zone())

    def _reminder_text(
        self, event: Mapping[str, Any], school: str, locale: str, default: str, ask: bool
    ) -> str:
        return self.renderer.message(
            "event",
            "reminder_rsvp" if ask else "reminder",
            (locale, default),
            school=school,
            title=pick(event["titles"], locale, default),
            when=local_datetime(event["starts_at"], locale, self.config.zone()),
            where=pick(event["locations"], locale, default) or school,
        )

    def _tell_cancelled(self, tx: Tx, event: Mapping[str, Any]) -> int:
        school = self.schools.current(tx, event["school_id"])
        default = school.data.default_locale
        told = 0
        for contact_id in sorted(tx.rsvp_contact_ids(event["id"], "yes")):
            contact = tx.contact(contact_id)
            if contact is None or contact.opted_out:
                continue
            locale = contact.locale or default
            body = self.renderer.message(
                "event",
                "cancelled",
                (locale, default),
                school=school.data.name,
                title=pick(event["titles"], locale, default),
                when=local_datetime(event["starts_at"], locale, self.config.zone()),
            )
            if tx.enqueue(
                key=f"event-cancelled:{event['id']}:{contact_id}",
                to_address=contact.phone,
                body=body,
                contact_id=contact_id,
                locale=locale,
                priority=0,
                campaign=f"event:{event['id']}",
            ):
                told += 1
        return told

    def _change(self, tx: Tx, event: dict[str, Any], changed: dict[str, Any]) -> None:
        # Any change makes a new version: reminders of the old one are cancelled and replanned, so a
        # reminder never carries an old time or title.
        tx.update_event(event["id"], version=event["version"] + 1, **changed)
        self._plan(tx, {**event, **changed, "version": event["version"] + 1})

    def _plan(self, tx: Tx, event: Mapping[str, Any]) -> None:
        self.reminders.plan(
            tx,
            kind=REMINDER_KIND,
            ref_id=event["id"],
            version=event["version"],
            starts_at=event["starts_at"],
            minutes_before=list(event["reminder_minutes"]),
        )

    def _require(self, tx: Tx, event_id: int) -> dict[str, Any]:
        """The active school's event, locked; another school's id is refused like an unknown one."""
        event = tx.event(event_id, for_update=True)
        school = self.schools.current(tx)
        if event is None or event["school_id"] != school.id:
            raise EventNotFound(f"no event #{event_id} at {school.data.name}")
        return event

    def _view(self, tx: Tx, event_id: int) -> EventView:
        event = tx.event(event_id)
        if event is None:
            raise EventNotFound(f"no event {event_id}")
        return self._views(tx, [event])[0]

    def _views(self, tx: Tx, events: Iterable[dict[str, Any]]) -> list[EventView]:
        events = list(events)
        ids = [e["id"] for e in events]
        counts = tx.rsvp_counts(ids)
        headcounts = tx.latest_attendance(ids)
        views = []
        for event in events:
            count = counts[event["id"]]
            attended = headcounts.get(event["id"])
            if attended is None and count["attended"]:
                attended = count["attended"]
            reminders = tuple(
                ReminderView(m, d, s) for m, d, s in tx.reminder_rows(REMINDER_KIND, event["id"])
            )
            spec = _spec_of(event)
            views.append(
                EventView(
                    id=event["id"],
                    key=event["key"],
                    kind=spec.kind,
                    titles=spec.titles,
                    descriptions=spec.descriptions,
                    locations=spec.locations,
                    starts_at=spec.starts_at,
                    ends_at=spec.ends_at,
                    audience=spec.audience,
                    rsvp=spec.rsvp,
                    reminder_minutes=spec.reminder_minutes,
                    status=event["status"],
                    version=event["version"],
                    yes=count["yes"],
                    no=count["no"],
                    attended=attended,
                    reminders=reminders,
                )
            )
        return views


def _spec_of(event: Mapping[str, Any]) -> EventSpec:
    return EventSpec(
        key=event.get("key"),
        kind=event["kind"],
        titles=dict(event["titles"]),
        descriptions=dict(event.get("descriptions") or {}),
        locations=dict(event.get("locations") or {}),
        starts_at=event["starts_at"],
        ends_at=event.get("ends_at"),
        audience={k: list(v) for k, v in (event.get("audience") or {}).items()},
        rsvp=bool(event.get("rsvp", True)),
        reminder_minutes=tuple(sorted(set(event.get("reminder_minutes") or ()), reverse=True)),
    )


def _check(spec: EventSpec) -> None:
    if spec.kind not in KINDS:
        raise EventStateError(f"kind must be one of {', '.join(KINDS)}")
    if not any(text.strip() for text in spec.titles.values()):
        raise EventStateError("an event needs a title")
    if spec.starts_at.tzinfo is None or (spec.ends_at is not None and spec.ends_at.tzinfo is None):
        raise EventStateError("times must carry a time zone")
    if spec.ends_at is not None and spec.ends_at <= spec.starts_at:
        raise EventStateError("the end must be after the start")
    if any(minutes <= 0 for minutes in spec.reminder_minutes):
        raise EventStateError("reminder offsets must be more than 0")


def _passed(
    spec: EventSpec, existing: Mapping[str, Any] | None, school: ActiveSchool, now: datetime
) -> str | None:
    """Why a new or moved event cannot be saved: its start has passed. An event left where it was is fine."""
    if spec.starts_at > now or (existing is not None and existing["starts_at"] == spec.starts_at):
        return None
    default = school.data.default_locale
    title = pick(spec.titles, default, default) or spec.key or "the event"
    named = f"{title!r} ({spec.key})" if spec.key else repr(title)
    when = spec.starts_at.astimezone(school.zone).strftime("%a %Y-%m-%d %H:%M %Z")
    return f"{named} starts {when} ({school.zone.key}), which has passed: give it a date in the future"


def _changes(event: Mapping[str, Any], columns: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in columns.items() if event.get(name) != value}


def _invitation_indicator(event: Mapping[str, Any]) -> str:
    """5A for an ELAC or SSC meeting (a compliance meeting), 1E for every other invitation."""
    return "5A" if event["kind"] in COMMITTEE_KINDS else "1E"
