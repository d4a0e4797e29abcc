"""The school's own knowledge in the parent's language: a Korean, an Armenian and an Arabic parent
ask the FAQ in their own words; a parent of every shipped language goes through the school's
answers (parent center, teachers and principal, the common questions, the complaint form) and
reads them in that language, with no English sentence in them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.app import Bot
from bot.services.school_texts import slots, text_of
from tests.fixtures.bots import DEMO_SCHOOL, make_bot
from tests.test_no_english_fallback import (
    SENTENCE_END,
    TRANSLATED,
    Parent,
    choice_number,
    language_number,
    leaks,
)

DEMO = yaml.safe_load(Path(DEMO_SCHOOL).read_text(encoding="utf-8"))
TEXTS = {slot.path: slot.texts for slot in slots(DEMO)}
SHOWN = ["parent_center.where", "principal.how", "teachers.how", "ucp_form"] + [
    f"faq.{number}.answer" for number in range(len(DEMO["faq"]))
]

# What parents write, in their own words (none of it is a keyword or a question title of the file).
OWN_WORDS = {
    "ko": {
        "lunch": "아이 점심은 무료인가요?",
        "start-time": "학교는 몇 시에 끝나요?",
        "absence": "아이가 아파서 결석해요",
    },
    "hy": {
        "lunch": "Ճաշը անվճա՞ր է",
        "start-time": "Դասերը ժամը քանիսի՞ն են ավարտվում",
        "absence": "Երեխաս հիվանդ է, չի գա դպրոց",
    },
    "ar": {
        "lunch": "هل الغداء مجاني؟",
        "start-time": "متى ينتهي الدوام المدرسي؟",
        "absence": "ابني مريض ولن يذهب إلى المدرسة",
    },
}


def english_school_sentences() -> set[str]:
    """Every sentence of three or more words of the school's English texts."""
    found = set()
    for texts in TEXTS.values():
        for sentence in SENTENCE_END.split(text_of(texts["en"])):
            if len(sentence.split()) >= 3:
                found.add(" ".join(sentence.split()).casefold())
    return found


SCHOOL_ENGLISH = english_school_sentences()


def faq_text(entry_id: str, field: str, locale: str) -> str:
    entry = next(entry for entry in DEMO["faq"] if entry["id"] == entry_id)
    return str(entry[field][locale])


def ask(parent: Parent, entry_id: str, question: str) -> str:
    """Ask in one's own words; when the bot offers a few answers, pick the school's question."""
    replies = "\n".join(parent.say(question))
    title = faq_text(entry_id, "question", parent.locale)
    offered = re.search(rf"^(\d+) {re.escape(title)}$", replies, re.MULTILINE)
    if offered:
        replies = "\n".join(parent.say(offered.group(1)))
    return replies


def school_answers(bot: Bot, locale: str) -> Parent:
    """Own-words questions, then every menu item that shows the school's own texts."""
    parent = Parent(bot, locale)
    flows = bot.flow_set.flows
    main = flows["main"]
    menu = "\n".join(parent.say("hi"))
    parent.say(language_number(menu, locale))
    parent.turns.clear()  # the welcome is bilingual on purpose, before the parent picks a language

    def item(target: str) -> None:
        parent.say(parent.word("menu"))
        parent.say(choice_number(main, "menu", next=target))

    for entry_id, question in OWN_WORDS.get(locale, {}).items():
        answer = ask(parent, entry_id, question)
        assert faq_text(entry_id, "answer", locale) in answer, f"{locale} {question!r}: {answer!r}"
    for target in ("parent_center", "staff"):
        item(target)
    for number in range(1, len(DEMO["faq"]) + 1):
        item("faq")
        parent.say(str(number))
    # A bullying concern brings the formal-complaint note with the school's form text.
    item("flow:concern")
    parent.say(choice_number(flows["concern"], "category", label="Safety or bullying"))
    for body in ("Leo, 2", "1", "Leo Garcia, 3", "2", "15:00"):
        parent.say(body)
    return parent


@pytest.mark.parametrize("locale", TRANSLATED)
def test_a_parent_gets_the_schools_answers_in_their_language(db_url: str, locale: str) -> None:
    bot = make_bot(db_url)
    try:
        parent = school_answers(bot, locale)
    finally:
        bot.close()
    said = "\n".join(reply for _, replies in parent.turns for reply in replies)
    plain = said.replace("\u2068", "").replace("\u2069", "")
    absent = [path for path in SHOWN if not TEXTS[path].get(locale) or TEXTS[path][locale] not in plain]
    english = [
        f"  after {body!r}: {sentence!r}"
        for body, replies in parent.turns
        for reply in replies
        for sentence in [*leaks(reply, []), *(s for s in SCHOOL_ENGLISH if s in reply.casefold())]
    ]
    assert not english, f"{locale}: English in the replies:\n" + "\n".join(english)
    assert not absent, f"{locale}: not shown in the parent's language: {absent}"
