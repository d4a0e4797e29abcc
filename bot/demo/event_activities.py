"""The demo school's events: staff post them, reminders go out, parents RSVP by text and come (1B, 1E, 2C;
ELAC and SSC meetings are 5A)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.demo.world import DemoWorld
from bot.domain import Reminder
from bot.services.event_types import EventSpec

# What the school puts on: (kind, titles), in turn.
PROGRAMME = (
    ("workshop", {"en": "Parent workshop: reading at home", "es": "Taller para padres: leer en casa"}),
    ("elac", {"en": "ELAC meeting", "es": "Reunión del ELAC"}),
    ("family", {"en": "Family game night", "es": "Noche de juegos en familia"}),
    ("class", {"en": "English class for parents", "es": "Clase de inglés para padres"}),
    ("ssc", {"en": "School Site Council meeting", "es": "Reunión del consejo escolar"}),
)
LEAD_DAYS = 9
REMINDERS = (10080, 1440)  # a week and a day before


@dataclass
class Events:
    """Staff post an event most weeks; reminders reach every family; more answer and come over time."""

    per_week: float = 0.7
    name: str = "events"
    made: int = 0

    def plan(self, world: DemoWorld, day: date, progress: float) -> None:
        """On Mondays, maybe post an event for the week after next."""
        if day.weekday() == 0 and world.rng.random() < min(1.0, self.per_week * world.intensity):
            world.schedule(world.local(day, 9.5), lambda: self.post(world, day, progress))

    def post(self, world: DemoWorld, day: date, progress: float) -> None:
        """Staff create the event; its reminders and the head count afterwards are scheduled."""
        kind, titles = PROGRAMME[self.made % len(PROGRAMME)]
        self.made += 1
        starts = world.local(day + timedelta(days=LEAD_DAYS), 18.0)
        spec = EventSpec(
            key=f"demo-{day.isoformat()}",
            kind=kind,
            titles=titles,
            locations={"en": "Library", "es": "Biblioteca"},
            starts_at=starts,
            ends_at=starts + timedelta(minutes=90),
            reminder_minutes=REMINDERS,
        )
        view, status = world.bot.events.save(spec, actor=world.staff())
        if status != "created":
            return
        world.count("events")
        with world.bot.store.transaction() as tx:
            reminders = tx.reminders_of("event", view.id)
        for reminder in reminders:
            world.schedule(reminder.due_at, self._reminding(world, reminder, progress))
        world.schedule(starts + timedelta(hours=2), lambda: self.count_heads(world, view.id, progress))

    def _reminding(self, world: DemoWorld, reminder: Reminder, progress: float) -> Callable[[], None]:
        return lambda: self.remind(world, reminder, progress)

    def remind(self, world: DemoWorld, reminder: Reminder, progress: float) -> None:
        """The reminder goes out (the scheduler's job); some families answer within hours."""
        if world.bot.reminders.send(reminder.id, reminder.due_at) != "sent":
            return
        world.count("reminders")
        answering = round(len(world.parents) * (0.06 + 0.12 * progress))
        for _ in range(answering):
            later = world.clock.at + timedelta(hours=world.rng.uniform(0.2, 6))
            world.schedule(later, lambda: self.rsvp(world, reminder.ref_id, progress))

    def rsvp(self, world: DemoWorld, event_id: int, progress: float) -> None:
        """A parent texts EVENTS, opens this one and says yes or no."""
        parent = world.free_parent()
        if parent is None:
            return
        world.text(parent, "EVENTS")
        if not world.choose_option(parent, str(event_id)):
            return
        coming = world.rng.random() < 0.55 + 0.3 * progress
        if world.choose(parent, "answer", rsvp="yes" if coming else "no"):
            world.count("rsvps")

    def count_heads(self, world: DemoWorld, event_id: int, progress: float) -> None:
        """Staff record how many came (most of those who said yes, and a few who did not say) and name
        some who said yes; those named may get a pulse (did you feel welcome?) and answer it."""
        view = world.bot.events.view(event_id)
        if view.status != "scheduled":
            return
        came = round(view.yes * world.rng.uniform(0.6, 0.95)) + world.rng.randint(0, 4)
        walk_ins = world.rng.sample(world.parents, min(len(world.parents), world.rng.randint(1, 3)))
        with world.bot.store.transaction() as tx:
            said_yes = {c.phone for i in tx.rsvp_contact_ids(event_id, "yes") if (c := tx.contact(i))}
            # A few who came without answering are named too (parents the school knows by now).
            known = {p.phone for p in walk_ins if tx.contact_by_phone(p.phone) is not None}
        named = [p for p in world.parents if p.phone in said_yes and world.rng.random() < 0.7]
        named = list({p.phone: p for p in [*named, *walk_ins] if p.phone in said_yes | known}.values())
        world.bot.events.record_attendance(event_id, count=came, phones=[p.phone for p in named])
        world.count("attended", came)
        for parent in named:
            world.later_answer_pulse(parent, 0.65 + 0.3 * progress)
