"""`/outreach announce` and `/outreach announcements`: write, preview and schedule announcements in Slack.

The compose modal is checked on submit (field errors come back inline, including a home language
of 15% or more without a text); a valid draft is stored and a preview modal is pushed on top, whose
Schedule button schedules it. Slack wants an answer to a submission within 3 seconds: a preview
reads the audience once, which stays well inside that for a district-sized roster.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.channels.slack_app import Body, CommandRequest, Extension, Subcommand, open_then_fill
from bot.channels.slack_blocks import escape, fit
from bot.channels.slack_guards import parse_id
from bot.clock import utcnow
from bot.i18n.formatting import local_datetime
from bot.services.announcement_preview import AnnouncementDraft, AnnouncementError, Preview, preview_text
from bot.services.announcements import AnnouncementService, AnnouncementSummary
from bot.services.language import native_name
from bot.services.school_data import ZoneSource

log = logging.getLogger(__name__)

COMPOSE_VIEW = "announce_compose"
PREVIEW_VIEW = "announce_preview"
CANCEL_ACTION = "announce_cancel"


def _input(block_id: str, label: str, element: Body, *, optional: bool = True, hint: str = "") -> Body:
    block: Body = {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {"action_id": "value", **element},
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def _option(text: str, value: str) -> Body:
    return {"text": {"type": "plain_text", "text": fit(text, 75, mrkdwn=False)}, "value": value}


def compose_view(locales: tuple[str, ...], default_locale: str) -> Body:
    """The compose modal: title, a text per language, audience, time, urgency and the 48985 override."""
    texts = [
        _input(
            f"text_{code}",
            f"Text in {native_name(code)} ({code})",
            {"type": "plain_text_input", "multiline": True, "max_length": 480},
            optional=code != default_locale,
        )
        for code in locales
    ]
    return {
        "type": "modal",
        "callback_id": COMPOSE_VIEW,
        "title": {"type": "plain_text", "text": "New announcement"},
        "submit": {"type": "plain_text", "text": "Preview"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _input(
                "title",
                "Title (for staff, not sent)",
                {"type": "plain_text_input", "max_length": 200},
                optional=False,
            ),
            *texts,
            _input(
                "grades", "Grades", {"type": "plain_text_input"}, hint="e.g. K, 1, 2 — empty for all grades"
            ),
            _input(
                "languages",
                "Only families who speak",
                {
                    "type": "multi_static_select",
                    "options": [_option(f"{native_name(c)} ({c})", c) for c in locales],
                },
                hint="Empty for every language",
            ),
            _input(
                "groups", "Groups", {"type": "plain_text_input"}, hint="e.g. ELAC, volunteers — empty for all"
            ),
            _input("date", "Send on (school time)", {"type": "datepicker"}, hint="Empty to send now"),
            _input("time", "At", {"type": "timepicker"}),
            _input(
                "flags",
                "Options",
                {
                    "type": "checkboxes",
                    "options": [
                        _option("Urgent: send at once, even in quiet hours (emergencies only)", "urgent"),
                        _option(
                            "Send although a language of 15% or more has no text (48985 override)", "override"
                        ),
                    ],
                },
            ),
            _input("reason", "Why override (kept as evidence)", {"type": "plain_text_input"}),
        ],
    }


def _value(view: Body, block: str) -> Any:
    state = ((view.get("state") or {}).get("values") or {}).get(block) or {}
    element = state.get("value") or {}
    kind = element.get("type")
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    if kind in ("multi_static_select", "checkboxes"):
        return [o.get("value") for o in element.get("selected_options") or []]
    return (element.get("value") or "").strip()


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def read_compose(
    view: Body, locales: tuple[str, ...], zone: ZoneInfo, user: str
) -> tuple[AnnouncementDraft, dict[str, str]]:
    """The draft a compose submission describes, and field errors by block id."""
    errors: dict[str, str] = {}
    send_at = None
    day, clock = _value(view, "date"), _value(view, "time")
    if day or clock:
        if not (day and clock):
            errors["date" if not day else "time"] = "Give both a date and a time, or neither to send now"
        else:
            send_at = datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=zone)
            if send_at < utcnow():
                errors["date"] = "This time has passed"
    flags = _value(view, "flags") or []
    reason = _value(view, "reason")
    if "override" in flags and not reason:
        errors["reason"] = "Say why the override is needed; it is kept as evidence (5A)"
    draft = AnnouncementDraft(
        title=_value(view, "title"),
        texts={code: _value(view, f"text_{code}") for code in locales if _value(view, f"text_{code}")},
        audience={
            "grades": _split(_value(view, "grades")),
            "languages": _value(view, "languages") or [],
            "groups": _split(_value(view, "groups")),
        },
        send_at=send_at,
        urgent="urgent" in flags,
        override_48985="override" in flags,
        override_reason=reason,
        created_by=user,
    )
    return draft, errors


def preview_errors(preview: Preview, draft: AnnouncementDraft, locales: tuple[str, ...]) -> dict[str, str]:
    """Preview problems as field errors on the compose modal."""
    errors: dict[str, str] = {}
    for problem in preview.errors:
        code = next((c for c in locales if f"the {c} text" in problem), None)
        errors[f"text_{code}" if code else "title"] = problem[:150]
    if preview.required_missing and not draft.override_48985:
        for line in preview.lines:
            if line.locale in preview.required_missing and line.locale in locales:
                errors[f"text_{line.locale}"] = (
                    f"{line.share:.0%} of these families speak {native_name(line.locale)}: add a text "
                    "(Education Code 48985), or tick the override below"
                )
    return errors


def preview_view(announcement_id: int, preview: Preview, when: str) -> Body:
    """The preview modal pushed on top of the compose modal; Schedule schedules the stored draft."""
    return {
        "type": "modal",
        "callback_id": PREVIEW_VIEW,
        "private_metadata": json.dumps({"id": announcement_id}),
        "title": {"type": "plain_text", "text": "Check and schedule"},
        "submit": {"type": "plain_text", "text": "Schedule"},
        "close": {"type": "plain_text", "text": "Back"},
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "```" + fit(preview_text(preview, when), 2900) + "```"},
            }
        ],
    }


def summary_line(item: AnnouncementSummary, zone: ZoneInfo) -> str:
    """One announcement in the list, with its delivery counts."""
    counts = ", ".join(f"{k} {v}" for k, v in sorted(item.counts.items())) or "nothing queued yet"
    urgent = " :rotating_light: urgent" if item.urgent else ""
    when = local_datetime(item.send_at, "en", zone)
    return f"*{item.id}* {fit(item.title, 200)} — {escape(item.status)}{urgent}, {when} ({escape(counts)})"


class AnnouncementListeners:
    """Slack handlers for announcements; `allows` is the staff gate of the concerns app."""

    def __init__(
        self,
        announcements: AnnouncementService,
        client: WebClient,
        allows: Callable[[str], bool],
        locales: tuple[str, ...],
        default_locale: str,
        zone: ZoneSource,
    ) -> None:
        self.announcements = announcements
        self.client = client
        self.allows = allows
        self.locales = locales
        self.default_locale = default_locale
        self.zone = zone

    def command(self, request: CommandRequest) -> None:
        """`/outreach announce` opens the modal; `cancel ID` and `preview ID` act on one announcement."""
        verb, _, rest = request.args.partition(" ")
        number = parse_id(rest)
        if verb == "cancel" and number is not None:
            try:
                withdrawn = self.announcements.cancel(number)
            except AnnouncementError as exc:
                request.respond(text=f":warning: {fit(str(exc), 500)}", response_type="ephemeral")
                return
            request.respond(
                text=f"Announcement {rest.strip()} cancelled; {withdrawn} messages withdrawn.",
                response_type="ephemeral",
            )
            return
        if verb == "preview" and number is not None:
            preview = self.announcements.preview(self.announcements.draft_of(number))
            text = preview_text(preview, local_datetime(preview.send_at, "en", self.zone()))
            request.respond(text="```" + fit(text, 3900) + "```", response_type="ephemeral")
            return
        open_then_fill(
            self.client,
            request.trigger_id,
            "New announcement",
            lambda: compose_view(self.locales, self.default_locale),
            lambda problem: request.respond(text=problem, response_type="ephemeral"),
        )

    def list(self, request: CommandRequest) -> None:
        """`/outreach announcements`: scheduled and recent announcements with delivery counts."""
        items = self.announcements.recent(10)
        if not items:
            request.respond(
                text="No announcements yet. `/outreach announce` writes one.", response_type="ephemeral"
            )
            return
        blocks: list[Body] = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Announcements*"}}]
        for item in items:
            section: Body = {
                "type": "section",
                "text": {"type": "mrkdwn", "text": summary_line(item, self.zone())},
            }
            if item.status in ("scheduled", "queuing", "queued") and item.counts.get("queued", 1):
                section["accessory"] = {
                    "type": "button",
                    "action_id": CANCEL_ACTION,
                    "text": {"type": "plain_text", "text": "Cancel"},
                    "style": "danger",
                    "value": str(item.id),
                    "confirm": {
                        "title": {"type": "plain_text", "text": "Cancel this announcement?"},
                        "text": {"type": "plain_text", "text": "Messages not yet sent will not be sent."},
                        "confirm": {"type": "plain_text", "text": "Cancel it"},
                        "deny": {"type": "plain_text", "text": "Keep it"},
                    },
                }
            blocks.append(section)
        request.respond(text="Announcements", blocks=blocks, response_type="ephemeral")

    def on_compose(self, ack: Ack, body: Body, view: Body) -> None:
        """Check the compose modal; push the preview, or send the field errors back."""
        user = str((body.get("user") or {}).get("id") or "")
        if not self.allows(user):
            ack(response_action="errors", errors={"title": "Only school staff can send announcements"})
            return
        draft, errors = read_compose(view, self.locales, self.zone(), user)
        if not errors:
            preview = self.announcements.preview(draft)
            errors = preview_errors(preview, draft, self.locales)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        announcement_id = self.announcements.save_draft(draft)
        when = local_datetime(preview.send_at, "en", self.zone())
        ack(response_action="push", view=preview_view(announcement_id, preview, when))

    def on_schedule(self, ack: Ack, body: Body, view: Body) -> None:
        """Schedule the previewed draft, close both modals and tell the coordinator."""
        user = str((body.get("user") or {}).get("id") or "")
        announcement_id = _draft_id(view)
        if not self.allows(user):
            # An "errors" ack needs a field to point at; a notice view is what a non-staff user gets.
            ack(response_action="update", view=_notice("Not scheduled", "Only school staff can do this."))
            return
        if announcement_id is None:
            ack(response_action="update", view=_notice("Not scheduled", "This draft could not be found."))
            return
        try:
            preview = self.announcements.schedule(announcement_id)
        except AnnouncementError as exc:
            ack(response_action="update", view=_notice("Not scheduled", str(exc)))
            return
        ack(response_action="clear")
        when = local_datetime(preview.send_at, "en", self.zone())
        deferred = " (after quiet hours)" if preview.deferred else ""
        self.client.chat_postMessage(
            channel=user,
            text=f"Announcement {announcement_id} scheduled for {when}{deferred}: "
            f"{preview.recipients} families, {preview.total_segments} segments (about ${preview.cost:,.2f}).",
        )

    def on_cancel(self, ack: Ack, body: Body, action: Body, respond: Callable[..., Any]) -> None:
        """The Cancel button in the list."""
        ack()
        user = str((body.get("user") or {}).get("id") or "")
        if not self.allows(user):
            return
        try:
            withdrawn = self.announcements.cancel(parse_id(str(action.get("value") or "")) or 0)
        except AnnouncementError as exc:
            respond(text=f":warning: {fit(str(exc), 500)}", response_type="ephemeral", replace_original=False)
            return
        respond(
            text=f"Announcement {action.get('value')} cancelled; {withdrawn} messages withdrawn.",
            response_type="ephemeral",
            replace_original=False,
        )


def _notice(title: str, text: str) -> Body:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": fit(text, 2900)}}],
    }


def announcement_extension(
    announcements: AnnouncementService, locales: tuple[str, ...], default_locale: str, zone: ZoneSource
) -> Extension:
    """The Slack part of announcements, for `build_slack_app(extensions=...)`."""

    def extend(app: App, allows: Callable[[str], bool]) -> dict[str, Subcommand]:
        listeners = AnnouncementListeners(announcements, app.client, allows, locales, default_locale, zone)
        return register_announcements(app, listeners)

    return extend


def register_announcements(app: App, listeners: AnnouncementListeners) -> dict[str, Subcommand]:
    """Add the announcement views and button to the Bolt app; returns the subcommands to offer."""
    app.view(COMPOSE_VIEW)(listeners.on_compose)
    app.view(PREVIEW_VIEW)(listeners.on_schedule)
    app.action(CANCEL_ACTION)(listeners.on_cancel)
    return {
        "announce": Subcommand(
            "`/outreach announce`: write an announcement (`announce cancel 12`, `announce preview 12`)",
            listeners.command,
        ),
        "announcements": Subcommand(
            "`/outreach announcements`: scheduled and recent announcements with delivery counts",
            listeners.list,
        ),
    }


def _draft_id(view: Body) -> int | None:
    """The draft's id kept in the preview modal's private metadata, or None when it is not there."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    return parse_id(str(metadata.get("id", ""))) if isinstance(metadata, dict) else None
