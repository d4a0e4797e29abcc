"""Demo volunteering: staff post shifts each week, parents sign up by text, staff record the day.

Runs through the real VolunteerService and conversation, so the demo report shows 3B-3E.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import ClassVar

from bot.content import demo_volunteers_file
from bot.demo.world import DemoParent, DemoWorld
from bot.services.volunteer_types import SKILLS, TIMES, VolunteerError

DEMO_FILE = demo_volunteers_file()


@dataclass
class Volunteering:
    """Weekly shifts of the demo opportunities, parents' sign-ups and cancellations, staff records."""

    per_day: float = 1.0
    name: str = "volunteers"
    # (opportunity key, weekday, local start hour, hours, every n weeks): the school's usual shifts.
    WEEKLY: ClassVar[tuple[tuple[str, int, float, float, int], ...]] = (
        ("reading-buddies", 3, 8.5, 1.5, 1),
        ("art-helper", 2, 13.0, 1.5, 1),
        ("family-night-setup", 4, 16.0, 2.0, 3),
        ("conference-translators", 1, 14.0, 3.0, 2),
    )
    _loaded: bool = field(default=False, init=False)

    def plan(self, world: DemoWorld, day: date, progress: float) -> None:
        """Shifts on Mondays, sign-ups every day (more as the school recruits), a few cancellations."""
        if not self._loaded:
            self._loaded = True
            world.schedule(world.local(day, 7.5), lambda: self.load(world))
        if day.weekday() == 0:
            world.schedule(world.local(day, 8.0), lambda: self.post_week(world, day))
        rate = self.per_day * world.intensity * (0.6 + 0.8 * progress) * (0.4 if day.weekday() >= 5 else 1.0)
        for _ in range(int(rate) + (1 if world.rng.random() < rate - int(rate) else 0)):
            at = world.local(day, world.rng.uniform(7.0, 20.5))
            world.schedule(at, lambda: self.sign_up(world, progress))

    def load(self, world: DemoWorld) -> None:
        """The school loads its opportunities."""
        world.bot.volunteers.load(DEMO_FILE)
        for shift in world.bot.volunteers.upcoming():
            self._after(world, shift.id, shift.ends_at)

    def post_week(self, world: DemoWorld, monday: date) -> None:
        """Staff post this week's shifts."""
        week = monday.isocalendar().week
        for key, weekday, hour, hours, every in self.WEEKLY:
            if week % every:
                continue
            starts = world.local(monday + timedelta(days=weekday), hour)
            try:
                shift = world.bot.volunteers.add_shift(
                    key,
                    f"week-{monday.isoformat()}",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=hours),
                )
            except VolunteerError:
                continue
            world.count("volunteer shifts")
            self._after(world, shift.id, shift.ends_at)

    def sign_up(self, world: DemoWorld, progress: float) -> None:
        """A parent looks at the ways to help and signs up for one."""
        parent = world.free_parent()
        if parent is None:
            return
        world.text(parent, "VOLUNTEER")
        if world.step(parent) == ("volunteer", "skills"):
            picked = world.rng.sample(range(1, len(SKILLS) + 1), world.rng.randint(1, 3))
            world.text(parent, " ".join(str(n) for n in picked))
            world.text(parent, str(world.rng.randint(1, len(TIMES))))
        shifts = [
            o for o in (str(v) for v in world.state(parent).get("options") or []) if o.startswith("shift:")
        ]
        if not shifts:
            return
        # Most take the first (best-fitting) shift; matching gets better as profiles fill in.
        chosen = shifts[0] if world.rng.random() < 0.6 + 0.3 * progress else world.rng.choice(shifts)
        if not world.choose_option(parent, chosen) or not world.choose(parent, "signup"):
            return
        world.count("volunteer signups")
        if world.rng.random() < 0.1:
            world.schedule(
                world.clock.at + timedelta(days=world.rng.uniform(0.5, 3)), lambda: self.cancel(world, parent)
            )

    def cancel(self, world: DemoWorld, parent: DemoParent) -> None:
        """The parent cannot come after all."""
        world.text(parent, "MY SHIFTS")
        options = [str(o) for o in world.state(parent).get("options") or []]
        if options and world.choose_option(parent, options[0]) and world.choose(parent, "cancel"):
            world.count("volunteer cancellations")

    def _after(self, world: DemoWorld, shift_id: int, ends_at: datetime) -> None:
        world.schedule(world.office_time(ends_at + timedelta(hours=1)), lambda: self.record(world, shift_id))

    def record(self, world: DemoWorld, shift_id: int) -> None:
        """The supervising teacher records who came and the requirements checked that day."""
        staff = world.staff()
        for entry in world.bot.volunteers.roster(shift_id).entries:
            if entry.status != "confirmed":
                continue
            for requirement in entry.requirements_missing:
                if world.rng.random() < 0.7:
                    world.bot.volunteers.mark_requirement(entry.signup_id, requirement, staff)
            world.bot.volunteers.mark_attendance(entry.signup_id, world.rng.random() < 0.88, staff)
            world.count("volunteer attendance")
