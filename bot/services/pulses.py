"""One-question pulses: how a parent felt after an event or a staff reply, as rubric evidence (1A, 4B, 4C).

A pulse goes to a family at most once per `min_days` (any kind), in the family's home language, never
to a family that opted out or is in the middle of another conversation, and never during quiet hours (a
question held until morning would meet a conversation that has moved on, so it is not asked at all).
Sending it and each answer are evidence rows, so the report shows response rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot import clock
from bot.domain import EvidenceFact
from bot.engine import engine
from bot.engine.engine import ActionResult
from bot.engine.loader import FlowSet
from bot.i18n.render import Renderer
from bot.services.actions import Action, ActionContext
from bot.services.quiet_hours import QuietHours
from bot.services.schools import SchoolDirectory
from bot.store import Store
from bot.store.repo import Tx

FLOW = "pulse"
# The kind of pulse (the flow's step that asks it) and the rubric indicator it is evidence for.
KINDS = {"welcome": "1A", "rights": "4B", "respect": "4C"}
ANSWERS = {"yes": 1.0, "somewhat": 0.5, "no": 0.0}
BUSY_MINUTES = 60  # a conversation touched this recently and waiting for the parent is not interrupted


@dataclass(frozen=True)
class PulseConfig:
    """How often a family may be asked: at most one pulse per `min_days` days (0: pulses are off), and
    the quiet hours in which none is asked."""

    min_days: int = 30
    quiet: QuietHours | None = None


class PulseService:
    """Offers pulses to families and records their answers."""

    def __init__(
        self,
        *,
        store: Store,
        flow_set: FlowSet,
        renderer: Renderer,
        schools: SchoolDirectory,
        config: PulseConfig,
    ) -> None:
        self.store = store
        self.flows = flow_set.flows
        self.renderer = renderer
        self.schools = schools
        self.config = config

    def actions(self) -> dict[str, Action]:
        """The flow actions this service provides."""
        return {"pulse.answer": self._answer}

    def offer(self, tx: Tx, contact_id: int, kind: str, reference: str = "") -> bool:
        """Text a pulse of this kind to a parent when the rate limit and their conversation allow it."""
        if kind not in KINDS or self.config.min_days <= 0:
            return False
        contact = tx.contact(contact_id)
        if contact is None or contact.opted_out:
            return False
        now = clock.utcnow()
        if self.config.quiet is not None and self.config.quiet.contains(now):
            return False
        last = tx.last_evidence_at(contact.id, "pulse_sent")
        if last is not None and now - last < timedelta(days=self.config.min_days):
            return False
        saved = tx.load_session(contact.id)
        state, touched = saved if saved else (engine.idle_state(), None)
        if engine.is_waiting(state) and touched and now - touched < timedelta(minutes=BUSY_MINUTES):
            return False  # the parent is answering something else right now
        values = {**state.get("values", {}), "pulse_kind": kind, "pulse_reference": reference}
        result = engine.start(self.flows, {**state, "values": values}, FLOW, kind)
        tx.save_session(contact.id, result.state)
        school = self.schools.current(tx, contact.school_id).data
        home = contact.locale or school.default_locale
        body = "\n".join(self.renderer.render(text, (home, school.default_locale)) for text in result.texts)
        tx.enqueue(
            key=f"pulse:{kind}:{contact.id}:{now:%Y%m%d%H%M%S}",
            to_address=contact.phone,
            body=body,
            contact_id=contact.id,
            locale=home,
            priority=1,  # a bulk text: a parent's own conversation goes first
            campaign=f"pulse:{kind}",
        )
        tx.add_evidence(
            EvidenceFact(KINDS[kind], "pulse_sent", detail=kind),
            contact_id=contact.id,
            school_id=contact.school_id,
            locale=home,
        )
        return True

    def _answer(self, ctx: ActionContext) -> ActionResult:
        kind = str(ctx.values.get("pulse_kind") or "")
        answer = str(ctx.values.get("pulse_answer") or "")
        if kind in KINDS and answer in ANSWERS:
            ctx.record(KINDS[kind], "pulse_answer", answer, ANSWERS[answer])
        return ActionResult(clear=("pulse_kind", "pulse_answer", "pulse_reference"))
