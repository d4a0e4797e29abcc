"""The understanding step: an inbound text in its context becomes one interpretation with a confidence.

It is the only place that guesses. The conversation asks it what a text means (a command, a reply to
the waiting step, an intent with slots already filled, or nothing) and then acts; the flow engine
stays pure and only ever sees numbers and texts it asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError

from bot.engine import engine
from bot.engine.engine import Text
from bot.engine.schema import Flow
from bot.i18n.keywords import KeywordTable, is_unspaced
from bot.i18n.render import Renderer
from bot.services.answers import answer_for
from bot.services.language import letter_count
from bot.services.school_data import SchoolData
from bot.understanding.intent import NONE, Intent, IntentModel
from bot.understanding.labels import compatible
from bot.understanding.replies import LIKELY, ReplyBook, ReplyOption, synonym_choice

THRESHOLD = 0.6  # an intent below this is not acted on (a close one becomes a "did you mean")
SUGGEST = 0.2  # from here to THRESHOLD the bot asks "did you mean" with the best answers it has
CLARIFY_COUNT = 3
PHRASE_CONFIDENCE = 0.9
# Where a step waits for free text (what happened, the child's name, a good time), only a quick question
# the model is very sure of is answered aside (0.8, the confidence of both models agreeing; 0.7 answered
# "perdon, cual es el numero de la oficina" with the office hours); a question it is less sure of gets a
# "did you mean"; anything else is the answer the step asked for.
ASIDE_THRESHOLD = 0.8
ASIDE_LABELS = frozenset({"hours", "contact", "parent_center", "staff", "rights", "events", "help"})
ASIDE_PREFIXES = ("faq:", "rights:", "language:")
QUESTION_MARKS = frozenset("?¿？؟՞")
MIN_QUESTION_LETTERS = 8
MIN_UNSPACED_QUESTION = 12  # letters as letter_count counts them: four ideographs
# A question at a free-text step up to this long that the model reads as a quick answer, though not
# surely, becomes a "did you mean" (a longer one opening with "when" is more likely what happened).
MAX_DOUBT_WORDS = 8
MAX_DOUBT_UNSPACED = 24  # letters as letter_count counts them: eight ideographs
MIN_DESCRIPTION_WORDS = 6  # a first text this long that names a concern's category tells what happened
MIN_DESCRIPTION_UNSPACED = 24  # eight ideographs
PREVIEW_CHARS = 90
# Commands a reply word may also be ("sí" and "yes" are START): at a step that waits, the reply wins.
SOFT_COMMANDS = frozenset({"start"})
# A reply placed this way is sure enough to stand even when the text reads as a question ("labels": each
# short part of a several-choice reply placed on its own).
# A text this long that names options only somewhere inside ("wait, what's the office phone number") may
# be a question rather than a choice.
SENTENCE_WORDS = 4
# They are also the only ways a question at a choice step ("is there a bus to the field trip?" at the
# concern's category) is a choice: label-word overlap, synonyms and fuzzy matching would take the
# question's topic word for the parent's choice.
PLAIN_PLACEMENTS = frozenset({"number", "label", "yes_no", "labels"})
CHOICE_WORDS = 2  # a question of more words than this is more than a label typed with a question mark
# The model's answer at a step with options names one of them ("staff" on the menu): taken from this
# confidence, well below the step's threshold, since the options narrow what the parent can mean.
OPTION_INTENT = 0.4
# Intents about the waiting step's own flow that name none of its options ("I want to complain" at the
# category step, an RSVP sentence without yes or no at "Will you come?"): the step asks again.
OWN_FLOW = {"events": ("rsvp", "events"), "volunteer": ("volunteer",), "concern": ("concern",)}
_CLAUSE_END = re.compile(r"[,.;:!،，。！]")
_OPTION_LINE = re.compile(r"^\s*(\d{1,2})[ .):]+(\S.*)$")


@dataclass(frozen=True)
class Waiting:
    """The step a conversation waits at: its flow.step, options as shown, and what it takes."""

    context: str
    options: tuple[ReplyOption, ...] = ()
    several: bool = False  # a free-text step that takes one or more numbers from its list
    free_text: bool = False


@dataclass(frozen=True)
class Interpretation:
    """What a text means here: kind is 'command', 'reply', 'intent', 'clarify' or 'none'."""

    kind: str
    label: str = ""
    confidence: float = 0.0
    numbers: tuple[int, ...] = ()
    argument: str = ""
    slots: Mapping[str, str] = field(default_factory=dict)
    alternatives: tuple[str, ...] = ()


def offer_of(label: str) -> str | None:
    """The answer a "did you mean" list can offer for a label (a concern's category is the concern)."""
    if label.startswith("concern:"):
        label = "concern"
    label = {"rsvp": "events"}.get(label, label)
    return label if answer_for(label.replace("rights:", "rights_", 1)) is not None else None


def offers(labels: Iterable[str]) -> tuple[str, ...]:
    """What a "did you mean" list offers for these labels, best first, each answer once."""
    return tuple(dict.fromkeys(a for a in map(offer_of, labels) if a is not None))


def is_own_flow(label: str, waiting: Waiting) -> bool:
    """True for an intent about the waiting step's own flow ("I want to complain" at the category step)."""
    return label.split(":")[0] in OWN_FLOW.get(waiting.context.split(".")[0], ())


def is_question(text: str, *, marked: bool = False) -> bool:
    """True for a text that reads as a question, in any script (？ ؟ ՞ count; CJK has no spaces).

    `marked`: only a text with a question mark counts (while a step waits, "Maria, 3rd grade" is a
    misplaced reply, not a question for staff).
    """
    letters = letter_count(text)
    if letters < MIN_QUESTION_LETTERS:
        return False
    if any(ch in QUESTION_MARKS for ch in text):
        return True
    if marked:
        return False
    if is_unspaced(text):
        return letters >= MIN_UNSPACED_QUESTION
    return len(text.split()) >= 3


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The start of a text, cut at a word, with an ellipsis when it is longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    if not is_unspaced(head) and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(",.;:") + "…"


class Understanding:
    """Interprets parents' texts with the keyword table, the reply words and an intent model."""

    def __init__(
        self,
        keywords: KeywordTable,
        model: IntentModel,
        replies: ReplyBook,
        threshold: float = THRESHOLD,
        aside_threshold: float = ASIDE_THRESHOLD,
    ) -> None:
        self.keywords = keywords
        self.model = model
        self.replies = replies
        self.threshold = threshold
        self.aside_threshold = aside_threshold
        self._asked: tuple[tuple[str, str | None, int], Intent] | None = None

    def interpret(
        self, text: str, locale: str | None, school: SchoolData, waiting: Waiting | None = None
    ) -> Interpretation:
        """One interpretation of the text in its context."""
        self._asked = None
        try:
            return self._interpret(text, locale, school, waiting)
        finally:
            self._asked = None

    def asks(self, text: str, locale: str | None) -> bool:
        """True for a text asked as a question: a question mark, or a question word of the language."""
        if is_question(text, marked=True):
            return True
        return letter_count(text) >= MIN_QUESTION_LETTERS and self.replies.asks(text, locale)

    def _intent(self, text: str, locale: str | None, school: SchoolData) -> Intent:
        """The model's intent, asked once per text within one interpretation (several steps may need it)."""
        key = (text, locale, id(school))
        asked = self._asked
        if asked is not None and asked[0] == key:
            return asked[1]
        intent = self.model.classify(text, locale, school)
        self._asked = (key, intent)
        return intent

    def _interpret(
        self, text: str, locale: str | None, school: SchoolData, waiting: Waiting | None
    ) -> Interpretation:
        command = self.keywords.command(text)
        if command == "stop" or self.keywords.asks_to_stop(text):
            return Interpretation("command", "stop", 1.0)  # consent words before anything else
        with_argument = self.keywords.command_with_argument(text, frozenset({"status"}))
        if with_argument is not None:
            return Interpretation("command", "status", 1.0, argument=with_argument[1])
        if waiting is not None and command is not None and waiting.options:
            # "idioma" is the LANGUAGE command and also a rights topic's very label: the step's label wins.
            placed = self.replies.place(text, waiting.options, locale, context=waiting.context)
            if placed is not None and placed.how in ("label", "fuzzy_label"):
                return Interpretation("reply", "choice", placed.confidence, numbers=placed.numbers)
        if waiting is not None and (command is None or command in SOFT_COMMANDS):
            if waiting.free_text and not waiting.several:
                # What happened, the child's name, a good time: only a question asked as one (a question
                # mark, or a question word of the language) is answered aside; "mi hijo está enfermo
                # hoy" is what happened.
                if not self.asks(text, locale):
                    return Interpretation("reply", "input", 1.0)
                aside = self._aside(text, locale, school) or self._doubt(text, locale, school)
                return aside or Interpretation("reply", "input", 1.0)
            reply = self._reply(text, locale, school, waiting)
            if reply is not None:
                return reply
        if command is not None:
            return Interpretation("command", command, 1.0)
        phrase = self.replies.phrase_intent(text, locale)
        if phrase == NONE:
            # A place other than the school ("the DMV", "la oficina de migración"): its hours or its
            # complaints are not the school's, whatever topic words the text shares with them.
            return Interpretation("none", NONE, PHRASE_CONFIDENCE)
        if phrase is not None:
            # A listed phrase ("can't come to", "in Chinese", "who is this") says more than any
            # single topic word the model weighs ("reunión" is also the right to meet).
            return Interpretation("intent", phrase, PHRASE_CONFIDENCE)
        model = self._classify(text, locale, school)
        return model

    def _classify(self, text: str, locale: str | None, school: SchoolData) -> Interpretation:
        """The model's intent: acted on when sure, a "did you mean" when it is close, else nothing."""
        if self.replies.only_yes_or_no(text, locale):
            return Interpretation("none", NONE, 0.0)  # a bare "no" shares letters with questions, not a topic
        intent = self._intent(text, locale, school)
        if intent.label == NONE:
            return Interpretation("none", NONE, intent.confidence)
        if intent.confidence >= self.threshold:
            return Interpretation("intent", intent.label, intent.confidence, slots=dict(intent.slots))
        if intent.confidence >= SUGGEST:
            ranked = (intent.label, *(label for label, _ in intent.alternatives))
            offered = offers(ranked)[:CLARIFY_COUNT]
            if offered:
                return Interpretation("clarify", intent.label, intent.confidence, alternatives=offered)
        return Interpretation("none", NONE, intent.confidence)

    def _aside(
        self, text: str, locale: str | None, school: SchoolData, threshold: float | None = None
    ) -> Interpretation | None:
        """A quick question typed where a step waits for free text ("what's the office number?")."""
        phrase = self.replies.phrase_intent(text, locale)
        if phrase is not None and phrase.startswith("language:"):
            return Interpretation("intent", phrase, PHRASE_CONFIDENCE)
        if self.replies.only_yes_or_no(text, locale):
            return None
        intent = self._intent(text, locale, school)
        quick = intent.label.startswith(ASIDE_PREFIXES) or intent.label in ASIDE_LABELS
        if quick and intent.confidence >= (self.aside_threshold if threshold is None else threshold):
            return Interpretation("intent", intent.label, intent.confidence, slots=dict(intent.slots))
        return None

    def _doubt(self, text: str, locale: str | None, school: SchoolData) -> Interpretation | None:
        """A short question at a free-text step the model reads as a quick answer, though not surely:
        a "did you mean" rather than "how do I contact the principal" kept as the child's name."""
        if is_question(text, marked=True):
            pass  # a question mark makes a question of any length
        elif is_unspaced(text):
            if letter_count(text) > MAX_DOUBT_UNSPACED:
                return None
        elif len(text.split()) > MAX_DOUBT_WORDS:
            return None  # a longer text opening with "when" is more likely what happened
        intent = self._intent(text, locale, school)
        ranked = (intent.label, *(label for label, _ in intent.alternatives))
        quick = [label for label in ranked if label.startswith(ASIDE_PREFIXES) or label in ASIDE_LABELS]
        if intent.confidence < SUGGEST or not quick or quick[0] != intent.label:
            return None
        offered = offers(quick)[:CLARIFY_COUNT]
        if not offered:
            return None
        return Interpretation("clarify", intent.label, intent.confidence, alternatives=offered)

    def _reply(
        self, text: str, locale: str | None, school: SchoolData, waiting: Waiting
    ) -> Interpretation | None:
        if waiting.free_text and not waiting.several:
            return Interpretation("reply", "input", 1.0)
        placed = self.replies.place(
            text, waiting.options, locale, context=waiting.context, several=waiting.several
        )
        if self._asks_aside(text, locale):
            if placed is not None and placed.how in PLAIN_PLACEMENTS:
                return Interpretation("reply", "choice", placed.confidence, numbers=placed.numbers)
            said = self._yes_or_no_first(text, locale, waiting)
            if said is not None:  # "yes, can you sign me up?"
                return Interpretation("reply", "choice", LIKELY, numbers=(said,))
            requested = self.replies.requested(text, waiting.options, locale, waiting.context)
            if requested is not None:  # "could you text me?"
                return Interpretation("reply", "choice", requested.confidence, numbers=requested.numbers)
            # "can I bring my kids to the meeting?" chose nothing at "Will you come?"
            return self._question_aside(text, locale, school, waiting)
        # A question mark makes a reply placed by a word in it a question ("what's the office phone number?"
        # names "phone"), and so does a sentence that names an option only somewhere inside.
        asked = is_question(text, marked=True) or (
            placed is not None and placed.how in ("mentions", "words") and len(text.split()) >= SENTENCE_WORDS
        )
        if placed is not None and (placed.how in PLAIN_PLACEMENTS or not asked):
            return Interpretation("reply", "choice", placed.confidence, numbers=placed.numbers)
        if asked:
            # "what's the office phone number?" at "How should we reach you?" names "phone" but asks.
            aside = self._aside(text, locale, school, self.threshold)
            named = [o.number for o in waiting.options if aside is not None and aside.label in o.intents]
            if aside is not None and len(named) == 1:
                # The answer the model reads is an option of this very step ("hablar con la maestra o el
                # director" is "Reach a teacher or the principal"): the parent chose it.
                return Interpretation("reply", "choice", aside.confidence, numbers=(named[0],))
            if aside is not None:
                return aside
            if placed is not None and placed.how == "words" and is_question(text, marked=True):
                placed = None  # a question sharing one word with a label ("school") chose nothing
        if placed is not None and placed.how == "words":
            doubt = self._words_doubt(text, locale, school, waiting, placed.numbers[0])
            if doubt is not None:
                return doubt
        if placed is not None:
            return Interpretation("reply", "choice", placed.confidence, numbers=placed.numbers)
        if waiting.several:
            return self._several_aside(text, locale, school, waiting)
        if not waiting.options:
            return None  # a page that only offers MORE: anything else is a new request
        said = None if asked else self.replies.yes_or_no_said(text, waiting.options, locale)
        if said is not None:  # "we'll be there!", "no voy a poder ir"
            return Interpretation("reply", "choice", LIKELY, numbers=(said,))
        return self._by_intent(text, locale, school, waiting)

    def _asks_aside(self, text: str, locale: str | None) -> bool:
        """True for a text asked as a question (a mark or a question word) longer than a label or two."""
        if not self.asks(text, locale):
            return False
        return is_unspaced(text) or len(text.split()) > CHOICE_WORDS

    def _yes_or_no_first(self, text: str, locale: str | None, waiting: Waiting) -> int | None:
        """At a yes-or-no step, a yes or no said before a question ("yes, is there food?")."""
        parts = _CLAUSE_END.split(text, maxsplit=1)
        if len(parts) < 2 or not parts[0].strip():
            return None
        return self.replies.yes_or_no_said(parts[0], waiting.options, locale)

    def _question_aside(
        self, text: str, locale: str | None, school: SchoolData, waiting: Waiting
    ) -> Interpretation | None:
        """A question at a choice step that names no option surely: answered aside when the model is sure
        of a quick answer (the step is asked again), otherwise left to the model's intent or "did you
        mean" (None); the waiting flow's own topic asks the step again."""
        aside = self._aside(text, locale, school, self.threshold)
        if aside is not None:
            return aside
        intent = self._intent(text, locale, school)
        if is_own_flow(intent.label, waiting):
            return Interpretation("none", NONE, intent.confidence)
        return None

    def _several_aside(
        self, text: str, locale: str | None, school: SchoolData, waiting: Waiting
    ) -> Interpretation | None:
        """A sentence a several-choice step cannot read: something else the parent surely asks ("I want
        to talk to the principal") is left to be answered aside (None), anything else asks again."""
        if self.replies.phrase_intent(text, locale) is not None:
            return None
        intent = self._intent(text, locale, school)
        own = is_own_flow(intent.label, waiting)
        if intent.label == NONE or own or intent.confidence < self.threshold:
            return Interpretation("none", NONE, intent.confidence)  # the step asks again
        return None

    def _words_doubt(
        self, text: str, locale: str | None, school: SchoolData, waiting: Waiting, number: int
    ) -> Interpretation | None:
        """A "did you mean" when a sentence shares a label word with one option but the model reads it as
        another option of the step ("the teacher is unfair to my son" names "Reach a teacher", but reads
        as "Raise a concern")."""
        intents = next((o.intents for o in waiting.options if o.number == number), ())
        if len(text.split()) < SENTENCE_WORDS or not intents:
            return None
        intent = self._intent(text, locale, school)
        if intent.label == NONE or intent.confidence < SUGGEST or intent.label in intents:
            return None
        others = [i for o in waiting.options if o.number != number for i in o.intents]
        if not any(i == intent.label or compatible(i, intent.label) for i in others):
            return None  # the model names nothing else here: the shared word stands
        ranked = (intents[0], intent.label)
        offered = offers(ranked)
        if len(offered) < 2:
            return None
        return Interpretation("clarify", intents[0], intent.confidence, alternatives=offered)

    def _by_intent(
        self, text: str, locale: str | None, school: SchoolData, waiting: Waiting
    ) -> Interpretation | None:
        """The model's reading of a reply in words: an option it names, a question aside, or ask again."""
        intent = self._intent(text, locale, school)
        named = [o.number for o in waiting.options if intent.label in o.intents]
        if len(named) == 1 and intent.confidence >= OPTION_INTENT:
            return Interpretation("reply", "choice", intent.confidence, numbers=(named[0],))
        if is_own_flow(intent.label, waiting) and not is_question(text, marked=True):
            return Interpretation("none", NONE, intent.confidence)
        return None

    def waiting(
        self,
        flows: Mapping[str, Flow],
        state: Mapping[str, Any],
        renderer: Renderer,
        locales: tuple[str | None, ...],
        shipped: tuple[str, ...],
    ) -> Waiting | None:
        """The waiting step as the parent sees it; a language is also known by its name in any language."""
        view = waiting_view(flows, state, renderer, locales)
        if view is None or not any(o.value in shipped for o in view.options):
            return view
        aliases = self.replies.language_aliases()
        options = tuple(
            ReplyOption(
                o.number,
                o.value,
                (
                    *o.labels,
                    *language_names(o.value, shipped),
                    *(n for n, c in aliases.items() if c == o.value),
                ),
                o.intents,
            )
            for o in view.options
        )
        return Waiting(view.context, options, view.several, view.free_text)

    def fill_slots(self, flow: Flow, text: str, locale: str | None) -> dict[str, str]:
        """What the first text already says for the flow's slots (a concern's category, its description)."""
        filled: dict[str, str] = {}
        for slot, step_id in engine.slots(flow).items():
            step = flow.steps[step_id]
            if isinstance(step.choices, list):
                number = synonym_choice(self.replies, text, locale, f"{flow.id}.{step_id}", len(step.choices))
                if number is not None:
                    filled[slot] = step.choices[number - 1].set[slot]
        if filled and _describes(text):
            for slot, step_id in engine.slots(flow).items():
                if flow.steps[step_id].input is not None and slot not in filled:
                    filled[slot] = text.strip()
        return filled


@cache
def language_names(code: str, shipped: tuple[str, ...]) -> tuple[str, ...]:
    """A language's name in every shipped language (CLDR through Babel): 'Spanish', 'español', '西班牙语'."""
    names: list[str] = []
    for other in shipped:
        try:
            name = Locale.parse(code).get_display_name(other)
        except (ValueError, UnknownLocaleError):
            continue
        if name:
            names.append(name)
            names.append(name.split(" (")[0].split("（")[0])
    return tuple(dict.fromkeys(names))


def _describes(text: str) -> bool:
    if is_unspaced(text):
        return letter_count(text) >= MIN_DESCRIPTION_UNSPACED
    return len(text.split()) >= MIN_DESCRIPTION_WORDS


def waiting_view(
    flows: Mapping[str, Flow], state: Mapping[str, Any], renderer: Renderer, locales: tuple[str | None, ...]
) -> Waiting | None:
    """The waiting step as the parent sees it: options in their language and in English."""
    if not engine.is_waiting(state):
        return None
    flow = flows[state["flow"]]
    step = flow.steps[state["step"]]
    context = f"{flow.id}.{state['step']}"
    if step.input is not None:
        if not step.input.several:
            return Waiting(context, free_text=True)
        prompt = engine.current_prompt(flows, state)
        options = _listed_options(prompt, renderer, locales) if prompt else ()
        return Waiting(context, options, several=True, free_text=True)
    if isinstance(step.choices, list):
        options = tuple(
            ReplyOption(
                number,
                str(number),
                tuple(
                    dict.fromkeys(
                        (
                            renderer.translate(f"{context}.choice", choice.label, locales),
                            choice.label,
                        )
                    )
                ),
                _choice_intents(choice.next, choice.set),
            )
            for number, choice in enumerate(step.choices, 1)
        )
        return Waiting(context, options)
    if step.choices == "from_action":
        labels = list(state.get("option_labels") or [])
        values = [str(v) for v in state.get("options") or []]
        options = tuple(
            ReplyOption(number, value, (label,), (f"{flow.id}:{value}",))
            for number, (label, value) in enumerate(zip(labels, values, strict=False), 1)
        )
        return Waiting(context, options)
    return Waiting(context)


def _choice_intents(target: str, sets: Mapping[str, str]) -> tuple[str, ...]:
    """The intent labels a choice stands for: where it leads ("flow:events", "staff"), what it sets."""
    found = [target.removeprefix("flow:")] if "." not in target else []
    if "category" in sets:
        found.append(f"concern:{sets['category']}")
    return tuple(found)


def _listed_options(
    prompt: Text, renderer: Renderer, locales: tuple[str | None, ...]
) -> tuple[ReplyOption, ...]:
    """Options written inside a step's text ("1 Reading with children"), in the parent's words and English."""
    found: dict[int, list[str]] = {}
    for chain in (locales, ("en",)):
        for line in renderer.render(prompt, chain).splitlines():
            match = _OPTION_LINE.match(line)
            if match:
                found.setdefault(int(match.group(1)), []).append(match.group(2).strip())
    return tuple(ReplyOption(n, str(n), tuple(dict.fromkeys(labels))) for n, labels in sorted(found.items()))
