"""The composition root: builds every part of the bot from `Settings`, and nothing else does."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot import PROJECT_ROOT
from bot.conversation import Conversation, ConversationConfig
from bot.engine.loader import FlowSet, load_flow_set
from bot.i18n.catalogs import Catalogs
from bot.i18n.keywords import KeywordTable, load_keywords
from bot.i18n.render import Renderer
from bot.outbox.dispatcher import Dispatcher, DispatcherConfig
from bot.outbox.transport import DryRunTransport, Transport
from bot.services import language, school_info
from bot.services.actions import ActionRegistry
from bot.services.consent import ConsentService
from bot.services.language import LanguageDetector
from bot.services.matcher import TopicMatcher
from bot.services.schools import SchoolDirectory
from bot.settings import Settings
from bot.store import Store
from bot.store.db import build_engine

log = logging.getLogger(__name__)

FLOWS_DIR = PROJECT_ROOT / "flows"
LOCALES_DIR = PROJECT_ROOT / "locales"


def build_actions() -> ActionRegistry:
    """Every action a flow may name."""
    registry = ActionRegistry()
    registry.register_all(school_info.ACTIONS)
    registry.register_all(language.ACTIONS)
    return registry


def load_content(
    flows_dir: Path = FLOWS_DIR, locales_dir: Path = LOCALES_DIR
) -> tuple[FlowSet, Catalogs, KeywordTable]:
    """Flows, catalogs and keywords: the bot's words, read from data files."""
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
    transport: Transport

    def dispatcher(self, worker: str | None = None) -> Dispatcher:
        """A dispatcher for this process's outbox work."""
        config = DispatcherConfig(
            messages_per_second=self.settings.sender_messages_per_second,
            max_attempts=self.settings.outbox_max_attempts,
        )
        name = worker or f"{socket.gethostname()}:{os.getpid()}"
        return Dispatcher(self.store, self.transport, config, name)

    def close(self) -> None:
        """Release database connections."""
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
    )


def build_bot(settings: Settings, *, transport: Transport | None = None) -> Bot:
    """Wire the bot for these settings (no network is touched until something is sent)."""
    flow_set, catalogs, keywords = load_content()
    store = Store(build_engine(settings.database_url))
    actions = build_actions()
    renderer = Renderer(catalogs, flow_set.messages)
    schools = SchoolDirectory()
    shipped = tuple(catalogs.available())
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
        matcher=TopicMatcher(keywords),
        schools=schools,
        config=ConversationConfig(
            session_ttl=timedelta(hours=settings.session_ttl_hours),
            zone=settings.timezone,
            shipped_locales=shipped,
            region=settings.default_region,
        ),
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
        consent=ConsentService(store),
        transport=transport or build_transport(settings),
    )
