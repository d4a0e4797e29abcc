"""No English fallback: a parent whose language is shipped reads every message of the main flows in it.

Two proofs per shipped locale (English aside):
- every translatable text (say texts, choice labels, message-set texts) rendered as the bot renders
  it for that parent differs from the English source, but for a short, commented whitelist;
- a real conversation through every main-menu item (on SQLite and PostgreSQL) carries no English
  source sentence of four or more words, once the school's own data is taken out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app import FLOWS_DIR, LOCALES_DIR, Bot
from bot.domain import Inbound
from bot.engine.engine import Text
from bot.engine.loader import load_flow_set
from bot.engine.schema import Flow
from bot.i18n.catalogs import SOURCE_LOCALE, Catalogs
from bot.i18n.check import SAMPLE_VALUES
from bot.i18n.render import ISOLATE, PLACEHOLDER, POP_ISOLATE, Renderer
from bot.i18n.sources import SourceText, source_texts
from bot.services.language import native_name
from bot.services.rights import TOPICS
from tests.fixtures.bots import DEMO_SCHOOL, make_bot
from tests.fixtures.golden import age_session
from tests.fixtures.volunteering import VOLUNTEERS

FLOW_SET = load_flow_set(FLOWS_DIR)
CATALOGS = Catalogs(LOCALES_DIR)
RENDERER = Renderer(CATALOGS, FLOW_SET.messages, FLOW_SET.message_sets)
TEXTS = source_texts(FLOWS_DIR)
TRANSLATED = [code for code in CATALOGS.available() if code != SOURCE_LOCALE]

ANY = "*"
# (locale or ANY, context, msgid): texts that are rightly the same as the English source. Keep it small.
SAME_AS_ENGLISH = {
    # Only a placeholder: a school's own rights topic, already picked in the parent's language.
    (ANY, "rights.school_topic", "{text}"),
    # A shift in a list: its title and time, already in the parent's language.
    (ANY, "volunteer.option_open", "{title}, {when}"),
    (ANY, "volunteer.mine_confirmed", "{title}, {when}"),
    # Spanish "No" is the English "No".
    ("es", "concern.share.choice", "No"),
    ("es", "concern_survey.need_met.choice", "No"),
    ("es", "pulse.answer.choice", "No"),
    # Filipino schools name special education in English (SPED); the translator kept it on purpose.
    ("fil", "concern.category.choice", "Special education"),
    ("fil", "concern.category_special_education", "special education"),
}

MIN_WORDS = 4  # an English sentence this long in a reply is a leak, not a shared word or a name
SENTENCE_END = re.compile(r"[.!?:;\n]+")
PHONE = "+12135554900"


def allowed(locale: str, text: SourceText) -> bool:
    """True for a text on the whitelist for this locale."""
    return bool({(ANY, text.context, text.msgid), (locale, text.context, text.msgid)} & SAME_AS_ENGLISH)


def render(text: SourceText, locales: tuple[str, ...]) -> str:
    """A source text as the bot renders it for a parent with this locale chain, with sample values."""
    prefix, _, message_id = text.context.partition(".")
    message_set = RENDERER.sets.get(prefix)
    if message_set is not None and message_id in message_set.messages:
        return RENDERER.message(prefix, message_id, locales, **SAMPLE_VALUES)
    if text.context.endswith(".choice"):  # a numbered label of a menu
        return RENDERER.render(Text("", "", {}, (Text(text.msgid, text.context),)), locales)
    return RENDERER.render(Text(text.msgid, text.context, SAMPLE_VALUES), locales)


def plain(text: str) -> str:
    """Without the direction isolates put around values in right-to-left text."""
    return text.replace(ISOLATE, "").replace(POP_ISOLATE, "")


def english_sentences() -> set[str]:
    """Every sentence of four or more words of the English sources, split at placeholders too."""
    found: set[str] = set()
    for text in TEXTS:
        for piece in PLACEHOLDER.split(text.msgid)[::2]:  # split() keeps the names at odd positions
            for sentence in SENTENCE_END.split(piece):
                words = sentence.split()
                if len(words) >= MIN_WORDS:
                    found.add(" ".join(words).casefold())
    return found


def school_strings(node: Any = None) -> Iterator[str]:
    """Every text of the demo school's file: its own data, in whatever language it gives it."""
    if node is None:
        node = yaml.safe_load(Path(DEMO_SCHOOL).read_text(encoding="utf-8"))
    if isinstance(node, dict):
        for value in node.values():
            yield from school_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from school_strings(value)
    elif isinstance(node, str) and len(node.split()) > 1:
        yield node


ENGLISH = english_sentences()
SCHOOL = sorted(set(school_strings()), key=len, reverse=True)
SAMPLES = sorted({str(value) for value in SAMPLE_VALUES.values()}, key=len, reverse=True)


def leaks(reply: str, known: list[str] = SCHOOL) -> list[str]:
    """The English source sentences in a reply, once the values it was given (the school's own data,
    or the sample values) are taken out."""
    text = plain(reply)
    for own in known:
        text = text.replace(own, " ")
    text = " ".join(text.split()).casefold()
    return sorted(sentence for sentence in ENGLISH if sentence in text)


def test_the_whitelist_names_real_texts() -> None:
    known = {(text.context, text.msgid) for text in TEXTS}
    stale = [entry for entry in SAME_AS_ENGLISH if (entry[1], entry[2]) not in known]
    assert not stale, f"whitelisted texts no flow has any more: {stale}"
    locales = {entry[0] for entry in SAME_AS_ENGLISH} - {ANY}
    assert locales <= set(TRANSLATED), f"whitelist locales not shipped: {locales - set(TRANSLATED)}"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_text_is_translated(locale: str) -> None:
    english: list[str] = []
    for text in TEXTS:
        if allowed(locale, text):
            continue
        rendered = plain(render(text, (locale, SOURCE_LOCALE)))
        if rendered == render(text, (SOURCE_LOCALE,)):
            english.append(f"  {text.context}: {text.msgid!r}")
        elif kept := leaks(rendered, SAMPLES):  # translated, but with an English sentence left in it
            english.append(f"  {text.context}: {text.msgid!r} keeps {kept}")
    assert not english, f"{locale}: {len(english)} texts come out in English:\n" + "\n".join(english)


# The real conversation -------------------------------------------------------------------


class Parent:
    """One parent texting the bot; keeps every reply with the text it answered."""

    def __init__(self, bot: Bot, locale: str) -> None:
        self.bot = bot
        self.locale = locale
        self.turns: list[tuple[str, list[str]]] = []
        self.submitted: list[str] = []  # the replies to the last answer of the concern flow
        self.sent = 0

    def say(self, body: str) -> list[str]:
        self.sent += 1
        sid = f"SMnoenglish{self.locale}{self.sent}"  # a new provider id: no duplicate delivery
        replies = self.bot.conversation.handle(Inbound("sms", PHONE, body, sid)).replies
        self.turns.append((body, replies))
        return replies

    def word(self, command: str) -> str:
        """The word for a command the texts in this language tell the parent to send."""
        return self.bot.keywords.keyword(self.locale, command)


def choice_number(flow: Flow, step: str, **where: str) -> str:
    """The number of the choice of a step with this label or target."""
    choices = flow.steps[step].choices
    assert isinstance(choices, list)
    for number, choice in enumerate(choices, 1):
        if all(getattr(choice, key) == value for key, value in where.items()):
            return str(number)
    raise AssertionError(f"{flow.id}.{step}: no choice {where}")


def language_number(menu: str, locale: str) -> str:
    """The number of a language in the language menu, where each language is named in itself."""
    found = re.search(rf"^(\d+) {re.escape(native_name(locale))}$", menu, re.MULTILINE)
    assert found, f"{native_name(locale)} is not in the language menu: {menu!r}"
    return found.group(1)


def converse(bot: Bot, locale: str) -> Parent:
    """A parent in this language goes through every main-menu item and the keywords."""
    parent = Parent(bot, locale)
    flows = bot.flow_set.flows
    main, rights = flows["main"], flows["rights"]

    def item(target: str) -> None:
        parent.say(parent.word("menu"))
        parent.say(choice_number(main, "menu", next=target))

    menu = "\n".join(parent.say("hi"))
    parent.turns.clear()  # the welcome is bilingual on purpose, before the parent picks a language
    parent.say(language_number(menu, locale))
    # Raise a concern, with the formal-complaint note, then check it three ways.
    item("flow:concern")
    parent.say(choice_number(flows["concern"], "category", label="Safety or bullying"))
    for body in ("Leo, 2", "1", "Leo Garcia, 3", "2"):
        parent.say(body)
    parent.submitted = parent.say("15:00")
    parent.say(parent.word("status"))
    parent.say(f"{parent.word('status')} C-2026-9999")
    item("flow:concern_status")
    # Every rights topic to its last page; end with each of the ways out.
    item("flow:rights")
    endings = {"visit": {"next": "request"}, "meet": {"next": "not_helped"}}
    for number, topic in enumerate(TOPICS, 1):
        parent.say(parent.word("rights"))
        parent.say(str(number))
        step = topic
        while rights.steps[step].more:
            parent.say(parent.word("more"))
            step = str(rights.steps[step].more)
        parent.say(choice_number(rights, step, **endings.get(topic, {"next": "helped"})))
    # Volunteering: skills and times, the shifts that fit, a sign-up, MY SHIFTS, keeping it.
    bot.volunteers.load(VOLUNTEERS)
    item("flow:volunteer")
    for body in ("1 3", "1", "1", "1", parent.word("my_shifts"), "1", "2"):
        parent.say(body)
    # The school's answers and the common questions.
    for target in ("contact", "flow:events", "parent_center", "staff"):
        item(target)
    for question in ("1", "2", "3"):
        item("faq")
        parent.say(question)
    # Not understood, not a choice, a question nobody can answer yet.
    parent.say("zzkq vvxw")
    parent.say("42")
    parent.say("Qwfp zxcvb plmokn ytrewq?")
    # The language again, help, a session that expired, STOP and START.
    item("flow:language")
    parent.say(language_number("\n".join(parent.turns[-1][1]), locale))
    parent.say(parent.word("help"))
    age_session(bot, PHONE, 25)
    parent.say("1")
    parent.say(parent.word("stop"))
    parent.say(parent.word("help"))
    parent.say(parent.word("start"))
    return parent


@pytest.mark.parametrize("locale", TRANSLATED)
def test_a_parent_reads_no_english(db_url: str, locale: str) -> None:
    bot = make_bot(db_url)
    try:
        parent = converse(bot, locale)
    finally:
        bot.close()
    error = bot.renderer.system("error", (locale, SOURCE_LOCALE), phone="(213) 555-0100")
    silent = [body for body, replies in parent.turns if not replies]
    assert not silent, f"{locale}: no reply to {silent}"
    failed = [body for body, replies in parent.turns if any(error in reply for reply in replies)]
    assert not failed, f"{locale}: the bot failed on {failed}"
    submitted = "\n".join(parent.submitted)
    assert re.search(r"C-\d{4}-0001", submitted), f"{locale}: no concern reference in {submitted!r}"
    english = [
        f"  after {body!r}: {sentence!r} in {reply!r}"
        for body, replies in parent.turns
        for reply in replies
        for sentence in leaks(reply)
    ]
    assert not english, f"{locale}: English in {len(english)} replies:\n" + "\n".join(english)
