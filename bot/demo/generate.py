"""Run the activity generators over the past months on the clock seam, then send what they queued."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.app import Bot
from bot.clock import ManualClock, running_at, utcnow
from bot.demo.activities import ACTIVITY_GENERATORS, ActivityGenerator
from bot.demo.world import DemoWorld
from bot.outbox.dispatcher import Dispatcher, DispatcherConfig
from bot.outbox.transport import DryRunSlackTransport, DryRunTransport
from bot.report.service import default_period


@dataclass(frozen=True)
class DemoSummary:
    """What the demo made."""

    start: date
    end: date
    counts: dict[str, int]
    left_open: int


def generate(
    bot: Bot,
    months: int,
    *,
    seed: int = 7,
    intensity: float = 1.0,
    generators: Sequence[ActivityGenerator] | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Fill the database with activity from the first day of the month `months - 1` months back to now.

    Nothing is sent for real.

    `intensity` scales how much happens per day (1.0: a school of a few hundred families).
    """
    end_at = now or utcnow()
    zone = bot.schools.zone()
    today = end_at.astimezone(zone).date()
    start, _ = default_period(today, months)  # the period `outreach report` shows by default
    chosen = list(generators) if generators is not None else [make() for make in ACTIVITY_GENERATORS]
    clock = ManualClock(datetime.combine(start, datetime.min.time(), zone))
    # A dispatcher of its own: dry-run transports whatever the settings say, and no rate limit.
    dispatcher = Dispatcher(
        bot.store,
        DryRunTransport(),
        DispatcherConfig(messages_per_second=1_000_000.0, max_attempts=1),
        "demo-data",
        {"slack": (DryRunSlackTransport(), 1_000_000.0)},
        clock=clock,
    )
    world = DemoWorld(bot, clock, random.Random(seed), dispatcher, intensity)
    total_days = max((today - start).days, 1)
    with running_at(clock):
        day = start
        while day <= today:
            progress = (day - start).days / total_days
            for generator in chosen:
                generator.plan(world, day, progress)
            next_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)
            world.run_until(min(next_day, end_at))
            day += timedelta(days=1)
    return DemoSummary(start, today, dict(world.counts), world.pending())
