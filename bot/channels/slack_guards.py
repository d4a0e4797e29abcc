"""Checks every Slack request passes before a listener sees it, and the one place listener errors end.

Slack sends a few well-known shapes; anything else, even correctly signed, is answered 400 instead
of reaching a listener that would fail on it. A listener that fails anyway is logged as one masked
line and the staff member gets a polite message, never a 500.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

log = logging.getLogger(__name__)

TIMESTAMP = re.compile(r"\d{1,12}")
MAX_ID_DIGITS = 9  # row ids stay far below a billion; longer "numbers" are typing errors or probes
SORRY = "Sorry, that did not work. Please try again, or tell the team that runs the bot."


def valid_timestamp(header: str | None) -> bool:
    """True for Slack's request timestamp: seconds since 1970, digits only."""
    return header is not None and TIMESTAMP.fullmatch(header) is not None


def parse_id(text: str | None) -> int | None:
    """A row id typed by staff ("42", "#42"), or None when it is not a plausible one."""
    digits = (text or "").strip().lstrip("#")
    if not digits.isdigit() or not digits.isascii() or len(digits) > MAX_ID_DIGITS:
        return None
    return int(digits)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 255


def shape_problem(body: dict[str, Any]) -> str | None:
    """What is wrong with a signed payload's shape for its type, or None when a listener can use it."""
    kind = body.get("type")
    if kind is None and "command" in body:
        return None if _is_text(body.get("user_id")) and isinstance(body.get("text", ""), str) else "command"
    if kind == "event_callback":  # Events API: the event says who (or which bot) did what
        event = body.get("event")
        return None if isinstance(event, dict) and _is_text(event.get("type")) else "event"
    user = body.get("user")
    if not isinstance(user, dict) or not _is_text(user.get("id")):
        return "user"
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not isinstance(view, dict) or not all(_is_text(view.get(k)) for k in ("callback_id", "type")):
            return "view"
        state = view.get("state", {})
        if not isinstance(state, dict) or not isinstance(state.get("values", {}), dict):
            return "view.state"
        if not isinstance(view.get("private_metadata", ""), str):
            return "view.private_metadata"
    if kind == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions or not all(isinstance(a, dict) for a in actions):
            return "actions"
        if not all(_is_text(a.get("action_id")) for a in actions):
            return "actions.action_id"
    return None


def check_shape(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
    """Global middleware: a payload of the wrong shape is a 400, before any listener."""
    problem = shape_problem(body)
    if problem is not None:
        log.warning("Slack payload of the wrong shape refused (%s)", problem)
        return BoltResponse(status=400, body=f"bad payload: {problem}")
    return next()


def on_error(error: Exception, request: BoltRequest, body: dict[str, Any]) -> BoltResponse:
    """Any listener error: one logged line (masked by the log formatter) and a polite answer."""
    what = body.get("type") or body.get("command") or "request"
    log.error("Slack %s failed: %s", what, error, exc_info=error)
    if "command" in body:
        return BoltResponse(status=200, body=SORRY)
    # A modal or button: an empty 200 closes the request without Slack's "trouble connecting".
    return BoltResponse(status=200, body="")


def install_guards(app: App) -> None:
    """Register the shape check and the error handler on a Bolt app."""
    app.use(check_shape)
    app.error(on_error)
