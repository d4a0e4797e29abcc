"""The ensemble of the retrieval model and the keyword matcher: its decisions on look-alike answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import load_content
from bot.services.answers import Answerer
from bot.services.matcher import TopicMatcher
from bot.services.school_data import SchoolData
from bot.understanding.ensemble import THRESHOLD, EnsembleModel
from bot.understanding.intent import NONE, Intent
from bot.understanding.labels import CONCERN_CATEGORIES
from bot.understanding.matcher_model import MatcherIntentModel
from bot.understanding.model import RetrievalModel
from bot.understanding.replies import load_reply_book

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"


class Fixed:
    """An intent model that always answers the same."""

    def __init__(self, intent: Intent) -> None:
        self.intent = intent

    def classify(self, text: str, locale: str | None, school: SchoolData) -> Intent:
        """The fixed intent, whatever the text."""
        return self.intent


@pytest.fixture(scope="module")
def ensemble(model: RetrievalModel) -> EnsembleModel:
    """The ensemble as the app builds it."""
    flow_set, _, keywords = load_content()
    categories = tuple(c.set["category"] for c in flow_set.flows["concern"].steps["category"].choices or ())
    assert categories == CONCERN_CATEGORIES  # the category words are numbered as the step shows them
    matcher = MatcherIntentModel(Answerer(TopicMatcher(keywords)), keywords)
    return EnsembleModel(model, matcher, load_reply_book(LOCALES_DIR))


@pytest.mark.parametrize(
    ("text", "locale", "expect"),
    [
        # the matcher reads "ELAC" as the right to take part; the event wins
        ("when is the next ELAC meeting", "en", "events"),
        ("what is the ELAC and can parents be on it", "en", "rights:decisions"),
        # signing up vs the right to volunteer (the matcher says the right for both)
        ("I want to volunteer", "en", "volunteer"),
        ("do parents need a TB test before volunteering", "en", "rights:volunteer"),
        # pick-up vs office hours (the matcher's "a que hora" is the office)
        ("a que hora tengo que recoger a mi niña", "es", "faq:start-time"),
        ("a que hora cierran la oficina", "es", "hours"),
        # a concern's status vs a new concern (the matcher's "complaint" is a new one)
        ("was the complaint I filed last week handled?", "en", "concern_status"),
        # a long concern in Korean: the matcher's complaint word and the bus word name the category
        (
            "안녕하세요, 스쿨버스가 매일 아침 30분씩 늦게 와서 민원을 넣고 싶습니다",
            "ko",
            "concern:transportation",
        ),
        # two categories named: the parent picks
        ("I have a problem with a bully on the bus", "en", "concern"),
    ],
)
def test_look_alikes_are_answered_confidently(
    ensemble: EnsembleModel, school: SchoolData, text: str, locale: str, expect: str
) -> None:
    intent = ensemble.classify(text, locale, school)
    assert intent.label == expect
    assert intent.confidence >= THRESHOLD


@pytest.mark.parametrize(
    ("text", "locale"),
    [("blue elephant", "en"), ("elefante azul", "es"), ("do you have a soccer team for girls", "en")],
)
def test_what_nothing_supports_offers_nothing(
    ensemble: EnsembleModel, school: SchoolData, text: str, locale: str
) -> None:
    assert ensemble.classify(text, locale, school).label == NONE


def test_a_disputed_weak_answer_offers_both(ensemble: EnsembleModel, school: SchoolData) -> None:
    intent = ensemble.classify("the teacher is unfair to my son", "en", school)
    assert intent.confidence < THRESHOLD
    assert intent.label.startswith("concern")
    assert "staff" in [label for label, _ in intent.alternatives]


def test_the_same_text_gets_the_same_answer(ensemble: EnsembleModel, school: SchoolData) -> None:
    texts = [
        "ya atendieron la queja que puse?",
        "反映的问题处理了吗",
        "wag nyo na ako i-text",
        "blue elephant",
    ]
    first = [ensemble.classify(t, None, school) for t in texts]
    assert [ensemble.classify(t, None, school) for t in texts] == first


def test_agreement_on_one_of_two_near_tied_answers_is_not_sure(school: SchoolData) -> None:
    tied = EnsembleModel(
        Fixed(Intent("contact", 0.43, alternatives=(("staff", 0.40),))), Fixed(Intent("contact", 0.9))
    )
    assert tied.classify("how do I contact the principal", "en", school).confidence < 0.7
    ahead = EnsembleModel(
        Fixed(Intent("contact", 0.43, alternatives=(("staff", 0.30),))), Fixed(Intent("contact", 0.9))
    )
    assert ahead.classify("how do I contact the principal", "en", school).confidence >= 0.7


def test_agreement_must_also_lead_a_near_none_example(school: SchoolData) -> None:
    # "el camión de la basura no pasó": a bus word both voters share, a "none" example as close.
    near_none = EnsembleModel(
        Fixed(Intent("hours", 0.54, alternatives=((NONE, 0.53),))), Fixed(Intent("hours", 0.9))
    )
    assert near_none.classify("what time does the DMV office open", "en", school).confidence < THRESHOLD
    far_none = EnsembleModel(
        Fixed(Intent("hours", 0.54, alternatives=((NONE, 0.3),))), Fixed(Intent("hours", 0.9))
    )
    assert far_none.classify("whens the office open", "en", school).confidence >= THRESHOLD


def test_the_retrieval_model_names_a_close_none_example_among_the_runners_up(
    model: RetrievalModel, school: SchoolData
) -> None:
    found = model.classify("el camión de la basura no pasó hoy por mi calle", "es", school)
    assert NONE in [label for label, _ in found.alternatives]


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("who won the basketball game yesterday", "en"),
        ("what time does the DMV close on saturday", "en"),
        ("how do I complain to the gas company", "en"),
        ("no recogieron la basura en mi calle", "es"),
    ],
)
def test_other_places_and_services_are_not_the_schools_answers(
    ensemble: EnsembleModel, school: SchoolData, text: str, locale: str
) -> None:
    # Sports results, state and city offices, companies: topic words ("game", "office", "complain") shared
    # with the school's answers are no reason to be sure.
    found = ensemble.classify(text, locale, school)
    assert found.label == NONE or found.confidence < THRESHOLD, (found.label, found.confidence)
