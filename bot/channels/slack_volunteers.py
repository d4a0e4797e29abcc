"""Volunteers in Slack: `/outreach volunteers`, `/outreach roster ID`, and the roster's buttons.

Buttons ack first, check the user is staff, act once per delivery, then redraw the roster in place.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.channels import slack_volunteer_blocks as kit
from bot.channels.slack_app import (
    REFUSAL,
    TROUBLE,
    CommandRequest,
    Extension,
    Subcommand,
    actor_of,
    delivery_key,
)
from bot.channels.slack_blocks import fit
from bot.channels.slack_guards import parse_id
from bot.services.volunteer_types import VolunteerError
from bot.services.volunteers import VolunteerService

log = logging.getLogger(__name__)
Body = dict[str, Any]


def volunteer_extension(volunteers: VolunteerService, claim: Callable[[str], bool]) -> Extension:
    """The Slack part of volunteers, for `build_slack_app(extensions=...)`; `claim` acts once per delivery."""

    def extend(app: App, allows: Callable[[str], bool]) -> dict[str, Subcommand]:
        listeners = VolunteerListeners(volunteers, allows, claim)
        listeners.register(app)
        return listeners.subcommands()

    return extend


class VolunteerListeners:
    """The `/outreach` subcommands and roster buttons for volunteers."""

    def __init__(
        self, volunteers: VolunteerService, allows: Callable[[str], bool], claim: Callable[[str], bool]
    ) -> None:
        self.volunteers, self.allows, self.claim = volunteers, allows, claim

    def subcommands(self) -> dict[str, Subcommand]:
        """The subcommands to add to `/outreach`."""
        return {
            "volunteers": Subcommand(
                "`/outreach volunteers`: upcoming volunteer shifts, places filled and waitlists",
                self.list_shifts,
            ),
            "roster": Subcommand(
                "`/outreach roster 12`: who is coming to shift 12; mark attendance and requirements",
                self.show_roster,
            ),
        }

    def register(self, app: App) -> None:
        """Listen to the roster's buttons."""
        app.action(kit.ATTENDED)(self.on_button)
        app.action(kit.NO_SHOW)(self.on_button)
        app.action(re.compile(f"^{kit.REQUIREMENT}_\\d+$"))(self.on_button)

    def list_shifts(self, request: CommandRequest) -> None:
        """`/outreach volunteers`."""
        text, blocks = kit.upcoming_shifts(self.volunteers.upcoming())
        request.respond(text=text, blocks=blocks, response_type="ephemeral")

    def show_roster(self, request: CommandRequest) -> None:
        """`/outreach roster 12`."""
        number = request.args.split()[0].lstrip("#") if request.args else ""
        shift_id = parse_id(number)
        if shift_id is None:
            request.respond(
                text="Which shift? `/outreach roster 12` (ids: `/outreach volunteers`)",
                response_type="ephemeral",
            )
            return
        try:
            text, blocks = kit.roster(self.volunteers.roster(shift_id))
        except VolunteerError as exc:
            request.respond(text=f":warning: {fit(str(exc), 500)}", response_type="ephemeral")
            return
        request.respond(text=text, blocks=blocks, response_type="ephemeral")

    def on_button(self, ack: Ack, body: Body, action: Body, respond: Respond) -> None:
        """Attended, did not come, or a requirement met: record it once and redraw the roster."""
        ack()
        who = actor_of(body)
        if not self.allows(who.user_id):
            respond(text=REFUSAL, response_type="ephemeral", replace_original=False)
            return
        key = delivery_key(body)
        if key is not None and not self.claim(key):
            return
        action_id, value = str(action.get("action_id") or ""), str(action.get("value") or "")
        try:
            if action_id in (kit.ATTENDED, kit.NO_SHOW):
                attended = action_id == kit.ATTENDED
                roster = self.volunteers.mark_attendance(_signup(value), attended, who.user_id)
            else:
                signup_id, _, requirement = value.partition(":")
                roster = self.volunteers.mark_requirement(_signup(signup_id), requirement, who.user_id)
        except (VolunteerError, ValueError) as exc:
            respond(text=f":warning: {fit(str(exc), 500)}", response_type="ephemeral", replace_original=False)
            return
        except Exception:
            log.exception("volunteer button %s failed", action_id)
            respond(text=":warning: " + TROUBLE, response_type="ephemeral", replace_original=False)
            return
        text, blocks = kit.roster(roster)
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)


def _signup(value: str) -> int:
    """The sign-up id a roster button carries."""
    signup_id = parse_id(value)
    if signup_id is None:
        raise ValueError(f"not a sign-up: {value[:20]!r}")
    return signup_id
