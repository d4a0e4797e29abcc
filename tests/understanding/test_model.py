"""The intent model: confusable answers, commands in words, slots, and out-of-scope texts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.school_data import SchoolData
from bot.understanding.labels import is_known
from bot.understanding.model import RetrievalModel
from bot.understanding.step import THRESHOLD as CONFIDENT

LOCALES = ["en", "es", "ko", "zh_Hans", "hy", "fil", "vi", "ru", "fa", "ar"]


@pytest.mark.parametrize(
    ("text", "locale", "expect"),
    [
        # school start, dismissal and pick-up vs office hours
        ("what time do the kids get out of school", "en", "faq:start-time"),
        ("what time does the front office close", "en", "hours"),
        ("a que hora tengo que recoger a mi niña", "es", "faq:start-time"),
        ("a que hora cierran la oficina", "es", "hours"),
        # an event vs the right to take part in decisions
        ("when is the next ELAC meeting", "en", "events"),
        ("what is the ELAC and can parents be on it", "en", "rights:decisions"),
        # a concern's status vs a new concern
        ("did my complaint get handled", "en", "concern_status"),
        ("I want to complain about my son's teacher yelling", "en", "concern:staff_conduct"),
        # signing up vs the right to volunteer and its requirements
        ("I want to volunteer", "en", "volunteer"),
        ("quiero ser voluntaria", "es", "volunteer"),
        ("do parents need a TB test before volunteering", "en", "rights:volunteer"),
    ],
)
def test_confusable_answers(
    model: RetrievalModel, school: SchoolData, text: str, locale: str, expect: str
) -> None:
    assert model.classify(text, locale, school).label == expect


@pytest.mark.parametrize(
    ("text", "locale", "expect"),
    [
        ("who is this? why am I getting these texts", "en", "help"),
        ("please write in English", "en", "language:en"),
        ("en español por favor", "es", "language:es"),
        ("请用英文", "zh_Hans", "language:en"),
        ("لطفا انگلیسی بنویسید", "fa", "language:en"),
        ("ya no me manden mensajes por favor", "es", "stop"),
    ],
)
def test_commands_in_words(
    model: RetrievalModel, school: SchoolData, text: str, locale: str, expect: str
) -> None:
    intent = model.classify(text, locale, school)
    assert (intent.label, intent.confidence >= CONFIDENT) == (expect, True)


@pytest.mark.parametrize(
    ("text", "locale", "category"),
    [
        ("problem with the bus", "en", "transportation"),
        ("el camión no pasó", "es", "transportation"),
        ("broken glass on the playground", "en", "facilities"),
    ],
)
def test_concern_without_a_complaint_word_fills_the_category(
    model: RetrievalModel, school: SchoolData, text: str, locale: str, category: str
) -> None:
    intent = model.classify(text, locale, school)
    assert intent.label == f"concern:{category}"
    assert intent.slots == {"category": category}


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("is the school hiring cafeteria workers", "en"),
        ("what is the wifi password for the cafeteria vending machine", "en"),
        ("can you recommend a dentist", "en"),
        ("quién ganó el partido de fútbol anoche", "es"),
        ("where can I park my truck overnight", "en"),
        ("明天会下雨吗", "zh_Hans"),
        ("хочу купить велосипед", "ru"),
    ],
)
def test_out_of_scope_is_never_answered_confidently(
    model: RetrievalModel, school: SchoolData, text: str, locale: str
) -> None:
    intent = model.classify(text, locale, school)
    assert intent.label == "none" or intent.confidence < CONFIDENT


def test_a_school_without_a_faq_entry_never_answers_it(model: RetrievalModel, school: SchoolData) -> None:
    plain = school.model_copy(update={"faq": [], "slug": "no-faq"})
    assert model.classify("is lunch free", "en", school).label == "faq:lunch"
    assert not model.classify("is lunch free", "en", plain).label.startswith("faq:")


def test_low_confidence_offers_alternatives(model: RetrievalModel, school: SchoolData) -> None:
    intent = model.classify("office teacher", "en", school)
    assert intent.alternatives
    assert all(label != intent.label for label, _ in intent.alternatives)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.sampled_from([*LOCALES, None]))
def test_any_text_gets_a_label_of_the_scheme(
    model: RetrievalModel, school: SchoolData, text: str, locale: str | None
) -> None:
    intent = model.classify(text, locale, school)
    assert is_known(intent.label, frozenset(LOCALES))
    assert 0.0 <= intent.confidence <= 1.0
    assert all(is_known(label, frozenset(LOCALES)) for label, _ in intent.alternatives)
