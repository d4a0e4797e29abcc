"""The composition root: builds every part of the bot from `Settings`, and nothing else does."""

from __future__ import annotations

import functools
import logging
import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from slack_bolt import App

from bot.channels.translators import build_translator
from bot.clock import utcnow
from bot.content import flows_dir, locales_dir
from bot.conversation import Conversation, ConversationConfig
from bot.domain import Contact
from bot.engine.engine import ActionResult
from bot.engine.loader import FlowSet, load_flow_set
from bot.i18n.catalogs import Catalogs
from bot.i18n.keywords import KeywordTable, load_keywords
from bot.i18n.render import Renderer
from bot.outbox.dispatcher import Dispatcher, DispatcherConfig, Limiter
from bot.outbox.transport import DryRunSlackTransport, DryRunTransport, Transport
from bot.services import answers, language, school_info
from bot.services.actions import Action, ActionRegistry
from bot.services.announcements import AnnouncementConfig, AnnouncementService
from bot.services.answers import Answerer, QuestionLog
from bot.services.concern_threads import ConcernThreads, ThreadConfig
from bot.services.concerns import ConcernConfig, ConcernService
from bot.services.consent import ConsentService
from bot.services.data_rights import phone_token_function
from bot.services.events import EventConfig, EventService
from bot.services.inbound_throttle import InboundThrottle, ThrottleConfig
from bot.services.language import LanguageDetector
from bot.services.matcher import TopicMatcher
from bot.services.pulses import PulseConfig, PulseService
from bot.services.quiet_hours import QuietHours
from bot.services.reminders import ReminderService
from bot.services.rights import RightsService
from bot.services.schools import NoSchool, SchoolDirectory
from bot.services.teaching import TeachingConfig, TeachingService
from bot.services.volunteer_flow import VolunteerFlow
from bot.services.volunteers import VolunteerConfig, VolunteerService
from bot.settings import Settings
from bot.store import Store, Tx
from bot.store.db import build_engine
from bot.understanding.ensemble import MATCHER_FUZZY_WORDS, EnsembleModel
from bot.understanding.ensemble import THRESHOLD as ENSEMBLE_THRESHOLD
from bot.understanding.intent import IntentModel
from bot.understanding.lazy_model import LazyIntentModel
from bot.understanding.matcher_model import MatcherIntentModel
from bot.understanding.replies import ReplyBook, load_reply_book
from bot.understanding.step import Understanding

if TYPE_CHECKING:
    from bot.channels.slack_app import Extension

log = logging.getLogger(__name__)

FLOWS_DIR = flows_dir()  # CONTENT_DIR, the checkout, or the installed package (bot.content)
LOCALES_DIR = locales_dir()
SHARED_HEADROOM = 0.97
OFFER_CHECK_MINUTES = 5.0  # how often a waitlist offer whose time ran out passes to the next parent


WIRED_ACTION_NAMES = (
    "concern.submit",
    "concern.ucp_info",
    "concern.status",
    "concern.survey",
    "rights.topics",
    "rights.open",
    "rights.viewed",
    "rights.school_topic",
    "rights.request",
    "rights.self_check",
    "events.list",
    "events.open",
    "events.rsvp",
    "events.find",
    "events.matches",
    "events.pick",
    "thread.route",
    "thread.options",
    "thread.add",
    "pulse.answer",
)
VOLUNTEER_ACTION_NAMES = (
    "volunteer.open",
    "volunteer.save_profile",
    "volunteer.list",
    "volunteer.pick",
    "volunteer.signup",
    "volunteer.mine",
    "volunteer.pick_mine",
    "volunteer.cancel",
    "volunteer.answer_offer",
)


def build_actions(
    concerns: ConcernService | None = None,
    rights: RightsService | None = None,
    volunteers: VolunteerService | None = None,
    events: EventService | None = None,
    threads: ConcernThreads | None = None,
    pulses: PulseService | None = None,
) -> ActionRegistry:
    """Every action a flow may name (concern, rights, volunteer and event actions need the wired services)."""
    registry = ActionRegistry()
    registry.register_all(school_info.ACTIONS)
    registry.register_all(language.ACTIONS)
    registry.register_all(answers.ACTIONS)
    wired: dict[str, Action] = {}
    for service in (concerns, rights, events, threads, pulses):
        if service is not None:
            wired.update(service.actions())
    if volunteers is not None:
        wired.update(VolunteerFlow(volunteers).actions())
    names = (*WIRED_ACTION_NAMES, *VOLUNTEER_ACTION_NAMES)
    registry.register_all({name: wired.get(name, _unwired) for name in names})
    return registry


def _unwired(_ctx: object) -> ActionResult:
    raise RuntimeError("this action needs the wired services (build_bot does that)")


@functools.cache
def load_content(
    flows_dir: Path = FLOWS_DIR, locales_dir: Path = LOCALES_DIR
) -> tuple[FlowSet, Catalogs, KeywordTable]:
    """Flows, catalogs and keywords: the bot's words, read from data files once per process.

    All three are read-only once loaded, so every bot of a process (tests build hundreds) shares them.
    """
    return load_flow_set(flows_dir), Catalogs(locales_dir), load_keywords(locales_dir / "keywords.yaml")


@dataclass
class Bot:
    """Everything wired together for one process."""

    settings: Settings
    store: Store
    flow_set: FlowSet
    catalogs: Catalogs
    keywords: KeywordTable
    actions: ActionRegistry
    renderer: Renderer
    schools: SchoolDirectory
    detector: LanguageDetector
    conversation: Conversation
    consent: ConsentService
    concerns: ConcernService
    volunteers: VolunteerService
    transport: Transport
    slack_transport: Transport
    reminders: ReminderService
    announcements: AnnouncementService
    quiet_hours: QuietHours
    events: EventService
    slack_app: App | None = None
    teaching: TeachingService | None = None

    def warm_up(self) -> None:
        """Load the language and intent models and index the active school's FAQ now, not on a first text."""
        self.detector.warm_up()
        retrieval_model().warm_up()
        try:
            with self.store.reading() as tx:
                school = self.schools.current(tx)
        except NoSchool:
            return  # nothing loaded yet: the first text for the school builds its index (under a second)
        self.conversation.understanding.interpret("hello", school.data.default_locale, school.data)

    def dispatcher(self, worker: str | None = None, *, clock: Callable[[], datetime] = utcnow) -> Dispatcher:
        """A dispatcher for this process's outbox work, reading the school's time from `clock`."""
        config = DispatcherConfig(
            messages_per_second=self.settings.sender_messages_per_second,
            max_attempts=self.settings.outbox_max_attempts,
            quiet_hours=self.quiet_hours,
            stale_after=timedelta(seconds=self.settings.outbox_stale_after_seconds),
        )
        name = worker or f"{socket.gethostname()}:{os.getpid()}"
        return Dispatcher(
            self.store,
            self.transport,
            config,
            name,
            {"slack": (self.slack_transport, self.settings.slack_posts_per_second)},
            limiter_factory=None if self.store.sqlite else self._shared_limiter,
            clock=clock,
        )

    def periodic_jobs(self) -> list[tuple[str, str, float]]:
        """(job id, 'module:function', every N minutes) of the recurring jobs features add."""
        return [("volunteers:expire_offers", "scheduler.jobs:expire_volunteer_offers", OFFER_CHECK_MINUTES)]

    def _shared_limiter(self, channel: str, rate: float) -> Limiter:
        """On PostgreSQL every dispatcher process takes its send slots from one row per sender."""
        from bot.outbox.shared_rate import SharedRateLimiter
        from bot.store.rate_repo import SharedSendSlots

        sender = f"{channel}:{self.settings.twilio_messaging_service_sid or self.settings.twilio_from_number}"
        # Slots are spaced evenly, but sends from different processes reach the provider with
        # different delays; 3% headroom keeps the busiest second at the rate, measured where it counts.
        return SharedRateLimiter(SharedSendSlots(self.store.engine, sender).reserve, rate * SHARED_HEADROOM)

    def close(self) -> None:
        """Release database connections and the translator's HTTP client."""
        closer = getattr(self.concerns.translator, "close", None)
        if callable(closer):
            closer()
        self.store.dispose()


def build_transport(settings: Settings) -> Transport:
    """The real Twilio transport when credentials are set, otherwise the dry-run one."""
    if not settings.twilio_live:
        log.info("no Twilio credentials: outbound SMS are written to the log (dry run)")
        return DryRunTransport()
    from bot.channels.twilio_transport import TwilioTransport

    return TwilioTransport(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        from_number=settings.twilio_from_number,
        messaging_service_sid=settings.twilio_messaging_service_sid,
        status_callback=f"{settings.public_base_url}/twilio/status",
        api_base_url=settings.twilio_api_base_url,
        timeout=settings.twilio_timeout_seconds,
    )


def build_bot(
    settings: Settings, *, transport: Transport | None = None, slack_transport: Transport | None = None
) -> Bot:
    """Wire the bot for these settings (no network is touched until something is sent)."""
    flow_set, catalogs, keywords = load_content()
    token = phone_token_function(settings.phone_hash_key) if settings.phone_hash_key else None
    store = Store(build_engine(settings.database_url), phone_token=token)
    renderer = Renderer(catalogs, flow_set.messages, flow_set.message_sets)
    schools = SchoolDirectory(store)
    zone = schools.zone  # the active school's time zone, read whenever a time is shown or planned
    quiet_hours = QuietHours(settings.quiet_hours_start, settings.quiet_hours_end, zone)
    pulses = PulseService(
        store=store,
        flow_set=flow_set,
        renderer=renderer,
        schools=schools,
        config=PulseConfig(min_days=settings.pulse_min_days, quiet=quiet_hours),
    )
    concerns = ConcernService(
        store=store,
        flow_set=flow_set,
        renderer=renderer,
        schools=schools,
        translator=build_translator(settings),
        config=ConcernConfig(
            ack_target_days=settings.concern_ack_target_school_days,
            resolve_target_days=settings.concern_resolve_target_school_days,
            concerns_channel=settings.slack_concerns_channel,
            escalation_channel=settings.slack_escalation_channel,
            staff_ids=settings.staff_ids,
        ),
        pulses=pulses,
    )
    shipped = tuple(catalogs.available())
    reminders = ReminderService(store, zone)
    volunteers = VolunteerService(
        store=store,
        flow_set=flow_set,
        renderer=renderer,
        schools=schools,
        keywords=keywords,
        config=VolunteerConfig(zone=zone, offer_hours=settings.volunteer_offer_hours, quiet=quiet_hours),
        reminders=reminders,
    )
    reminders.register("shift", volunteers.send_reminder)
    events = EventService(
        store=store,
        reminders=reminders,
        renderer=renderer,
        schools=schools,
        config=EventConfig(zone=zone),
        pulses=pulses,
    )
    reminders.register("event", events.send_reminder)
    threads = ConcernThreads(
        store=store,
        renderer=renderer,
        schools=schools,
        translator=concerns.translator,
        quiet=quiet_hours,
        config=ThreadConfig(
            concerns_channel=settings.slack_concerns_channel,
            days_after_resolve=settings.concern_thread_days_after_resolve,
            direct_days=settings.direct_thread_days,
            note_prefix=settings.slack_note_prefix,
            urgent_prefix=settings.slack_urgent_prefix,
            region=settings.default_region,
        ),
        on_concern_reply=concerns.acknowledge_by_reply,
    )
    actions = build_actions(concerns, RightsService(concerns), volunteers, events, threads, pulses)
    announcements = AnnouncementService(
        store,
        schools,
        AnnouncementConfig(
            quiet=quiet_hours,
            default_locale=settings.default_locale,
            shipped=shipped,
            price_per_segment=settings.sms_price_per_segment,
            threshold=settings.home_language_threshold,
        ),
    )
    conversation: Conversation | None = None
    teaching = TeachingService(
        store=store,
        schools=schools,
        renderer=renderer,
        translator=concerns.translator,
        answers=lambda tx, contact, label: _answer_later(conversation, tx, contact, label),
        config=TeachingConfig(channel=settings.slack_questions_channel, quiet=quiet_hours),
    )
    slack_app = None
    if settings.slack_live:
        from bot.channels.slack_announce import announcement_extension
        from bot.channels.slack_events import event_extension
        from bot.channels.slack_questions import questions_extension
        from bot.channels.slack_volunteers import volunteer_extension

        extensions = [
            announcement_extension(announcements, shipped, settings.default_locale, zone),
            volunteer_extension(volunteers, concerns.claim_delivery),
            event_extension(events, zone),
            questions_extension(teaching, concerns.claim_delivery),
        ]
        slack_app, live_slack_transport = build_slack(settings, concerns, extensions, teaching, threads)
        slack_transport = slack_transport or live_slack_transport
    else:
        log.info("no Slack credentials: staff alerts are written to the log (dry run)")
    detector = LanguageDetector(
        shipped, settings.language_detect_min_letters, settings.language_detect_confidence
    )
    conversation = Conversation(
        store=store,
        flow_set=flow_set,
        actions=actions,
        renderer=renderer,
        keywords=keywords,
        detector=detector,
        understanding=build_understanding(keywords, shipped),
        schools=schools,
        config=ConversationConfig(
            session_ttl=timedelta(hours=settings.session_ttl_hours),
            shipped_locales=shipped,
            region=settings.default_region,
        ),
        throttle=InboundThrottle(
            ThrottleConfig(
                max_per_minute=settings.inbound_max_per_minute,
                new_numbers_per_minute=settings.new_numbers_per_minute,
                staff_channel=settings.slack_escalation_channel or settings.slack_concerns_channel,
            )
        ),
        on_unanswered=teaching.plan_posts,
        threads=threads,
    )
    return Bot(
        settings=settings,
        store=store,
        flow_set=flow_set,
        catalogs=catalogs,
        keywords=keywords,
        actions=actions,
        renderer=renderer,
        schools=schools,
        detector=detector,
        conversation=conversation,
        consent=ConsentService(store, settings.default_locale, on_delivery=threads.on_delivery),
        concerns=concerns,
        volunteers=volunteers,
        transport=transport or build_transport(settings),
        slack_transport=slack_transport or DryRunSlackTransport(),
        reminders=reminders,
        announcements=announcements,
        quiet_hours=quiet_hours,
        events=events,
        slack_app=slack_app,
        teaching=teaching,
    )


def _answer_later(conversation: Conversation | None, tx: Tx, contact: Contact, label: str) -> list[str]:
    """Conversation.answer_later, once the conversation is built (teaching is built before it)."""
    if conversation is None:
        raise RuntimeError("the conversation is not wired yet")
    return conversation.answer_later(tx, contact, label)


def build_understanding(keywords: KeywordTable, shipped: tuple[str, ...]) -> Understanding:
    """The understanding step: the retrieval model (built once per process) with the keyword matcher."""
    replies = shipped_reply_book(shipped)
    model = EnsembleModel(
        retrieval_model(),
        MatcherIntentModel(Answerer(shipped_topic_matcher(keywords)), keywords),
        replies,
    )
    return Understanding(keywords, model, replies, threshold=ENSEMBLE_THRESHOLD)


_TOPIC_MATCHERS: dict[int, tuple[KeywordTable, TopicMatcher]] = {}


def shipped_topic_matcher(keywords: KeywordTable) -> TopicMatcher:
    """One keyword matcher per keyword table in this process: its phrase index takes ~50 ms to build."""
    kept = _TOPIC_MATCHERS.get(id(keywords))
    if kept is None or kept[0] is not keywords:  # the table is kept with it, so its id stays its own
        matcher = TopicMatcher(keywords, fuzzy_words=MATCHER_FUZZY_WORDS)
        kept = _TOPIC_MATCHERS[id(keywords)] = (keywords, matcher)
    return kept[1]


@functools.cache
def shipped_reply_book(shipped: tuple[str, ...]) -> ReplyBook:
    """The shipped languages' reply words: read once per process (they are read-only)."""
    return load_reply_book(LOCALES_DIR, shipped)


@functools.cache
def retrieval_model() -> LazyIntentModel:
    """The retrieval model over the shipped examples: one per process, built when first used."""

    def build() -> IntentModel:
        from bot.understanding.factory import build_intent_model  # scikit-learn, only when needed

        return build_intent_model(LOCALES_DIR)

    return LazyIntentModel(build)


def build_slack(
    settings: Settings,
    concerns: ConcernService,
    extensions: Iterable[Extension] = (),
    teaching: TeachingService | None = None,
    threads: ConcernThreads | None = None,
) -> tuple[App, Transport]:
    """The Bolt app staff talk to and the transport that posts concern alerts, sharing one client."""
    from bot.channels import slack_blocks
    from bot.channels.slack_app import CommandRequest, Subcommand, build_slack_app, web_client
    from bot.channels.slack_questions import poster_kinds
    from bot.channels.slack_report import report_subcommand
    from bot.channels.slack_transport import SlackAlertTransport
    from bot.report.service import options_from

    questions = QuestionLog(concerns.store)

    def list_questions(request: CommandRequest) -> None:
        text, blocks = slack_blocks.unanswered_questions(questions.recent(), utcnow())
        request.respond(text=text, blocks=blocks, response_type="ephemeral")

    client = web_client(token=settings.slack_bot_token, api_url=settings.slack_api_url)
    if threads is not None:
        from bot.channels.slack_threads import thread_extension

        show = settings.slack_show_descriptions
        extensions = [*extensions, thread_extension(threads, client, show, concerns)]
    app = build_slack_app(
        signing_secret=settings.slack_signing_secret,
        client=client,
        concerns=concerns,
        show_descriptions=settings.slack_show_descriptions,
        staff_ids=settings.staff_ids,
        subcommands={
            "questions": Subcommand(
                "`/outreach questions`: what parents asked that no answer fitted", list_questions
            ),
            "report": report_subcommand(concerns.store, options_from(settings)),
        },
        extensions=extensions,
        process_before_response=settings.slack_process_before_response,
    )
    posters = poster_kinds(teaching) if teaching is not None else {}
    if threads is None:
        return app, SlackAlertTransport(client, concerns, settings.slack_show_descriptions, posters)
    from bot.channels.slack_threads import SlackThreadTransport

    return app, SlackThreadTransport(client, concerns, settings.slack_show_descriptions, threads, posters)
