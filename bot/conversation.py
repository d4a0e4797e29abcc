"""From one inbound text to the replies: consent rules first, then the session and the flow engine.

Everything a turn does (the inbound, the contact, the session, the replies, evidence) is written
in one transaction, so a retried webhook finds the same answer and a crash leaves nothing half done.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
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
from bot.services.answers import FAQ_TARGET, answer_for
from bot.services.concern_threads import THREAD_TEXT, ConcernThreads
from bot.services.concerns import REFERENCE_PATTERN
from bot.services.inbound_throttle import HELP_ANSWERED, THROTTLED, InboundThrottle
from bot.services.language import LanguageDetector
from bot.services.phones import display_phone, mask_phone, normalize_phone
from bot.services.schools import ActiveSchool, SchoolDirectory
from bot.services.thread_rules import follows_up
from bot.store import Store, Tx
from bot.store.repo import DuplicateError
from bot.understanding.matcher_model import topic_of
from bot.understanding.step import Interpretation, Understanding, Waiting, is_question, preview

log = logging.getLogger(__name__)

# Commands (and intents of the same name) that start a flow, at a step or at its start.
COMMAND_FLOWS: dict[str, tuple[str, str | None]] = {
    "menu": ("main", None),
    "start": ("main", None),
    "language": ("language", None),
    "rights": ("rights", None),
    "volunteer": ("volunteer", None),
    "my_shifts": ("volunteer", "my_shifts"),
    "events": ("events", None),
    "rsvp": ("events", None),
}
ANSWER_FLOWS = frozenset({"concern", "volunteer", "events", "concern_survey"})
# Flows the bot starts on its own (a pulse): a text that is not their answer drops them, never stalls.
OPTIONAL_FLOWS = frozenset({"pulse"})
MAX_MISSES = 3  # replies a step cannot place before the bot stops asking the same question
DRAFT = "draft"  # a concern left half written, kept in the session's values
DRAFT_HOURS = 24
PENDING = "pending_text"  # a new number's first text, kept while the language is asked
LAST_LIST = "last_list"  # the flow.step of the numbered list the parent saw last
MAIN_MENU = "main.menu"
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
    page_to: int | None = None  # after the last option of a long list shown this turn
    fit_to: int | None = None  # after the last character of a shortened value shown this turn

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
        understanding: Understanding,
        schools: SchoolDirectory,
        config: ConversationConfig,
        throttle: InboundThrottle | None = None,
        on_unanswered: Callable[[Tx, int], None] | None = None,
        threads: ConcernThreads | None = None,
    ) -> None:
        self.store = store
        self.flows = flow_set.flows
        self.actions = actions
        self.renderer = renderer
        self.keywords = keywords
        self.detector = detector
        self.understanding = understanding
        self.schools = schools
        self.config = config
        self.throttle = throttle
        self.on_unanswered = on_unanswered  # (tx, school id): plans the question's post for staff
        self.threads = threads

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
        status = self._inbound_status(tx, contact, inbound, is_new=is_new)
        throttled = status == THROTTLED
        message_id = tx.add_message(
            contact_id=contact.id,
            direction="in",
            channel=inbound.channel,
            body=inbound.text,
            status=status,
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

    def _inbound_status(self, tx: Tx, contact: Contact, inbound: Inbound, *, is_new: bool) -> str:
        """'throttled' for a text that gets no reply, 'help' for an answered HELP, else 'received'.

        STOP and START are always honoured (the carriers' and the law's rule); HELP too, but only
        once per HELP_GAP during a flood; a flooding number and a burst of new numbers get no other
        reply.
        """
        text = inbound.text
        command = self.keywords.command(text)
        if self.throttle is None or inbound.channel != "sms":
            return HELP_ANSWERED if command == "help" else "received"
        if command in ("stop", "start") or self.keywords.asks_to_stop(text):
            return "received"
        if command == "help":
            # During a flood, HELP once per HELP_GAP: a flood of HELPs must not buy a flood of answers.
            flooding = not is_new and self.throttle.over_limit(tx, contact)
            return THROTTLED if flooding and self.throttle.help_repeated(tx, contact) else HELP_ANSWERED
        if is_new:
            return THROTTLED if self.throttle.too_many_new_numbers(tx) else "received"
        return THROTTLED if self.throttle.over_limit(tx, contact) else "received"

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
        self._understand(turn, text, expired=expired)

    def _understand(self, turn: Turn, text: str, *, expired: bool = False) -> None:
        """Interpret the text in its context and act on it (a language is known by now)."""
        if self._resume_draft(turn, text):
            return
        waiting = None if expired else self._waiting(turn)
        meaning = self.understanding.interpret(text, turn.locale, turn.school.data, waiting)
        if meaning.kind == "command" and self._command(turn, meaning):
            return
        if meaning.kind == "reply" and self._reply(turn, meaning, text, waiting):
            return
        if waiting is not None and not waiting.options and not waiting.free_text:
            # A page that only offered MORE was read; whatever else the parent writes starts afresh.
            turn.state = engine.idle_state(turn.state.get("values"))
            waiting = None
        elif waiting is not None and turn.state.get("flow") in OPTIONAL_FLOWS:
            # Not an answer to a question the bot asked unprompted: drop it and read the text afresh.
            turn.state = engine.idle_state(turn.state.get("values"))
            waiting = None
            meaning = self.understanding.interpret(text, turn.locale, turn.school.data, None)
            if meaning.kind == "command" and self._command(turn, meaning):
                return
        if waiting is None and self._follow_up(turn, meaning, text):
            return
        if expired:
            self._say_system(turn, "welcome_back")
            self._start(turn, "main")
        elif waiting is not None:
            self._off_script(turn, meaning, text)
        else:
            self._free_text(turn, meaning, text)

    def _follow_up(self, turn: Turn, meaning: Interpretation, text: str) -> bool:
        """A text about the parent's open concern (or a conversation staff began) joins its Slack thread."""
        if self.threads is None or not follows_up(
            meaning.kind, meaning.label, text, is_question(text, marked=True)
        ):
            return False
        if not self.threads.targets(turn.tx, turn.contact.id):
            return False
        turn.state = engine.idle_state({**turn.state.get("values", {}), THREAD_TEXT: text})
        self._start(turn, "concern_thread")
        return True

    def _waiting(self, turn: Turn) -> Waiting | None:
        return self.understanding.waiting(
            self.flows, turn.state, self.renderer, turn.locales, self.config.shipped_locales
        )

    def _command(self, turn: Turn, meaning: Interpretation) -> bool:
        """Run a command; False when it does not apply here (MORE with nothing more)."""
        command = meaning.label
        if command == "more":
            paged = engine.more(self.flows, turn.state)
            if not paged.handled:
                return False
            self._drive(turn, paged)
            return True
        if command == "start" and engine.is_waiting(turn.state):
            return False
        if command not in COMMAND_FLOWS and command != "status":
            return False
        kept = self._keep_draft(turn)
        if command == "status":
            self._status(turn, meaning.argument)
        else:
            flow, step = COMMAND_FLOWS[command]
            self._start(turn, flow, step)
        if kept:
            self._say_system(turn, "draft_kept")
        return True

    def _reply(self, turn: Turn, meaning: Interpretation, text: str, waiting: Waiting | None) -> bool:
        """Give the waiting step the reply the parent gave in words, as the number or text it asked for."""
        answer = " ".join(str(n) for n in meaning.numbers) if meaning.label == "choice" else text
        result = engine.receive(self.flows, turn.state, answer)
        if not result.handled:
            return False
        self._drive(turn, result)
        return True

    def _off_script(self, turn: Turn, meaning: Interpretation, text: str) -> None:
        """Something other than a reply while a step waits: answer it and ask again, or help the parent."""
        saved = turn.state
        if meaning.kind in ("intent", "clarify"):
            self._aside(turn, saved, meaning, text)
            return
        # In a flow that collects answers, only a question mark makes a text a question for staff
        # ("Maria, 3rd grade" is a misplaced answer); at a menu, a sentence is a question.
        marked = saved.get("flow") in ANSWER_FLOWS
        if is_question(text, marked=marked) and self._unanswered(turn, text):
            self._ask_again(turn, saved, back=True)
            return
        misses = int(saved.get("misses") or 0) + 1
        if misses >= MAX_MISSES:
            kept = self._keep_draft(turn)
            turn.state = engine.idle_state(turn.state.get("values"))
            self._say_system(turn, "reply_stuck", phone=display_phone(turn.school.data.phone))
            if kept:
                self._say_system(turn, "draft_kept")
            return
        if misses == 1:
            self._say_system(turn, "not_a_choice")
        else:
            self._say_system(turn, "reply_help", phone=display_phone(turn.school.data.phone))
        self._ask_again(turn, {**saved, "misses": misses})

    def _aside(self, turn: Turn, saved: dict[str, Any], meaning: Interpretation, text: str) -> None:
        """Answer a question asked mid-flow; when the answer ends there, go back to the waiting step."""
        if meaning.label == "stop":
            self._act(turn, meaning, text)
            return
        # A "did you mean" list replaces the waiting step: a concern half written is kept, as for a new flow.
        leaves = meaning.kind == "clarify" or meaning.label == "rsvp"
        if leaves or meaning.label.startswith(("concern", "volunteer", "language")):
            kept = self._keep_draft(turn)
            self._act(turn, meaning, text)
            if kept:
                self._say_system(turn, "draft_kept")
            return
        self._act(turn, meaning, text)
        if engine.is_waiting(turn.state):
            return  # the answer asks something of its own (a list, a "did you mean")
        values = {**saved.get("values", {}), **{k: v for k, v in turn.state.get("values", {}).items()}}
        self._ask_again(turn, {**saved, "values": values}, back=True)

    def _ask_again(self, turn: Turn, state: dict[str, Any], *, back: bool = False) -> None:
        """Wait at the step again and say its question, after 'Back to your concern:' when it was left."""
        turn.state = state
        prompt = engine.current_prompt(self.flows, state)
        if back:
            self._say_system(
                turn, "back_to_concern" if state.get("flow") == "concern" else "back_to_question"
            )
        if prompt is not None:
            turn.page_to = turn.fit_to = None
            turn.texts.append(self._render(turn, prompt, ()))
            self._mark_page(turn)

    def _keep_draft(self, turn: Turn) -> bool:
        """Leaving a concern half written keeps it for DRAFT_HOURS; True when one was kept."""
        state = turn.state
        if not engine.is_waiting(state) or state.get("flow") != "concern":
            return False
        snapshot = {k: v for k, v in state.items() if k != "misses"}
        snapshot["values"] = {k: v for k, v in state.get("values", {}).items() if k != DRAFT}
        values = {**snapshot["values"], DRAFT: {"state": snapshot, "at": utcnow().isoformat()}}
        turn.state = engine.idle_state(values)
        return True

    def _resume_draft(self, turn: Turn, text: str) -> bool:
        """CONTINUE (in any language) goes back to a concern left half written in the last DRAFT_HOURS."""
        draft = turn.state.get("values", {}).get(DRAFT)
        if not draft or not self.understanding.replies.is_resume(text):
            return False
        if engine.more(self.flows, turn.state).handled:
            return False  # the same word may be MORE, and a page waits
        if utcnow() - datetime.fromisoformat(draft["at"]) > timedelta(hours=DRAFT_HOURS):
            turn.state["values"].pop(DRAFT, None)
            return False
        self._ask_again(turn, dict(draft["state"]), back=True)
        return True

    def _settle_language(self, turn: Turn, text: str, *, is_new: bool) -> bool:
        """For a parent whose language we do not know yet: detect it, or ask. True when the turn is done."""
        if not is_new and engine.is_waiting(turn.state) and self._pick_language(turn, text):
            return True
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
        if not is_new and engine.is_waiting(turn.state) and turn.state.get("flow") == "language":
            self._language_missed(turn)
            return True
        if self._worth_keeping(turn, text):
            turn.state = engine.idle_state({**turn.state.get("values", {}), PENDING: text})
        self._welcome(turn)
        return True

    def _language_missed(self, turn: Turn) -> None:
        """A reply the language menu cannot place: ask for a number once more, then stop asking.

        The welcome is not said again, and no text is sent a third time ("no", "nope", "??" in a row).
        """
        pair = self._welcome_locales(turn.school)
        misses = int(turn.state.get("misses") or 0) + 1
        if misses >= MAX_MISSES - 1:
            phone = display_phone(turn.school.data.phone)
            turn.texts.append(self._in_each(pair, "reply_stuck", phone=phone))
            turn.state = engine.idle_state(turn.state.get("values"))
            return
        turn.texts.append(self._in_each(pair, "not_a_choice"))
        result = engine.start(self.flows, turn.state, "language")
        self._drive(turn, result, bilingual=pair)
        turn.state = {**turn.state, "misses": misses}

    def _pick_language(self, turn: Turn, text: str) -> bool:
        """A reply to the language menu ('2', 'español', '中文'); then the kept first text is answered."""
        waiting = self._waiting(turn)
        placed = self.understanding.interpret(text, None, turn.school.data, waiting)
        answer = " ".join(str(n) for n in placed.numbers) if placed.kind == "reply" else text
        result = engine.receive(self.flows, turn.state, answer)
        if not result.handled:
            return False
        pending = result.state.get("values", {}).get(PENDING)
        self._drive(turn, result)
        chosen = turn.tx.contact_by_phone(turn.contact.phone)
        turn.locale = chosen.locale if chosen is not None else turn.locale  # English is no change
        if pending and turn.locale is not None and not engine.is_waiting(turn.state):
            turn.state["values"].pop(PENDING, None)
            self._understand(turn, str(pending))  # the first text, answered in the chosen language
        return True

    def _worth_keeping(self, turn: Turn, text: str) -> bool:
        """A first text that asks something (not a greeting) is kept while the language is asked."""
        meaning = self.understanding.interpret(text, None, turn.school.data)
        return meaning.kind in ("command", "intent") or is_question(text)

    def _welcome(self, turn: Turn) -> None:
        """The short bilingual welcome and the language menu, each language named in itself."""
        pair = self._welcome_locales(turn.school)
        turn.texts.append(self._in_each(pair, "welcome", school=turn.school.data.name))
        result = engine.start(self.flows, turn.state, "language")
        self._drive(turn, result, bilingual=pair)

    def _in_each(self, locales: tuple[str, ...], key: str, **fields: Any) -> str:
        """A system text said once in each of these languages, one under the other."""
        return "\n".join(self.renderer.system(key, (code,), **fields) for code in locales)

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

    def _free_text(self, turn: Turn, meaning: Interpretation, text: str) -> None:
        """A text while no step waits: a number for the menu last seen, an intent, or a question."""
        if engine.is_number(text):
            self._bare_number(turn, text)
            return
        if meaning.kind in ("intent", "clarify"):
            self._act(turn, meaning, text)
            return
        if text.strip() and not turn.is_new and not self._unanswered(turn, text):  # a first text was welcomed
            self._say_system(turn, "not_understood")
        self._start(turn, "main")

    def _bare_number(self, turn: Turn, text: str) -> None:
        """A bare number after an answer means the main menu only if that was the last list the parent saw."""
        menu = engine.start(self.flows, turn.state, "main")
        if turn.state.get("values", {}).get(LAST_LIST) == MAIN_MENU:  # never seen a list: no guess
            chosen = engine.receive(self.flows, menu.state, text)
            if chosen.handled:
                self._drive(turn, chosen)
                return
            self._say_system(turn, "not_a_choice")
        else:
            self._say_system(turn, "number_without_list")
        self._drive(turn, menu)

    def _act(self, turn: Turn, meaning: Interpretation, text: str) -> None:
        """Do what an intent asks: a command, a quick answer, or a flow with its slots filled in."""
        label = meaning.label
        values = dict(turn.state.get("values", {}))
        if meaning.kind == "clarify":
            answers = [topic_of(a) for a in meaning.alternatives]
            turn.state = engine.idle_state({**values, "clarify": answers})
            self._start(turn, "clarify")
            return
        if label == "rsvp":
            self._rsvp_by_name(turn, text)
            return
        if label == "stop":
            self._opt_out(turn, text, "phrase")  # "please don't text me any more", in any words
            return
        if label == "more" and (paged := engine.more(self.flows, turn.state)).handled:
            self._drive(turn, paged)
            return
        if label in COMMAND_FLOWS:
            self._start(turn, *COMMAND_FLOWS[label])
            return
        if label == "help":
            self._help(turn)
            return
        if label == "concern_status":
            self._status(turn, text if REFERENCE.search(text) else "")
            return
        if label.startswith("language:") and label[len("language:") :] in self.config.shipped_locales:
            turn.state = engine.idle_state({**values, "choice": label[len("language:") :]})
            self._start(turn, "language", "chosen")
            return
        if label == "concern" or label.startswith("concern:"):
            self._start_concern(turn, meaning, text)
            return
        answer = answer_for(topic_of(label))
        if answer is None:
            self._start(turn, "main")
            return
        turn.evidence.append(EvidenceFact("1D", "question_answered", detail=answer.id))
        if answer.target == FAQ_TARGET:
            values["choice"] = answer.title_id
        turn.state = engine.idle_state(values)
        flow, _, step = answer.target.removeprefix("flow:").partition(".")
        self._start(turn, flow, step or None)

    def _rsvp_by_name(self, turn: Turn, text: str) -> None:
        """An RSVP in words ("RSVP yes for family night"): the events flow finds the event by its title."""
        values = {k: v for k, v in turn.state.get("values", {}).items() if k != "rsvp"}
        values["rsvp_text"] = text[:300]
        answer = self.understanding.replies.answer_in(text, turn.locale)
        if answer is not None:
            values["rsvp"] = "yes" if answer else "no"
        turn.state = engine.idle_state(values)
        self._start(turn, "events", "find")

    def _start_concern(self, turn: Turn, meaning: Interpretation, text: str) -> None:
        """A concern, with what the parent's text already says: its category, and what happened."""
        flow = self.flows["concern"]
        slots = {**self.understanding.fill_slots(flow, text, turn.locale), **meaning.slots}
        if meaning.label.startswith("concern:"):
            slots.setdefault("category", meaning.label[len("concern:") :])
        values = dict(turn.state.get("values", {}))
        if "description" in slots:
            values["description_preview"] = preview(slots["description"])
        turn.state = engine.idle_state(values)
        self._drive(turn, engine.start(self.flows, turn.state, "concern", prefill=slots))

    def _unanswered(self, turn: Turn, text: str) -> bool:
        """Keep a real question nobody can answer yet for staff; False for a text that is no question."""
        if turn.is_new or not is_question(text):
            return False
        turn.tx.add_unanswered(
            text=text[:500],
            locale=turn.effective_locale,
            contact_ref=turn.contact.id,
            school_id=turn.school.id,
        )
        turn.evidence.append(EvidenceFact("1D", "question_unanswered"))
        if self.on_unanswered is not None:
            self.on_unanswered(turn.tx, turn.school.id)
        self._say_system(turn, "question_unknown")
        return True

    def answer_later(self, tx: Tx, contact: Contact, label: str) -> list[str]:
        """The texts of an answer staff chose for this parent's earlier question, in the parent's language.

        A parent whose conversation waits at a step keeps their place; an idle one can go on from the
        answer (MORE, a list's numbers).
        """
        school = self.schools.current(tx, contact.school_id)
        saved = tx.load_session(contact.id)
        idle = saved is None or not engine.is_waiting(saved[0])
        values = saved[0].get("values", {}) if saved else {}
        turn = Turn(tx, contact, school, contact.locale, engine.idle_state(dict(values)))
        self._act(turn, Interpretation("intent", label=label), "")
        if idle:
            tx.save_session(contact.id, turn.state)
        for fact in turn.evidence:
            tx.add_evidence(fact, contact_id=contact.id, school_id=school.id, locale=turn.effective_locale)
        return turn.texts

    # Consent -------------------------------------------------------------------

    def _opt_out(self, turn: Turn, text: str, source: str) -> None:
        turn.state = engine.idle_state()
        if turn.contact.opted_out:
            return  # one confirmation only
        if turn.locale is None:
            detected = self.detector.detect(text)  # confirm in the language the parent wrote
            if detected:
                turn.tx.set_locale(turn.contact.id, detected, "detected")
                turn.locale = detected
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
        turn.page_to = turn.fit_to = None
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
        self._mark_page(turn)
        listed = self._list_shown(result.state)
        if listed is not None:
            turn.state["values"][LAST_LIST] = listed

    def _mark_page(self, turn: Turn) -> None:
        """Remember where the part of a long list or text the parent just saw ends: MORE goes on there."""
        if engine.is_waiting(turn.state) and (turn.page_to is not None or turn.fit_to is not None):
            turn.state = engine.shown(turn.state, options=turn.page_to, value=turn.fit_to)

    def _list_shown(self, state: dict[str, Any]) -> str | None:
        """The flow.step of the numbered list a waiting step shows, if it shows one."""
        if not engine.is_waiting(state):
            return None
        step = self.flows[state["flow"]].steps[state["step"]]
        if step.choices is None and (step.input is None or not step.input.several):
            return None
        return f"{state['flow']}.{state['step']}"

    def _render(self, turn: Turn, text: Text, bilingual: tuple[str, ...]) -> str:
        if len(bilingual) < 2:
            fitted = self.renderer.render_fitted(
                text,
                turn.locales,
                more_options=lambda: self.renderer.system("more_options", turn.locales),
                more_text=lambda: self.renderer.system("more_text", turn.locales),
            )
            if text.paged:
                turn.page_to = text.first - 1 + fitted.options
            if fitted.value is not None:
                turn.fit_to = text.fit_from + fitted.value
            return fitted.text
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
