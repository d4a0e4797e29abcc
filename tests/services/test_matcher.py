from __future__ import annotations

import pytest

from bot import PROJECT_ROOT
from bot.app import LOCALES_DIR
from bot.i18n.keywords import load_keywords
from bot.services.matcher import TopicMatcher
from bot.services.school_data import SchoolData, load_school_file

SCHOOL: SchoolData = load_school_file(PROJECT_ROOT / "schools" / "demo.yaml")
MATCHER = TopicMatcher(load_keywords(LOCALES_DIR / "keywords.yaml"))


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("when is the office open", "hours"),
        ("When is the office open?", "hours"),
        ("ofice hours", "hours"),
        ("a que hora abre la oficina", "hours"),
        ("¿A qué hora abre la oficina?", "hours"),
        ("donde esta el centro de padres", "parent_center"),
        ("¿Dónde está el centro de padres?", "parent_center"),
        ("is lunch free", "faq:lunch"),
        ("my son is sick", "faq:absence"),
        ("mi hija esta enferma", "faq:absence"),
        ("what time does school start", "faq:start-time"),
        ("quiero cambiar el idioma", "language"),
        ("what is the school phone number", "contact"),
        ("I want to talk to the principal", "staff"),
    ],
)
def test_question_maps_to_topic(question: str, topic: str) -> None:
    match = MATCHER.match(question, SCHOOL)
    assert match is not None
    assert match.topic == topic


@pytest.mark.parametrize("question", ["blue elephant", "", "ok", "   ", "?!", "thanks", "1"])
def test_unrelated_text_matches_nothing(question: str) -> None:
    assert MATCHER.match(question, SCHOOL) is None


def test_exact_phrase_scores_100() -> None:
    match = MATCHER.match("when is the office open", SCHOOL)
    assert match is not None
    assert (match.phrase, match.score) == ("when is the office open", 100.0)


def test_longest_exact_phrase_wins() -> None:
    match = MATCHER.match("what time does school start tomorrow", SCHOOL)
    assert match is not None
    assert (match.topic, match.phrase) == ("faq:start-time", "what time does school start")


def test_typo_is_matched_fuzzily_below_100() -> None:
    match = MATCHER.match("is breakfst free", SCHOOL)
    assert match is not None
    assert (match.topic, match.phrase) == ("faq:lunch", "breakfast")
    assert 88 <= match.score < 100


def test_typo_in_a_phrase_is_matched_fuzzily() -> None:
    match = MATCHER.match("where is the parent centr", SCHOOL)
    assert match is not None
    assert match.topic == "parent_center"
    assert match.score < 100


@pytest.mark.parametrize(
    "reply", ["no", "si", "a", "i", "the", "de", "is", "me", "to", "what", "when", "open"]
)
def test_short_reply_inside_a_longer_phrase_matches_nothing(reply: str) -> None:
    assert MATCHER.match(reply, SCHOOL) is None


@pytest.mark.parametrize(
    ("question", "topic", "phrase"),
    [
        ("parent centr", "parent_center", "parent center"),
        ("office hour", "hours", "office hours"),
        ("hora de entrda", "faq:start-time", "hora de entrada"),
        ("lunc", "faq:lunch", "lunch"),
    ],
)
def test_question_shorter_than_a_phrase_still_matches_with_a_typo(
    question: str, topic: str, phrase: str
) -> None:
    match = MATCHER.match(question, SCHOOL)
    assert match is not None
    assert (match.topic, match.phrase) == (topic, phrase)
    assert 88 <= match.score < 100


def test_words_shorter_than_five_letters_are_not_matched_fuzzily() -> None:
    assert MATCHER.match("mael", SCHOOL) is None
    assert MATCHER.match("meet", SCHOOL) is not None


def test_faq_keywords_come_from_the_school() -> None:
    other = SCHOOL.model_copy(update={"faq": []})
    assert MATCHER.match("is lunch free", other) is None
    match = MATCHER.match("is lunch free", SCHOOL)
    assert match is not None
    assert match.topic == "faq:lunch"


def test_a_school_loaded_again_with_the_same_faq_reuses_its_index_and_a_changed_faq_does_not() -> None:
    matcher = TopicMatcher(load_keywords(LOCALES_DIR / "keywords.yaml"))
    again = load_school_file(PROJECT_ROOT / "schools" / "demo.yaml")
    assert again is not SCHOOL
    assert matcher._index(again) is matcher._index(SCHOOL)
    lunch = next(e for e in SCHOOL.faq if e.id == "lunch")
    changed = SCHOOL.model_copy(
        update={"faq": [lunch.model_copy(update={"keywords": {"en": ["taco tuesday"]}})]}
    )
    assert matcher._index(changed) is not matcher._index(SCHOOL)
    found = matcher.match("taco tuesday", changed)
    assert found is not None and found.topic == "faq:lunch"
    assert matcher.match("taco tuesday", SCHOOL) is None
