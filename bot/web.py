"""The ASGI application: Twilio webhooks and health, with the dispatcher running alongside."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from bot.app import Bot
from bot.channels.slack_routes import slack_router
from bot.channels.sms import sms_router

log = logging.getLogger(__name__)


def create_app(bot: Bot, *, run_dispatcher: bool = True, run_scheduler: bool = False) -> FastAPI:
    """The web app for a wired bot; the dispatcher (and the scheduler when asked) run while it serves."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        dispatcher = bot.dispatcher() if run_dispatcher else None
        thread = None
        if dispatcher is not None:
            thread = threading.Thread(target=dispatcher.run_forever, name="outbox-dispatcher", daemon=True)
            thread.start()
        runner = None
        if run_scheduler:
            from scheduler.service import OutreachScheduler

            runner = OutreachScheduler(bot, sync_seconds=bot.settings.scheduler_sync_seconds)
            runner.start_in_background()
        try:
            yield
        finally:
            # Both are told first, then waited for: one slow to finish its work does not hold the
            # other's stop back, and a process manager's stop timeout is met sooner.
            started = time.monotonic()
            if dispatcher is not None:
                dispatcher.stop()
            if runner is not None:
                runner.stop()
            if thread is not None:
                thread.join(timeout=10)
            log.info("background work stopped in %.1fs", time.monotonic() - started)

    docs = bot.settings.enable_api_docs  # the API's shape is nobody's business in production
    app = FastAPI(
        title="Parent outreach bot",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.include_router(sms_router(bot.settings, bot.conversation, bot.consent))
    if bot.slack_app is not None:
        # Bolt's dispatch only verifies and acks (listeners run in its own pool), so it must not
        # wait behind the store's single SQLite worker: the general thread pool fits.
        app.include_router(
            slack_router(
                bot.slack_app, max_body=bot.settings.max_request_bytes, run_blocking=run_in_threadpool
            )
        )
    else:

        @app.post("/slack/events", summary="Slack events, interactivity and /outreach (not configured)")
        async def slack_not_configured() -> JSONResponse:
            detail = "Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"
            return JSONResponse({"detail": detail}, status_code=403)

    @app.get("/healthz", summary="Liveness and database check")
    async def healthz() -> JSONResponse:
        def _ping() -> None:
            with bot.store.engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        try:
            await bot.store.run(_ping)
        except Exception:
            log.exception("health check: database unreachable")
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if not metrics_allowed(request, bot.settings.metrics_token):
            return JSONResponse({"detail": "metrics are served to localhost or with METRICS_TOKEN"}, 403)
        from bot.metrics import CONTENT_TYPE, render
        from bot.store.metrics_repo import store_snapshot

        body = await bot.store.run(render, lambda: store_snapshot(bot.store))
        return Response(body, media_type=CONTENT_TYPE)

    return app


LOOPBACK = frozenset({"127.0.0.1", "::1"})


def metrics_allowed(request: Request, token: str) -> bool:
    """With METRICS_TOKEN set, the bearer token decides; without it, only loopback clients get metrics.

    Behind a reverse proxy on the same host every client looks local: block /metrics there (see
    docs/deployment.md) or set METRICS_TOKEN.
    """
    if token:
        return secrets.compare_digest(request.headers.get("authorization", ""), f"Bearer {token}")
    return request.client is not None and request.client.host in LOOPBACK


def web_worker_app() -> FastAPI:
    """The app of one `outreach serve --workers N` worker: built in the worker, webhooks only."""
    from bot.app import build_bot
    from bot.logs import configure_logging
    from bot.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_level)
    bot = build_bot(settings)
    bot.warm_up()
    return create_app(bot, run_dispatcher=False)
