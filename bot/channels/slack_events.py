"""Slack for events: `/outreach event new` (a modal), `/outreach event ID` and `/outreach events`.

The slash command is already limited to staff by the concern listeners; the modal submission is
checked again, and its errors travel in the ack (`response_action: errors`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import clock
from bot.channels import slack_event_blocks as kit
from bot.channels.slack_app import (
    NOT_STAFF,
    CommandRequest,
    Extension,
    Subcommand,
    actor_of,
    direct_message,
    open_then_fill,
)
from bot.channels.slack_blocks import fit
from bot.channels.slack_guards import parse_id
from bot.services.event_types import EventNotFound, EventStateError
from bot.services.events import EventService
from bot.services.school_data import ZoneSource

log = logging.getLogger(__name__)

USAGE_NEW = "`/outreach event new`: create an event (a form opens)"
USAGE_SHOW = "`/outreach event 12`: one event with its RSVP counts"
USAGE_CANCEL = "`/outreach event cancel 12`: cancel it; parents who said yes are told"
USAGE_LIST = "`/outreach events`: upcoming events with their RSVP counts (`events 2`: the next page)"


class EventListeners:
    """The slash subcommands and the modal listener for events, bound to one client and service."""

    def __init__(
        self, *, client: WebClient, events: EventService, allows: Callable[[str], bool], zone: ZoneSource
    ) -> None:
        self.client, self.events, self.allows, self.zone = client, events, allows, zone

    def subcommands(self) -> dict[str, Subcommand]:
        """The `/outreach` subcommands to add to the command's table."""
        return {
            "event": Subcommand(f"{USAGE_NEW}; {USAGE_SHOW}; {USAGE_CANCEL}", self.event),
            "events": Subcommand(USAGE_LIST, self.list_events),
        }

    def register(self, app: App) -> None:
        """Listen for the modal's submission."""
        app.view(kit.EVENT_VIEW)(self.on_submitted)

    def event(self, request: CommandRequest) -> None:
        """`/outreach event new` opens the form; `/outreach event 12` shows one event."""
        words = request.args.lower().split()
        argument = words[0] if words else ""
        if argument == "new":
            self.open_modal(request)
            return
        if argument == "cancel" and len(words) == 2 and (number := parse_id(words[1])) is not None:
            self.cancel(request, number)
            return
        event_id = parse_id(argument)
        if event_id is None:
            request.respond(text=f"{USAGE_NEW}\n{USAGE_SHOW}\n{USAGE_CANCEL}", response_type="ephemeral")
            return
        try:
            view = self.events.view(event_id)
        except EventNotFound as exc:  # unknown, or another school's: "no event #12 at <school>"
            request.respond(text=f":warning: {fit(str(exc), 500)}", response_type="ephemeral")
            return
        text, blocks = kit.event_detail(view, self.zone())
        request.respond(text=text, blocks=blocks, response_type="ephemeral")

    def cancel(self, request: CommandRequest, event_id: int) -> None:
        """`/outreach event cancel 12`: cancel the event and its reminders."""
        try:
            view, told = self.events.cancel(event_id, actor=request.user_id)
        except (EventNotFound, EventStateError) as exc:
            request.respond(text=f":warning: {fit(str(exc), 500)}", response_type="ephemeral")
            return
        text = (
            f":no_entry_sign: Event #{view.id} {fit(view.title(), 120)} is cancelled; "
            f"{told} parent(s) who said yes will get a text in their language."
        )
        request.respond(text=text, response_type="ephemeral")

    def list_events(self, request: CommandRequest) -> None:
        """`/outreach events`: upcoming events, soonest first."""
        page = parse_id(request.args.split()[0]) if request.args else None
        text, blocks = kit.events_list(self.events.upcoming(), self.zone(), page or 1)
        request.respond(text=text, blocks=blocks, response_type="ephemeral")

    def open_modal(self, request: CommandRequest) -> None:
        """Open the new-event form for the user who typed the command (loading first, then filled in)."""

        def fill() -> dict[str, Any]:
            default, languages = self.events.school_languages()
            second = next((code for code in languages if code != default), None)
            return kit.new_event_modal(
                default_locale=default,
                second_locale=second,
                languages=languages,
                channel=request.channel_id,
                today=kit.default_day(clock.utcnow(), self.zone()),
            )

        def report(problem: str) -> None:
            request.respond(text=problem, response_type="ephemeral")

        open_then_fill(request.client, request.trigger_id, "New event", fill, report)

    def on_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        """Store the event, or show what to fix in the form."""
        user = actor_of(body).user_id
        if not self.allows(user):
            ack(response_action="errors", errors={kit.TITLE_BLOCK: NOT_STAFF})
            return
        default, _ = self.events.school_languages()
        spec, errors = kit.read_submission(view, zone=self.zone(), default_locale=default)
        if spec is None:
            ack(response_action="errors", errors=errors)
            return
        # The view id makes the key, so a retried submission updates the same event.
        key = f"slack-{str(view.get('id') or '').lower()}" if view.get("id") else None
        try:
            saved, _status = self.events.save(replace(spec, key=key) if key else spec, actor=user)
        except EventStateError as exc:
            ack(response_action="errors", errors={kit.DATE_BLOCK: str(exc)[:150]})
            return
        ack()
        # A DM, not an ephemeral in the channel the command came from: the bot may not be in it.
        direct_message(self.client, user, kit.created_text(saved, self.zone()))


def event_extension(events: EventService, zone: ZoneSource) -> Extension:
    """The Slack part of events, for `build_slack_app(extensions=...)`."""

    def extend(app: App, allows: Callable[[str], bool]) -> dict[str, Subcommand]:
        listeners = EventListeners(client=app.client, events=events, allows=allows, zone=zone)
        listeners.register(app)
        return listeners.subcommands()

    return extend
