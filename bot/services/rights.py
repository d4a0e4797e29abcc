"""The Parents' Bill of Rights flow: topics, the school's own wording, requests, and self-checks."""

from __future__ import annotations

from bot.engine.engine import ActionResult, Option
from bot.services.actions import Action, ActionContext
from bot.services.concerns import ConcernService
from bot.services.phones import display_phone
from bot.services.school_data import pick

# Built-in topics in menu order; each is the id of its first step in flows/rights.yaml and of its
# title in flows/rights_topics.yaml.
TOPICS = (
    "visit",
    "meet",
    "volunteer",
    "progress",
    "language",
    "rules",
    "decisions",
    "concerns",
    "responsibilities",
)
SCHOOL_TOPIC_STEP = "school_topic"
UCP_TOPICS = frozenset({"concerns"})


class RightsService:
    """Actions of the rights flow."""

    def __init__(self, concerns: ConcernService) -> None:
        self.concerns = concerns

    def actions(self) -> dict[str, Action]:
        """The flow actions this service provides."""
        return {
            "rights.topics": self._topics,
            "rights.open": self._open,
            "rights.viewed": self._viewed,
            "rights.school_topic": self._school_topic,
            "rights.request": self._request,
            "rights.self_check": self._self_check,
        }

    def _topics(self, ctx: ActionContext) -> ActionResult:
        own = {topic.id: topic for topic in ctx.school.rights_topics}
        options = []
        for topic_id in TOPICS:
            if topic_id in own:
                title = pick(own[topic_id].title, ctx.locale, ctx.school.default_locale)
            else:
                title = ctx.message("rights_topic", topic_id)
            options.append(Option(title, topic_id))
        options += [
            Option(pick(topic.title, ctx.locale, ctx.school.default_locale), topic.id)
            for topic in ctx.school.rights_topics
            if topic.id not in TOPICS
        ]
        return ActionResult(options=tuple(options))

    def _open(self, ctx: ActionContext) -> ActionResult:
        chosen = str(ctx.values.get("choice") or "")
        if any(topic.id == chosen for topic in ctx.school.rights_topics):
            return ActionResult(values={"rights_topic": chosen}, goto=SCHOOL_TOPIC_STEP)
        return ActionResult(values={"rights_topic": chosen}, goto=chosen if chosen in TOPICS else "topics")

    def _viewed(self, ctx: ActionContext) -> ActionResult:
        self._record_view(ctx, ctx.step)
        return ActionResult(values={"rights_topic": ctx.step})

    def _school_topic(self, ctx: ActionContext) -> ActionResult:
        chosen = str(ctx.values.get("rights_topic") or "")
        topic = next((t for t in ctx.school.rights_topics if t.id == chosen), None)
        if topic is None:
            return ActionResult(values={"text": ""}, goto="topics")
        self._record_view(ctx, chosen)
        return ActionResult(values={"text": pick(topic.text, ctx.locale, ctx.school.default_locale)})

    def _request(self, ctx: ActionContext) -> ActionResult:
        what = str(ctx.values.get("request") or "a request")
        topic = str(ctx.values.get("rights_topic") or "rights")
        reference = self.concerns.create_request(ctx, f"Asked through 'Your rights' ({topic}): {what}")
        ctx.record("4B", "rights_request", topic)
        return ActionResult(values={"reference": reference}, clear=("request",))

    def _self_check(self, ctx: ActionContext) -> ActionResult:
        topic = str(ctx.values.get("rights_topic") or "")
        answer = "yes" if ctx.step == "helped" else "no"
        ctx.record("4A", f"self_check_{answer}", topic)
        return ActionResult(values={"phone": display_phone(ctx.school.phone)})

    def _record_view(self, ctx: ActionContext, topic: str) -> None:
        # One reading is one row (4A, knowledge of the Bill); 4B reads what parents did with a right.
        ctx.record("4A", "rights_topic_viewed", topic)
        if topic in UCP_TOPICS:
            ctx.record("5C", "ucp_info_given", "rights")
