"""The one Slack request URL: events, interactivity and slash commands, verified and dispatched by Bolt."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from slack_bolt import App, BoltResponse
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response

from bot.channels.http_body import read_limited

RunBlocking = Callable[..., Awaitable[Any]]


def slack_router(app: App, *, max_body: int, run_blocking: RunBlocking) -> APIRouter:
    """POST /slack/events for everything Slack sends; Bolt answers 401 to a bad or stale signature."""
    router = APIRouter(tags=["slack"])

    @router.post("/slack/events", summary="Events, interactivity and slash commands from Slack")
    async def slack_events(request: Request) -> Response:
        body = await read_limited(request, max_body)
        try:
            bolt_request = to_bolt_request(request, body)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):
            # Bolt parses before it verifies: bytes that are not UTF-8, or JSON of the wrong shape.
            raise HTTPException(400, "the body is not a Slack payload") from None
        # dispatch blocks until a listener acks (Bolt polls for it), so keep it off the event loop.
        bolt_response: BoltResponse = await run_blocking(app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    return router
