"""Two intent models in one: the keyword matcher and the retrieval model vote, and agreement makes sure.

The retrieval model ranks the right label first far more often than the keyword matcher, but its
confidence is low on long sentences in scripts whose words it has seen little (Korean, Chinese,
Arabic, Persian). The matcher's phrases rarely fire, and when they do they are often a single topic
word. Together: when both point the same way (the same label, or compatible ones like `concern` and
`concern:transportation`), the answer is much surer than either alone; when only the retrieval model
has an answer its own calibrated confidence decides; when they disagree the step offers both unless
the retrieval model is very sure. A concern category the text names in words (the category step's
synonyms, the same ones `fill_slots` reads) is a third, narrow voter for concerns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.services.school_data import SchoolData
from bot.understanding.intent import NONE, Intent, IntentModel
from bot.understanding.labels import CONCERN_CATEGORIES, compatible, slots
from bot.understanding.replies import ReplyBook, synonym_choices

CATEGORY_CONTEXT = "concern.category"
CATEGORY_LANGUAGES = 2  # the category words of the parent's language and English (all ten cost ~0.7 ms)
# The step's threshold with this model (bot/understanding/step.py THRESHOLD is the retrieval model's own):
# measured on the tuning tables, see bench/README.md.
THRESHOLD = 0.7
# The matcher's typo-tolerant pass costs about 0.2 ms a word: only short texts get it ("orario de ofisina");
# in longer ones the retrieval model's character n-grams carry the typos.
MATCHER_FUZZY_WORDS = 4


@dataclass(frozen=True)
class Policy:
    """The ensemble's operating point, tuned on the tuning tables (bench/understanding.py --method hybrid).

    Confidences are on the step's scale: the step acts from its threshold (THRESHOLD here) and offers
    "did you mean" from SUGGEST (0.2).
    """

    # Both models agree: acted on when the retrieval model is at least this sure. 0.6 (chosen on the even
    # rows of the tuning tables) holds back "what time does the public library open" but also "how do I
    # talk to the principal" and "orario de ofisina": agreed right and wrong answers have the same
    # retrieval confidence (bench/README.md), so the floor stays low and "none" examples do that work.
    # 0.4, not 0.3: below it the agreement is mostly one topic word both models share with a different
    # question ("cafeteria" in "is the cafeteria open to the public", "lớp" in "may I bring a birthday cake
    # to class"). On the tuning tables 0.4 answered no out-of-scope text (0.3: one) and gave 0.5% confident
    # wrong answers (0.3: 0.7%) for one right answer fewer; 0.45 scored the same there but held back
    # "orario de ofisina" (0.44), a typo the golden conversations expect answered.
    agree_floor: float = 0.4
    agreed: float = 0.8  # the confidence an agreed answer gets (above the step's threshold)
    # Agreement makes sure only an answer that leads the retrieval model's next different one by this much
    # (tuning tables: see bench/README.md, round 4).
    agree_margin: float = 0.05
    # They disagree: the retrieval model still wins from this confidence. 0: a disagreement never demotes
    # a sure answer; the matcher's misses are the very look-alikes the retrieval model tells apart
    # ("ELAC" is always the right to take part for the matcher, even in "when is the next ELAC meeting").
    overrule: float = 0.0
    disputed: float = 0.5  # otherwise both are offered with this confidence (a "did you mean")
    alone_suggest: float = 0.4  # a text only the retrieval model weakly places is offered nothing
    category_sure: float = 0.9  # a text naming two categories keeps the model's one only from this confidence
    matcher_alone: float = 0.5  # the retrieval model has nothing: the matcher's answer is only offered


@dataclass(frozen=True)
class Vote:
    """What one model says: its best label, how sure, and the other labels it would accept."""

    label: str
    confidence: float
    accepts: tuple[str, ...] = ()

    def agrees(self, label: str) -> bool:
        """True when this vote's label (or one it accepts) is `label` or compatible with it."""
        return any(other == label or compatible(other, label) for other in (self.label, *self.accepts))


class EnsembleModel:
    """Implements IntentModel with the retrieval model, the keyword matcher and the category words."""

    def __init__(
        self,
        retrieval: IntentModel,
        matcher: IntentModel,
        replies: ReplyBook | None = None,
        policy: Policy | None = None,
        categories: Sequence[str] = CONCERN_CATEGORIES,
    ) -> None:
        self.retrieval = retrieval
        self.matcher = matcher
        self.replies = replies
        self.policy = policy or Policy()
        self.categories = tuple(categories)

    def classify(self, text: str, locale: str | None, school: SchoolData) -> Intent:
        """The retrieval model's answer, made surer or disputed by the matcher's and the category words'."""
        found = self.retrieval.classify(text, locale, school)
        policy = self.policy
        if found.confidence >= policy.agreed and not found.label.startswith(("concern", NONE)):
            return found  # no vote could change a sure answer (disagreement never demotes it): skip them
        matcher, named = self._matcher_vote(text, locale, school), self._category_votes(text, locale)
        category = named[0] if len(named) == 1 else None
        voters = [v for v in (matcher, category) if v is not None]
        if (
            matcher is not None
            and category is not None
            and matcher.agrees(category.label)
            and (
                found.label == NONE
                or found.confidence < policy.agreed
                or compatible(found.label, category.label)
            )
        ):
            # The matcher's complaint words and the category's own words: a concern, its category named.
            return Intent(category.label, policy.agreed, slots(category.label), found.alternatives)
        if found.label == NONE:
            return self._matcher_only(found, voters)
        if len(named) > 1:
            found = self._general_concern(found)
        agreeing = [v for v in voters if v.agrees(found.label)]
        if agreeing and found.confidence >= policy.agree_floor and self._leads(found):
            label = _specific(found.label, [v.label for v in agreeing])
            return Intent(label, max(found.confidence, policy.agreed), slots(label), found.alternatives)
        if not voters and found.confidence < policy.alone_suggest:
            # "blue elephant", "do you have a soccer team for girls": nothing worth offering; a question
            # goes to staff instead of a "did you mean" that cannot help.
            return Intent(NONE, found.confidence)
        rivals = [v for v in voters if not v.agrees(found.label)]
        if not rivals or found.confidence >= policy.overrule:
            return found
        ranked: dict[str, float] = {}
        for label, score in [*((v.label, v.confidence) for v in rivals), *found.alternatives]:
            if label != found.label and label not in ranked:
                ranked[label] = round(score, 3)
        return Intent(found.label, min(found.confidence, policy.disputed), found.slots, tuple(ranked.items()))

    def _leads(self, found: Intent) -> bool:
        """True when the retrieval model's answer leads the next one that would do something else by the
        policy's margin: a vote for one of two near-tied answers ("how do I contact the principal":
        contact 0.43, staff 0.40) is one topic word, not a reason to be sure."""
        rival = max(
            (score for label, score in found.alternatives if not compatible(label, found.label)), default=0.0
        )
        return found.confidence - rival >= self.policy.agree_margin

    def _general_concern(self, found: Intent) -> Intent:
        """A text naming two categories ("a bully on the bus"): a concern whose category the parent picks."""
        if not found.label.startswith("concern:") or found.confidence >= self.policy.category_sure:
            return found
        return Intent("concern", found.confidence, {}, found.alternatives)

    def _matcher_only(self, found: Intent, voters: list[Vote]) -> Intent:
        if not voters:
            return found
        best = voters[0]
        sure = min(best.confidence, self.policy.matcher_alone)
        return Intent(best.label, sure, slots(best.label), tuple((a, sure) for a in best.accepts))

    def _matcher_vote(self, text: str, locale: str | None, school: SchoolData) -> Vote | None:
        said = self.matcher.classify(text, locale, school)
        if said.label == NONE:
            return None
        return Vote(said.label, said.confidence, tuple(label for label, _ in said.alternatives))

    def _category_votes(self, text: str, locale: str | None) -> tuple[Vote, ...]:
        """A concern for each category the text names in the category step's words."""
        if self.replies is None or not self.categories:
            return ()
        numbers = synonym_choices(
            self.replies, text, locale, CATEGORY_CONTEXT, len(self.categories), CATEGORY_LANGUAGES
        )
        return tuple(Vote(f"concern:{self.categories[n - 1]}", 0.0) for n in numbers)


def _specific(label: str, others: list[str]) -> str:
    """The most specific of agreeing labels ('concern:transportation' over 'concern')."""
    for other in others:
        if other != label and compatible(label, other) and other.startswith(f"{label}:"):
            return other
    return label
