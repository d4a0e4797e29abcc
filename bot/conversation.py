"""From one inbound text to the replies: consent rules first, then the session and the flow engine.

Everything a turn does (the inbound, the contact, the session, the replies, evidence) is written
in one transaction, so a retried webhook finds the same answer and a crash leaves nothing half done.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.clock import utcnow
from bot.domain import Contact, EvidenceFact, Exchange, Inbound
from bot.engine import engine
from bot.engine.engine import Result, Text
from bot.engine.loader import FlowSet
from bot.i18n.keywords import KeywordTable
from bot.i18n.render import Renderer
from bot.i18n.segments import pack_messages, segment_count
from bot.services.actions import ActionContext, ActionRegistry
from bot.services.answers import FAQ_TARGET, Answerer, answer_for
from bot.services.concerns import REFERENCE_PATTERN
from bot.services.inbound_throttle import THROTTLED, InboundThrottle
from bot.services.language import LanguageDetector, letter_count
from bot.services.phones import display_phone, mask_phone, normalize_phone
from bot.services.schools import ActiveSchool, SchoolDirectory
from bot.store import Store, Tx
from bot.store.repo import DuplicateError

log = logging.getLogger(__name__)

ARGUMENT_COMMANDS = frozenset({"status"})
REFERENCE = re.compile(REFERENCE_PATTERN, re.IGNORECASE)
MAX_INBOUND_CHARS = 1600


@dataclass
class Turn:
    """The working state of one inbound's handling."""

    tx: Tx
    contact: Contact
    school: ActiveSchool
    locale: str | None
    state: dict[str, Any]
    is_new: bool = False
    texts: list[str] = field(default_factory=list)
    evidence: list[EvidenceFact] = field(default_factory=list)

    @property
    def locales(self) -> tuple[str | None, ...]:
        """The translation chain: the parent's language, then the school's default."""
        return (self.locale, self.school.data.default_locale)

    @property
    def effective_locale(self) -> str:
        """The language the parent reads now."""
        return self.locale or self.school.data.default_locale


@dataclass(frozen=True)
class ConversationConfig:
    """The settings a conversation needs."""

    session_ttl: timedelta
    shipped_locales: tuple[str, ...]
    region: str = "US"


class Conversation:
    """Handles inbound texts from parents on any channel."""

    def __init__(
        self,
        *,
        store: Store,
        flow_set: FlowSet,
        actions: ActionRegistry,
        renderer: Renderer,
        keywords: KeywordTable,
        detector: LanguageDetector,
        answerer: Answerer,
        schools: SchoolDirectory,
        config: ConversationConfig,
        throttle: InboundThrottle | None = None,
    ) -> None:
        self.store = store
        self.flows = flow_set.flows
        self.actions = actions
        self.renderer = renderer
        self.keywords = keywords
        self.detector = detector
        self.answerer = answerer
        self.schools = schools
        self.config = config
        self.throttle = throttle

    def handle(self, inbound: Inbound) -> Exchange:
        """Answer one inbound text; a duplicate provider id gets the replies stored the first time."""
        phone = normalize_phone(inbound.sender, self.config.region)
        inbound = Inbound(inbound.channel, phone, _clean_text(inbound.text), inbound.provider_id)
        for attempt in (1, 2):
            try:
                with self.store.transaction() as tx:
                    return self._handle(tx, inbound)
            except DuplicateError:
                # Two deliveries of one message raced; the loser reads the winner's answer.
                if attempt == 2:
                    raise
            except Exception:
                log.exception("failed to handle a text from %s", mask_phone(phone))
                return self._answer_after_failure(inbound)
        raise AssertionError("unreachable")

    # The turn ------------------------------------------------------------------

    def _handle(self, tx: Tx, inbound: Inbound) -> Exchange:
        if inbound.provider_id:
            existing = tx.inbound_by_provider_id(inbound.channel, inbound.provider_id)
            if existing is not None:
                return Exchange(tx.replies_to(existing), locale="", duplicate=True)
        school = self.schools.current(tx)
        contact = tx.contact_by_phone(inbound.sender)
        is_new = contact is None
        if contact is None:
            contact = tx.create_contact(inbound.sender, school.id)
        throttled = not is_new and inbound.channel == "sms" and self._over_limit(tx, contact, inbound.text)
        message_id = tx.add_message(
            contact_id=contact.id,
            direction="in",
            channel=inbound.channel,
            body=inbound.text,
            status=THROTTLED if throttled else "received",
            provider_id=inbound.provider_id,
            locale=contact.locale,
        )
        if throttled:
            return Exchange([], locale=contact.locale or "", contact_id=contact.id, throttled=True)
        tx.touch_contact(contact.id)
        saved = tx.load_session(contact.id)
        expired = saved is not None and _older_than(saved[1], self.config.session_ttl)
        state = engine.idle_state() if saved is None or expired else saved[0]
        turn = Turn(tx, contact, school, contact.locale, state, is_new=is_new)
        self._respond(turn, inbound.text, is_new=is_new, expired=expired)
        tx.save_session(contact.id, turn.state)
        replies = pack_messages(turn.texts)
        tx.add_replies(
            contact_id=contact.id,
            channel=inbound.channel,
            in_reply_to=message_id,
            locale=turn.effective_locale,
            bodies=[(body, segment_count(body)) for body in replies],
        )
        for fact in turn.evidence:
            tx.add_evidence(fact, contact_id=contact.id, school_id=school.id, locale=turn.effective_locale)
        return Exchange(replies, locale=turn.effective_locale, contact_id=contact.id)

    def _over_limit(self, tx: Tx, contact: Contact, text: str) -> bool:
        """A flooding number gets no reply, except to STOP and HELP."""
        if self.throttle is None:
            return False
        if self.keywords.command(text) in ("stop", "help") or self.keywords.asks_to_stop(text):
            return False
        return self.throttle.over_limit(tx, contact)

    def _respond(self, turn: Turn, text: str, *, is_new: bool, expired: bool) -> None:
        command = self.keywords.command(text)
        if command == "stop" or self.keywords.asks_to_stop(text):
            self._opt_out(turn, text, "keyword" if command == "stop" else "phrase")
            return
        if turn.contact.opted_out:
            if command == "start":
                self._opt_in(turn)
            elif command == "help":
                self._help(turn)
            return  # an opted-out number gets nothing else
        if command == "help":
            self._help(turn)
            return
        if turn.locale is None and self._settle_language(turn, text, is_new=is_new):
            return
        paged = engine.more(self.flows, turn.state) if command == "more" else None
        with_argument = self.keywords.command_with_argument(text, ARGUMENT_COMMANDS)
        if with_argument is not None:
            self._status(turn, with_argument[1])
        elif command == "menu" or (command == "start" and not engine.is_waiting(turn.state)):
            self._start(turn, "main")
        elif command == "language":
            self._start(turn, "language")
        elif command == "rights":
            self._start(turn, "rights")
        elif command == "volunteer":
            self._start(turn, "volunteer")
        elif command == "my_shifts":
            self._start(turn, "volunteer", "my_shifts")
        elif command == "events":
            self._start(turn, "events")
        elif paged is not None and paged.handled:
            self._drive(turn, paged)
        elif expired:
            self._say_system(turn, "welcome_back")
            self._start(turn, "main")
        elif engine.is_waiting(turn.state):
            self._answer_waiting(turn, text)
        else:
            self._answer_free_text(turn, text)

    def _settle_language(self, turn: Turn, text: str, *, is_new: bool) -> bool:
        """For a parent whose language we do not know yet: detect it, or ask. True when the turn is done."""
        detected = self.detector.detect(text)
        if detected:
            turn.tx.set_locale(turn.contact.id, detected, "detected")
            turn.locale = detected
            turn.evidence.append(EvidenceFact("1B", "language_detected", detail=detected))
            if is_new:
                self._say_system(turn, "welcome", school=turn.school.data.name)
            self._say_system(turn, "detected_language")
            if engine.is_waiting(turn.state) and turn.state.get("flow") == "language":
                turn.state = engine.idle_state(turn.state.get("values"))
            return False
        if not is_new and engine.is_waiting(turn.state):
            result = engine.receive(self.flows, turn.state, text)
            if result.handled:
                self._drive(turn, result)
                return True
        self._welcome(turn)
        return True

    def _welcome(self, turn: Turn) -> None:
        """The short bilingual welcome and the language menu, each language named in itself."""
        pair = self._welcome_locales(turn.school)
        school = turn.school.data.name
        turn.texts.append("\n".join(self.renderer.system("welcome", (code,), school=school) for code in pair))
        result = engine.start(self.flows, turn.state, "language")
        self._drive(turn, result, bilingual=pair)

    def _welcome_locales(self, school: ActiveSchool) -> tuple[str, ...]:
        default = school.data.default_locale
        by_share = sorted(school.data.languages.items(), key=lambda item: -item[1])
        second = next(
            (code for code, _ in by_share if code != default and code in self.config.shipped_locales),
            next((code for code in self.config.shipped_locales if code != default), None),
        )
        return (default, second) if second else (default,)

    def _status(self, turn: Turn, argument: str) -> None:
        """STATUS alone shows the latest concern; STATUS C-2026-0042 that one (only the parent's own)."""
        match = REFERENCE.search(argument)
        reference = f"C-{match.group(1)}-{int(match.group(2)):04d}" if match else None
        values = {**turn.state.get("values", {}), "status_reference": reference}
        turn.state = engine.idle_state(values)
        self._start(turn, "concern_status")

    def _answer_waiting(self, turn: Turn, text: str) -> None:
        result = engine.receive(self.flows, turn.state, text)
        if result.handled:
            self._drive(turn, result)
            return
        if self._quick_answer(turn, text):
            return
        prompt = engine.current_prompt(self.flows, turn.state)
        if not self._unanswered(turn, text):
            self._say_system(turn, "not_a_choice")
        if prompt is not None:
            turn.texts.append(self.renderer.render(prompt, turn.locales))

    def _answer_free_text(self, turn: Turn, text: str) -> None:
        if engine.is_number(text):
            # A bare number after an answer means the main menu the parent last saw.
            menu = engine.start(self.flows, turn.state, "main")
            chosen = engine.receive(self.flows, menu.state, text)
            if chosen.handled:
                self._drive(turn, chosen)
                return
            self._say_system(turn, "not_a_choice")
            self._drive(turn, menu)
            return
        if self._quick_answer(turn, text):
            return
        if text.strip() and not turn.is_new and not self._unanswered(turn, text):  # a first text was welcomed
            self._say_system(turn, "not_understood")
        self._start(turn, "main")

    def _quick_answer(self, turn: Turn, text: str) -> bool:
        """Answer a free-text question, or ask which of two close answers was meant."""
        decision = self.answerer.decide(text, turn.school.data)
        values = dict(turn.state.get("values", {}))
        if decision.kind == "clarify":
            turn.state = engine.idle_state({**values, "clarify": list(decision.answers)})
            self._start(turn, "clarify")
            return True
        answer = answer_for(decision.answers[0]) if decision.kind == "answer" else None
        if answer is None:
            return False
        turn.evidence.append(EvidenceFact("1D", "question_answered", detail=answer.id))
        if answer.target == FAQ_TARGET:
            values["choice"] = answer.title_id
        turn.state = engine.idle_state(values)
        flow, _, step = answer.target.removeprefix("flow:").partition(".")
        self._start(turn, flow, step or None)
        return True

    def _unanswered(self, turn: Turn, text: str) -> bool:
        """Keep a real question nobody can answer yet for staff; False for a text that is no question."""
        words = len(text.split())
        if turn.is_new or letter_count(text) < 8 or (words < 3 and "?" not in text and "¿" not in text):
            return False
        turn.tx.add_unanswered(
            text=text[:500],
            locale=turn.effective_locale,
            contact_ref=turn.contact.id,
            school_id=turn.school.id,
        )
        turn.evidence.append(EvidenceFact("1D", "question_unanswered"))
        self._say_system(turn, "question_unknown")
        return True

    # Consent -------------------------------------------------------------------

    def _opt_out(self, turn: Turn, text: str, source: str) -> None:
        turn.state = engine.idle_state()
        if turn.contact.opted_out:
            return  # one confirmation only
        turn.tx.set_consent(turn.contact.id, opted_out=True, source=source, detail=text[:200])
        self._say_system(turn, "stopped", school=turn.school.data.name)

    def _opt_in(self, turn: Turn) -> None:
        turn.tx.set_consent(turn.contact.id, opted_out=False, source="keyword")
        turn.state = engine.idle_state()
        self._say_system(turn, "started", school=turn.school.data.name)

    def _help(self, turn: Turn) -> None:
        data = turn.school.data
        self._say_system(
            turn, "help", program=data.program, school=data.name, phone=display_phone(data.phone)
        )

    # Engine plumbing -------------------------------------------------------------

    def _start(self, turn: Turn, flow_id: str, step: str | None = None) -> None:
        self._drive(turn, engine.start(self.flows, turn.state, flow_id, step))

    def _drive(self, turn: Turn, result: Result, bilingual: tuple[str, ...] = ()) -> None:
        """Say what the engine said and run the actions it asks for until it waits or ends."""
        while True:
            for text in result.texts:
                turn.texts.append(self._render(turn, text, bilingual))
            if result.action is None:
                break
            context = ActionContext(
                tx=turn.tx,
                contact=turn.contact,
                school=turn.school.data,
                school_id=turn.school.id,
                locale=turn.effective_locale,
                values=result.action.values,
                zone=turn.school.zone,
                shipped_locales=self.config.shipped_locales,
                step=result.action.step,
                render=lambda prefix, message_id, **values: self.renderer.message(
                    prefix, message_id, turn.locales, **values
                ),
            )
            outcome = self.actions.run(result.action.name, context)
            turn.evidence.extend(context.evidence)
            if context.locale != turn.effective_locale:
                turn.locale = context.locale
            result = engine.resume(self.flows, result.state, outcome)
        turn.state = result.state

    def _render(self, turn: Turn, text: Text, bilingual: tuple[str, ...]) -> str:
        if len(bilingual) < 2:
            return self.renderer.render(text, turn.locales)
        heads = [
            self.renderer.render(Text(text.msgid, text.context, text.values), (code,)) for code in bilingual
        ]
        options = self.renderer.render(Text("", "", {}, text.options), turn.locales)
        return "\n".join([*dict.fromkeys(heads), options]) if options else "\n".join(dict.fromkeys(heads))

    def _say_system(self, turn: Turn, message_id: str, **values: Any) -> None:
        turn.texts.append(self.renderer.system(message_id, turn.locales, **values))

    # Failure -------------------------------------------------------------------

    def _answer_after_failure(self, inbound: Inbound) -> Exchange:
        """Keep the text that could not be handled and tell the parent, so nothing is lost."""
        try:
            with self.store.transaction() as tx:
                if inbound.provider_id and tx.inbound_by_provider_id(inbound.channel, inbound.provider_id):
                    return Exchange([], locale="", duplicate=True)
                contact = tx.contact_by_phone(inbound.sender)
                school = self.schools.current(tx)
                message_id = tx.add_message(
                    contact_id=contact.id if contact else None,
                    direction="in",
                    channel=inbound.channel,
                    body=inbound.text,
                    status="error",
                    provider_id=inbound.provider_id,
                )
                if contact is not None and contact.opted_out:
                    return Exchange([], locale="")
                locales = (contact.locale if contact else None, school.data.default_locale)
                body = self.renderer.system("error", locales, phone=display_phone(school.data.phone))
                tx.add_message(
                    contact_id=contact.id if contact else None,
                    direction="out",
                    channel=inbound.channel,
                    body=body,
                    status="replied",
                    in_reply_to=message_id,
                )
                return Exchange([body], locale=locales[0] or locales[1])
        except Exception:
            log.exception("could not even record a failed text from %s", mask_phone(inbound.sender))
            raise


def _clean_text(text: str) -> str:
    # Drop NULs and other control characters a phone never sends on purpose; keep newlines.
    cleaned = "".join(ch for ch in text if ch in "\n\t" or ch >= " ")
    return cleaned[:MAX_INBOUND_CHARS]


def _older_than(moment: datetime, age: timedelta) -> bool:
    return utcnow() - moment > age
