"""The demo's world: fictional parents texting the real conversation, staff acting through the real
ConcernService, all on a clock that runs through the past months.

Activities schedule tasks at moments in the past; `run` executes them in time order with the clock
set to each task's moment, so every row the services write carries that moment.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import Bot
from bot.clock import ManualClock
from bot.domain import Inbound
from bot.outbox.dispatcher import Dispatcher
from bot.yaml_files import load_yaml

PHRASES_FILE = Path(__file__).with_name("phrases.yaml")
# Fictional numbers: 555-0100 to 555-0199 in Los Angeles area codes.
AREA_CODES = ("213", "323", "310", "818", "626", "747", "562", "424", "661", "909")
STAFF = ("U0DEMOSTAFF1", "U0DEMOSTAFF2", "U0DEMOSTAFF3")


@cache
def phrases() -> dict[str, dict[str, list[str]]]:
    """What demo parents text, per language (phrases.yaml)."""
    return dict(load_yaml(PHRASES_FILE.read_text(encoding="utf-8")))


def demo_phones() -> list[str]:
    """Every fictional phone number the demo may use."""
    return [f"+1{area}55501{n:02d}" for area in AREA_CODES for n in range(100)]


@dataclass
class DemoParent:
    """A fictional parent: a phone, the language they read, and until when they are mid-conversation."""

    phone: str
    locale: str
    busy_until: datetime = field(default_factory=lambda: datetime.min.replace(tzinfo=UTC))
    texts: int = 0


@dataclass(order=True)
class _Task:
    at: datetime
    order: int
    run: Callable[[], None] = field(compare=False)


class DemoWorld:
    """Parents, the clock and the queue of things to happen."""

    def __init__(
        self,
        bot: Bot,
        clock: ManualClock,
        rng: random.Random,
        dispatcher: Dispatcher,
        intensity: float = 1.0,
    ) -> None:
        self.bot, self.clock, self.rng, self.dispatcher = bot, clock, rng, dispatcher
        self.intensity = intensity  # scales how often every activity happens
        self.zone: ZoneInfo = bot.schools.zone()
        self.parents: list[DemoParent] = []
        self.phones = demo_phones()
        self.rng.shuffle(self.phones)
        self._queue: list[_Task] = []
        self._order = itertools.count()
        self.counts: dict[str, int] = {}
        self.end: datetime | None = None  # the run's end: nothing happens at or after it

    # Time -------------------------------------------------------------------------

    def schedule(self, at: datetime, task: Callable[[], None]) -> None:
        """Run `task` with the clock at `at` (or later, if the clock has passed it)."""
        heapq.heappush(self._queue, _Task(at, next(self._order), task))

    def run_until(self, end: datetime) -> None:
        """Run every task due before `end`, in time order, then send what they queued."""
        self.end = end
        while self._queue and self._queue[0].at < end:
            task = heapq.heappop(self._queue)
            self.clock.set(max(task.at, self.clock.at))
            task.run()
        self.drain()

    def pending(self) -> int:
        """Tasks scheduled but not run (they lie beyond the end: concerns still open, say)."""
        return len(self._queue)

    def local(self, day: Any, hour: float) -> datetime:
        """A moment of a local day, `hour` as a decimal (13.5 is 13:30)."""
        minutes = int(hour * 60)
        return datetime.combine(day, time(minutes // 60, minutes % 60), self.zone)

    def office_time(self, at: datetime) -> datetime:
        """The first moment at or after `at` when staff are in (weekdays 8:00-16:00, school time)."""
        local = at.astimezone(self.zone)
        if local.weekday() < 5 and 8 <= local.hour < 16:
            return at
        day = local.date() if local.hour < 8 else local.date() + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return self.local(day, 8 + self.rng.random() * 1.5)

    # Parents -------------------------------------------------------------------------

    def new_parent(self, locale: str) -> DemoParent | None:
        """A parent with a fresh fictional number (None when the numbers ran out)."""
        if not self.phones:
            return None
        parent = DemoParent(self.phones.pop(), locale)
        self.parents.append(parent)
        return parent

    def free_parent(self, predicate: Callable[[DemoParent], bool] = lambda p: True) -> DemoParent | None:
        """A known parent not in the middle of something."""
        now = self.clock.at
        free = [p for p in self.parents if p.busy_until <= now and predicate(p)]
        return self.rng.choice(free) if free else None

    def text(self, parent: DemoParent, body: str) -> list[str]:
        """The parent texts the school a little after their previous text; the bot's replies."""
        pause = timedelta(seconds=self.rng.randint(20, 150))
        if self.end is not None:  # a conversation near the end stays before it
            pause = max(timedelta(0), min(pause, self.end - timedelta(seconds=1) - self.clock.at))
        self.clock.advance(pause)
        parent.texts += 1
        self.count("texts")
        return self.bot.conversation.handle(Inbound("sms", parent.phone, body)).replies

    def state(self, parent: DemoParent) -> dict[str, Any]:
        """The parent's conversation state as stored."""
        with self.bot.store.transaction() as tx:
            contact = tx.contact_by_phone(parent.phone)
            saved = tx.load_session(contact.id) if contact else None
        return saved[0] if saved else {}

    def contact_locale(self, parent: DemoParent) -> str | None:
        """The language the bot settled on for the parent."""
        with self.bot.store.transaction() as tx:
            contact = tx.contact_by_phone(parent.phone)
        return contact.locale if contact else None

    def choose(self, parent: DemoParent, target: str | None = None, **wanted: str) -> bool:
        """Reply with the number of the choice leading to `target` (or setting `wanted`); False if none."""
        state = self.state(parent)
        flow = self.bot.flow_set.flows.get(str(state.get("flow")))
        step = flow.steps.get(str(state.get("step"))) if flow else None
        if step is None or not isinstance(step.choices, list):
            return False
        for number, choice in enumerate(step.choices, start=1):
            if (target is None or choice.next == target) and all(
                choice.set.get(k) == v for k, v in wanted.items()
            ):
                self.text(parent, str(number))
                return True
        return False

    def choose_option(self, parent: DemoParent, value: str) -> bool:
        """Reply with the number of an option an action listed (a language, a topic)."""
        options = [str(o) for o in self.state(parent).get("options") or []]
        if value not in options:
            return False
        self.text(parent, str(options.index(value) + 1))
        return True

    def step(self, parent: DemoParent) -> tuple[str | None, str | None]:
        """(flow, step) the parent is at."""
        state = self.state(parent)
        return state.get("flow"), state.get("step")

    def page_to_choices(self, parent: DemoParent, limit: int = 5) -> None:
        """Read a long text to its end: MORE while the step has a next part."""
        for _ in range(limit):
            flow_id, step_id = self.step(parent)
            flow = self.bot.flow_set.flows.get(str(flow_id))
            step = flow.steps.get(str(step_id)) if flow else None
            if step is None or not step.more:
                return
            self.text(parent, "MORE")

    def answer_pulse(self, parent: DemoParent, yes: float) -> None:
        """Answer a waiting one-question pulse: Yes with probability `yes`, else Somewhat or No."""
        if self.step(parent) != ("pulse", "answer"):
            return  # none was sent (rate limit, quiet hours) or the parent moved on
        roll = self.rng.random()
        answer = "yes" if roll < yes else "somewhat" if roll < (1 + yes) / 2 else "no"
        if self.choose(parent, pulse_answer=answer):
            self.count("pulse answers")

    def later_answer_pulse(self, parent: DemoParent, yes: float) -> None:
        """Most parents answer a pulse within the day; some never do."""
        if self.rng.random() < 0.75:
            at = self.clock.at + timedelta(hours=self.rng.uniform(0.5, 14))
            self.schedule(at, lambda: self.answer_pulse(parent, yes))

    def phrase(self, locale: str, kind: str) -> str | None:
        """A random phrase of a kind in a language, if the demo has one."""
        found = phrases().get(locale, {}).get(kind) or []
        return self.rng.choice(found) if found else None

    # Staff and sending ---------------------------------------------------------------

    def staff(self) -> str:
        """A staff member's Slack id."""
        return self.rng.choice(STAFF)

    def drain(self) -> None:
        """Send everything queued (dry run: nothing leaves the machine)."""
        while self.dispatcher.drain_once():
            pass

    def count(self, what: str, by: int = 1) -> None:
        """Keep a tally for the summary."""
        self.counts[what] = self.counts.get(what, 0) + by
