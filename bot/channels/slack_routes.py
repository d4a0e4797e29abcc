"""The one Slack request URL: events, interactivity and slash commands, verified and dispatched by Bolt."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from slack_bolt import App, BoltResponse
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response

from bot.channels.http_body import read_limited
from bot.channels.slack_guards import valid_timestamp

log = logging.getLogger(__name__)

RunBlocking = Callable[..., Awaitable[Any]]


def slack_router(app: App, *, max_body: int, run_blocking: RunBlocking) -> APIRouter:
    """POST /slack/events for everything Slack sends; Bolt answers 401 to a bad or stale signature."""
    router = APIRouter(tags=["slack"])

    @router.post("/slack/events", summary="Events, interactivity and slash commands from Slack")
    async def slack_events(request: Request) -> Response:
        if not valid_timestamp(request.headers.get("X-Slack-Request-Timestamp")):
            # Before anything else: Bolt turns a non-numeric or huge timestamp into a 500.
            raise HTTPException(401, "missing or malformed X-Slack-Request-Timestamp")
        body = await read_limited(request, max_body)
        try:
            bolt_request = to_bolt_request(request, body)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):
            # Bolt parses before it verifies: bytes that are not UTF-8, or JSON of the wrong shape.
            raise HTTPException(400, "the body is not a Slack payload") from None
        # dispatch blocks until a listener acks (Bolt polls for it), or until it has finished with
        # SLACK_PROCESS_BEFORE_RESPONSE, so keep it off the event loop.
        try:
            bolt_response: BoltResponse = await run_blocking(app.dispatch, bolt_request)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
            # Signed (the signature middleware runs first) but of a shape Bolt itself cannot read,
            # e.g. a view without its type: the sender's fault, so a 400, not a 500.
            log.warning("Slack payload Bolt could not read: %s", type(exc).__name__)
            raise HTTPException(400, "the body is not a Slack payload") from None
        return to_starlette_response(bolt_response)

    return router
