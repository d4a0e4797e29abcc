"""Outbox rows of channel "slack": concern alerts (posted once, then edited in place) and escalations."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack_blocks import concern_alert, escalation
from bot.clock import utcnow
from bot.outbox.transport import PermanentSendError, SendReceipt, TransientSendError
from bot.services.concern_types import ALERT, ESCALATION, ConcernNotFound, StaffConcernActions
from bot.services.staff_notices import NOTICE

log = logging.getLogger(__name__)

# Slack's own errors that a later attempt may get past.
TRANSIENT_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
# Another kind of post a feature makes (e.g. "questions"): (channel, request, call) -> receipt, where
# `call(method, **kwargs)` calls the Web API with this transport's error handling.
Poster = Callable[[str, Mapping[str, Any], Callable[..., Any]], SendReceipt]
# The alert message is gone (deleted, or too old to edit): post a fresh one.
REPOST_ERRORS = {"message_not_found", "cant_update_message", "edit_window_closed"}


class _AlertGone(PermanentSendError):
    """The message to edit no longer exists (or can no longer be edited)."""


class SlackAlertTransport:
    """The outbox Transport for Slack: `to` is a channel id, `body` a JSON request (see alert_body)."""

    name = "slack"

    def __init__(
        self,
        client: WebClient,
        concerns: StaffConcernActions,
        show_descriptions: bool,
        posters: Mapping[str, Poster] | None = None,
    ) -> None:
        self.client = client
        self.concerns = concerns
        self.show_descriptions = show_descriptions
        self.posters = dict(posters or {})

    def send(self, to: str, body: str) -> SendReceipt:
        """Post or redraw an alert, or post an escalation; Slack errors become transient or permanent."""
        request = _parse(body, self.posters)
        if request["kind"] in self.posters:
            return self.posters[request["kind"]](to, request, self._call)
        if request["kind"] == NOTICE:
            ts = self._call("chat_postMessage", channel=to, text=str(request["text"]))["ts"]
            return SendReceipt(f"{to}:{ts}")
        reference = str(request["reference"])
        try:
            view = self.concerns.view(reference)
        except ConcernNotFound:
            raise PermanentSendError(f"no concern {reference}") from None
        now = utcnow()
        if request["kind"] == ESCALATION:
            text, blocks = escalation(view, str(request.get("reason") or "needs attention"), now)
            ts = self._call("chat_postMessage", channel=to, text=text, blocks=blocks)["ts"]
            return SendReceipt(f"{to}:{ts}")
        text, blocks = concern_alert(view, show_description=self.show_descriptions, now=now)
        if view.alert_channel and view.alert_ts:
            try:
                self._call(
                    "chat_update", channel=view.alert_channel, ts=view.alert_ts, text=text, blocks=blocks
                )
                return SendReceipt(f"{view.alert_channel}:{view.alert_ts}")
            except _AlertGone:
                log.info("alert of %s is gone from Slack; posting it again", reference)
        response = self._call("chat_postMessage", channel=to, text=text, blocks=blocks)
        channel, ts = str(response.get("channel") or to), str(response["ts"])
        self.concerns.set_alert_message(reference, channel, ts)
        return SendReceipt(f"{channel}:{ts}")

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """Always None: Slack has no idempotency keys to look a post up by.

        A crash between a post and recording its ts can therefore post one alert twice; redraws are
        chat.update calls on the recorded ts and are idempotent, so only a first post can repeat.
        """
        return None

    def _call(self, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, method)(**kwargs)
        except SlackApiError as exc:
            status = exc.response.status_code
            error = str(exc.response.get("error") or f"HTTP {status}")
            if status == 429:
                raise TransientSendError(f"slack rate limited: {error}", _retry_after(exc)) from None
            if status >= 500 or error in TRANSIENT_ERRORS:
                raise TransientSendError(f"slack {status}: {error}") from None
            if error in REPOST_ERRORS:
                raise _AlertGone(f"slack {method}: {error}") from None
            raise PermanentSendError(f"slack {method}: {error}") from None
        except OSError as exc:  # URLError, timeouts, refused connections
            raise TransientSendError(f"slack unreachable: {type(exc).__name__}") from None


def _parse(body: str, posters: Mapping[str, Poster]) -> dict[str, Any]:
    try:
        request = json.loads(body)
    except ValueError:
        raise PermanentSendError("slack outbox body is not JSON") from None
    if isinstance(request, dict) and request.get("kind") in posters:
        return request
    if not isinstance(request, dict) or request.get("kind") not in (ALERT, ESCALATION, NOTICE):
        raise PermanentSendError("slack outbox body needs kind concern_alert, escalation or notice")
    if request["kind"] == NOTICE:
        if not request.get("text"):
            raise PermanentSendError("a slack notice needs a text")
        return request
    if not request.get("reference"):
        raise PermanentSendError("slack outbox body needs a reference")
    return request


def _retry_after(exc: SlackApiError) -> int | None:
    headers = {k.lower(): v for k, v in (exc.response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
