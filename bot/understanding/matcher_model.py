"""Today's keyword matcher behind the intent port, until the retrieval model replaces it."""

from __future__ import annotations

from bot.i18n.keywords import KeywordTable
from bot.services.answers import Answerer
from bot.services.school_data import SchoolData
from bot.understanding.intent import NONE, Intent

RIGHTS_PREFIX = "rights_"
ANSWER_CONFIDENCE = 0.8  # one clear keyword answer
CLOSE_CONFIDENCE = 0.5  # two answers too close to choose: below the threshold, a "did you mean"
# Commands whose label differs from the keyword table's name.
COMMAND_LABELS = {"status": "concern_status"}


def label_of(topic: str) -> str:
    """The label-scheme name of a matcher topic ('rights_visit' -> 'rights:visit')."""
    if topic.startswith(RIGHTS_PREFIX):
        return f"rights:{topic[len(RIGHTS_PREFIX) :]}"
    return topic


def topic_of(label: str) -> str:
    """The matcher topic (answer id) of a label ('rights:visit' -> 'rights_visit')."""
    if label.startswith("rights:"):
        return f"{RIGHTS_PREFIX}{label[len('rights:') :]}"
    return label


class MatcherIntentModel:
    """Implements IntentModel with the keyword table and the TopicMatcher's answerer."""

    def __init__(self, answerer: Answerer, keywords: KeywordTable) -> None:
        self.answerer = answerer
        self.keywords = keywords

    def classify(self, text: str, locale: str | None, school: SchoolData) -> Intent:
        """The command a whole text names, else the matcher's answer, else none."""
        if self.keywords.asks_to_stop(text):
            return Intent("stop", 1.0)
        command = self.keywords.command(text)
        if command is not None:
            return Intent(COMMAND_LABELS.get(command, command), 1.0)
        decision = self.answerer.decide(text, school)
        if decision.kind == "answer":
            return Intent(label_of(decision.answers[0]), ANSWER_CONFIDENCE)
        if decision.kind == "clarify":
            labels = [label_of(a) for a in decision.answers]
            return Intent(
                labels[0], CLOSE_CONFIDENCE, alternatives=tuple((lb, CLOSE_CONFIDENCE) for lb in labels)
            )
        return Intent(NONE, 0.0)
