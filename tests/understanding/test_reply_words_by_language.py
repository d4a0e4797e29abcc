"""Replies in words at the real waiting steps, as the parent sees them, in Armenian, Persian, Arabic and
Filipino: yes/no words, ordinals and number words, labels in other words, several choices, romanized.

The intent model is a fake that knows nothing, so only the reply words (locales/<lang>/replies.yaml)
and the options as rendered from the flows and catalogs place these replies.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from bot.app import LOCALES_DIR, load_content
from bot.engine.engine import idle_state
from bot.i18n.render import Renderer
from bot.services.rights import TOPICS
from bot.services.school_data import SchoolData, load_school_file
from bot.understanding.intent import NONE, Intent
from bot.understanding.replies import load_reply_book
from bot.understanding.step import Understanding, Waiting

FLOWS, CATALOGS, KEYWORDS = load_content()
RENDERER = Renderer(CATALOGS, FLOWS.messages, FLOWS.message_sets)
SHIPPED = tuple(CATALOGS.available())
SCHOOL = load_school_file(LOCALES_DIR.parent / "schools" / "demo.yaml")


class KnowsNothing:
    """An intent model with no answer for anything."""

    def classify(self, text: str, locale: str | None, school: SchoolData) -> Intent:
        """Nothing fits."""
        return Intent(NONE, 0.0)


UNDERSTANDING = Understanding(KEYWORDS, KnowsNothing(), load_reply_book(LOCALES_DIR))


@cache
def waiting(context: str, locale: str) -> Waiting:
    """The step `flow.step` as a parent writing in `locale` sees it."""
    flow, _, step = context.partition(".")
    state: dict[str, Any] = {**idle_state(), "flow": flow, "step": step, "phase": "waiting"}
    if context == "rights.topics":  # the topics are listed by an action, named as the bot names them
        state["options"] = list(TOPICS)
        state["option_labels"] = [RENDERER.message("rights_topic", t, (locale, "en")) for t in TOPICS]
    found = UNDERSTANDING.waiting(FLOWS.flows, state, RENDERER, (locale, "en"), SHIPPED)
    assert found is not None and found.options, context
    return found


def chosen(text: str, locale: str, context: str) -> tuple[int, ...]:
    """The numbers a reply chooses at the step, or () when it is not placed."""
    meaning = UNDERSTANDING.interpret(text, locale, SCHOOL, waiting(context, locale))
    return meaning.numbers if (meaning.kind, meaning.label) == ("reply", "choice") else ()


REPLIES = [
    # Armenian: script, romanized, Armenian chat "4" for ch, ordinals with the article
    ("hy", "հա", "concern.share", (1,)),
    ("hy", "iharke", "concern.share", (1,)),
    ("hy", "che", "concern.share", (2,)),
    ("hy", "4e", "concern.share", (2,)),
    ("hy", "երկրորդը", "concern.category", (2,)),
    ("hy", "arajiny", "concern.category", (1,)),
    ("hy", "avtobusy", "concern.category", (4,)),
    ("hy", "հաղորդագրությամբ", "concern.contact_how", (1,)),
    ("hy", "zangeq", "concern.contact_how", (2,)),
    ("hy", "մեկ և երեք", "volunteer.skills", (1, 3)),
    ("hy", "aravotyan", "volunteer.times", (1,)),
    ("hy", "chem karox gal", "events.ask", (2,)),
    # Persian: Finglish, both digit sets, letters of the Arabic keyboard
    ("fa", "آره", "concern.share", (1,)),
    ("fa", "areh", "concern.share", (1,)),
    ("fa", "kheir", "concern.share", (2,)),
    ("fa", "گزینه ۴", "concern.category", (4,)),
    ("fa", "ششمی", "concern.category", (6,)),
    ("fa", "servis", "concern.category", (4,)),
    ("fa", "تلفنی", "concern.contact_how", (2,)),
    ("fa", "۲ و ۸", "volunteer.skills", (2, 8)),
    ("fa", "آشپزي", "volunteer.skills", (9,)),
    ("fa", "١، ٣", "volunteer.times", (1, 3)),
    ("fa", "nemitunam biam", "events.ask", (2,)),
    # Arabic: dialects, Arabizi, ة written as ه, Eastern Arabic digits
    ("ar", "ايه", "concern.share", (1,)),
    ("ar", "na3am", "concern.share", (1,)),
    ("ar", "la2", "concern.share", (2,)),
    ("ar", "التاني", "concern.category", (2,)),
    ("ar", "سته", "concern.category", (6,)),
    ("ar", "٤", "concern.category", (4,)),
    ("ar", "برسالة", "concern.contact_how", (1,)),
    ("ar", "القراءه والفنون", "volunteer.skills", (1, 4)),
    ("ar", "بالمسا", "volunteer.times", (3,)),
    ("ar", "mish ha2dar aagi", "events.ask", (2,)),
    ("ar", "الشكاوي", "rights.topics", (8,)),
    # Filipino
    ("fil", "oo naman", "concern.share", (1,)),
    ("fil", "ayoko po", "concern.share", (2,)),
    ("fil", "ikalawa", "concern.category", (2,)),
    ("fil", "ibang bagay po", "concern.category", (8,)),
    ("fil", "isa at tatlo", "volunteer.skills", (1, 3)),
    ("fil", "di po ako makakapunta", "events.ask", (2,)),
    ("fil", "punta kami", "events.ask", (1,)),
]


@pytest.mark.parametrize(("locale", "text", "context", "numbers"), REPLIES)
def test_a_reply_in_words_chooses_its_option(
    locale: str, text: str, context: str, numbers: tuple[int, ...]
) -> None:
    assert chosen(text, locale, context) == numbers


@pytest.mark.parametrize(
    ("locale", "text", "context", "not_this"),
    [
        ("hy", "inch jamin en avartvum dasery", "concern.category", (1,)),  # "lessons" is not "grades"
        ("fa", "سه شنبه ها", "volunteer.times", (4,)),  # Tuesdays, though "شنبه" ends the word
        ("ar", "لا مانع", "events.ask", (2,)),  # "no objection" starts with "no" and is a yes
    ],
)
def test_words_that_look_like_an_option_do_not_choose_it(
    locale: str, text: str, context: str, not_this: tuple[int, ...]
) -> None:
    assert chosen(text, locale, context) != not_this
