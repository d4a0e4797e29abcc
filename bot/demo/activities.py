"""Activity generators: what happens at the demo school on a day, through the real services.

Each generator gets every day of the period and schedules tasks on the world (texts from parents,
staff actions in the concern workflow) at moments of that day or later. A feature adds its own
generator to ACTIVITY_GENERATORS (events and RSVPs, announcements, volunteers) so its evidence
shows up in the demo report too; `progress` (0 at the start of the period, 1 at its end) lets a
generator show a school getting better over the months.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Protocol

from bot.demo.announcement_activities import Announcements
from bot.demo.event_activities import Events
from bot.demo.volunteering import Volunteering
from bot.demo.world import DemoParent, DemoWorld
from bot.services.concern_types import (
    CATEGORIES,
    CONTACT_PREFERENCES,
    RESOLUTION_CATEGORIES,
    ConcernStateError,
)
from bot.services.rights import TOPICS


class ActivityGenerator(Protocol):
    """Something parents or staff do at the school, spread over the days of the demo."""

    name: str

    def plan(self, world: DemoWorld, day: date, progress: float) -> None:
        """Schedule this day's activity on the world."""


def _times(world: DemoWorld, day: date, per_day: float) -> int:
    """How many times an activity happens on a day: fewer at weekends, Poisson-ish around `per_day`."""
    rate = per_day * world.intensity * (0.35 if day.weekday() >= 5 else 1.0)
    whole = int(rate)
    return whole + (1 if world.rng.random() < rate - whole else 0)


def _daytime(world: DemoWorld, day: date) -> float:
    return world.rng.uniform(7.0, 20.5)


def _languages(world: DemoWorld) -> tuple[list[str], list[float]]:
    with world.bot.store.transaction() as tx:
        school = world.bot.schools.current(tx)
    shipped = set(world.bot.catalogs.available())
    shares = {code: share for code, share in school.data.languages.items() if code in shipped}
    return list(shares), list(shares.values())


@dataclass
class FirstContact:
    """New families text for the first time: the bot detects their language or they pick it (1B)."""

    per_day: float = 1.2
    name: str = "first contact"

    def plan(self, world: DemoWorld, day: date, progress: float) -> None:
        """New parents, in the school's languages by share of pupils."""
        codes, weights = _languages(world)
        for _ in range(_times(world, day, self.per_day)):
            locale = world.rng.choices(codes, weights)[0]
            world.schedule(world.local(day, _daytime(world, day)), partial(self.run, world, locale))

    def run(self, world: DemoWorld, locale: str) -> None:
        """One first conversation."""
        parent = world.new_parent(locale)
        if parent is None:
            return
        world.count("parents")
        first = world.phrase(locale, "first")
        world.text(parent, first if first and world.rng.random() < 0.6 else "hi")
        if world.contact_locale(parent) is None:
            world.choose_option(parent, locale)
        parent.locale = world.contact_locale(parent) or locale


@dataclass
class Questions:
    """Parents ask the school things: in their own words, or from the menu (1D)."""

    per_day: float = 2.0
    name: str = "questions"

    def plan(self, world: DemoWorld, day: date, progress: float) -> None:
        """Questions from known parents."""
        for _ in range(_times(world, day, self.per_day)):
            world.schedule(world.local(day, _daytime(world, day)), lambda: self.run(world, progress))

    def run(self, world: DemoWorld, progress: float) -> None:
        """One question."""
        parent = world.free_parent()
        if parent is None:
            return
        roll = world.rng.random()
        answered = world.phrase(parent.locale, "answered")
        if answered and roll < 0.55:
            world.text(parent, answered)
            return
        unanswered = world.phrase(parent.locale, "unanswered")
        # As the school adds answers, fewer questions go unanswered.
        if unanswered and roll < 0.55 + 0.2 * (1 - progress):
            world.text(parent, unanswered)
            return
        world.text(parent, "MENU")
        target = world.rng.choice(("contact", "hours", "parent_center", "staff", "faq"))
        if world.choose(parent, target) and target == "faq":
            options = [str(o) for o in world.state(parent).get("options") or []]
            if options:
                world.choose_option(parent, world.rng.choice(options))


@dataclass
class RightsTopics:
    """Parents read the Parents' Bill of Rights by text and say whether it answered them (4A, 4B, 5C)."""

    per_day: float = 0.9
    name: str = "rights"

    def plan(self, world: DemoWorld, day: date, progress: float) -> None:
        """More parents read their rights as the school promotes them."""
        for _ in range(_times(world, day, self.per_day * (0.6 + 0.8 * progress))):
            world.schedule(world.local(day, _daytime(world, day)), lambda: self.run(world, progress))

    def run(self, world: DemoWorld, progress: float) -> None:
        """One parent reads one topic to its end."""
        parent = world.free_parent()
        if parent is None:
            return
        world.text(parent, "RIGHTS")
        topics = [t for t in TOPICS if t in {str(o) for o in world.state(parent).get("options") or []}]
        if not topics or not world.choose_option(parent, world.rng.choice(topics)):
            return
        world.page_to_choices(parent)
        roll = world.rng.random()
        if roll < 0.08 and world.choose(parent, "request"):
            world.count("requests")
            return
        helped = 0.55 + 0.3 * progress
        world.choose(parent, "helped" if roll < helped else "not_helped")


@dataclass
class Concerns:
    """Parents raise concerns; staff acknowledge, reply and resolve them; parents answer the survey.

    Staff get faster over the months (4E), and more needs are met.
    """

    per_day: float = 0.45
    name: str = "concerns"

    def plan(self, world: DemoWorld, day: date, progress: float) -> None:
        """Concerns raised on a day, and everything that follows them."""
        for _ in range(_times(world, day, self.per_day)):
            world.schedule(world.local(day, _daytime(world, day)), lambda: self.raise_one(world, progress))

    def raise_one(self, world: DemoWorld, progress: float) -> None:
        """A parent goes through the concern flow; staff work on it later."""
        parent = world.free_parent()
        if parent is None:
            return
        world.text(parent, "MENU")
        if not world.choose(parent, "flow:concern"):
            return
        category = world.rng.choices(CATEGORIES, weights=(4, 3, 1, 3, 2, 1, 2, 2))[0]
        world.choose(parent, "describe", category=category)
        world.text(parent, world.phrase(parent.locale, "description") or "There is a problem at school.")
        share = world.rng.random() < 0.6
        world.choose(parent, share_student="yes" if share else "no")
        if share:
            world.text(parent, world.phrase(parent.locale, "student") or "3")
        world.choose(parent, contact_preference=world.rng.choice(CONTACT_PREFERENCES))
        world.text(parent, world.phrase(parent.locale, "window") or "3 pm")
        references = self._references(world, parent)
        if not references:
            return
        world.count("concerns")
        reference = references[0]
        late = world.rng.random() < 0.35 - 0.27 * progress
        hours = world.rng.uniform(26, 60) if late else world.rng.uniform(0.3, 6)
        acknowledged = world.office_time(world.clock.at + timedelta(hours=hours))
        world.schedule(acknowledged, lambda: self.acknowledge(world, reference, parent, progress))
        if world.rng.random() < 0.3:
            check = world.clock.at + timedelta(hours=world.rng.uniform(3, 20))
            world.schedule(check, lambda: self.check_status(world, parent))
        slow = world.rng.random() < 0.4 - 0.3 * progress
        days = world.rng.uniform(7, 14) if slow else world.rng.uniform(0.5, 5)
        resolved = world.office_time(acknowledged + timedelta(days=days))
        world.schedule(resolved, lambda: self.resolve(world, parent, reference, progress))

    def _references(self, world: DemoWorld, parent: DemoParent) -> list[str]:
        with world.bot.store.transaction() as tx:
            contact = tx.contact_by_phone(parent.phone)
            concerns = tx.concerns_of_contact(contact.id) if contact else []
        return [str(c["reference"]) for c in concerns if c["status"] == "new"]

    def acknowledge(self, world: DemoWorld, reference: str, parent: DemoParent, progress: float) -> None:
        """Staff acknowledge it, take it, or answer with a canned reply (each acknowledges); a reply may
        bring the parent a one-question pulse, which most answer."""
        concerns = world.bot.concerns
        roll = world.rng.random()
        replying = 0.4 + 0.3 * progress  # staff answer in person more often as the year goes on
        try:
            if roll < replying:
                canned = world.rng.choice(concerns.canned_replies()).id
                concerns.reply(reference, world.staff(), canned, None)
                world.later_answer_pulse(parent, 0.6 + 0.3 * progress)
            elif roll < replying + 0.2:
                concerns.take_ownership(reference, world.staff())
            else:
                concerns.acknowledge(reference, world.staff())
        except ConcernStateError:
            return

    def check_status(self, world: DemoWorld, parent: DemoParent) -> None:
        """The parent asks how the concern is going."""
        if parent.busy_until <= world.clock.at:
            world.text(parent, "STATUS")

    def resolve(self, world: DemoWorld, parent: DemoParent, reference: str, progress: float) -> None:
        """Staff resolve it; most parents answer the two survey questions within the day."""
        category = world.rng.choices(RESOLUTION_CATEGORIES, weights=(6, 3, 1, 1, 1))[0]
        try:
            world.bot.concerns.resolve(
                reference, world.staff(), category, "Talked with the family and the teacher."
            )
        except ConcernStateError:
            return
        world.count("resolved")
        parent.busy_until = world.clock.at + timedelta(hours=20)
        if world.rng.random() < 0.8:
            answer = world.clock.at + timedelta(hours=world.rng.uniform(0.2, 12))
            world.schedule(answer, lambda: self.survey(world, parent, progress))

    def survey(self, world: DemoWorld, parent: DemoParent, progress: float) -> None:
        """How happy (1-5), and was the need met."""
        if world.step(parent)[0] != "concern_survey":
            return
        happy = 0.5 + 0.4 * progress
        score = world.rng.choices("12345", weights=(1, 1, 2, 4 * happy + 1, 5 * happy))[0]
        world.choose(parent, satisfaction=score)
        met = world.rng.random() < 0.6 + 0.3 * progress - (0.3 if score in "12" else 0)
        world.choose(parent, need_met="yes" if met else "no")
        world.count("surveys")
        parent.busy_until = world.clock.at


ACTIVITY_GENERATORS: list[Callable[[], ActivityGenerator]] = [
    FirstContact,
    Questions,
    RightsTopics,
    Concerns,
    Volunteering,
    Events,
    Announcements,
]
