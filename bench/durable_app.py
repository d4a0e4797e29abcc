"""A durable floor on the bot's web stack: check Twilio's signature, commit one insert, fixed TwiML.

The second baseline of `bench/webhook.py`: what any webhook that keeps every inbound text must do
at least. Same server and framework as POST /twilio/sms, the same body limit and strict form
decoding (bot/channels/http_body.py), the same signature check (bot/channels/sms.TwilioSignature),
and one committed insert of the inbound message through the bot's own store (bot/store: the same
engine settings, SQLite in WAL with one connection and its single worker thread, or PostgreSQL),
into a database of the same kind as the webhook's. No contact, session, conversation or reply.

    DATABASE_URL=sqlite:///tmp/floor.db PUBLIC_BASE_URL=http://127.0.0.1:8002 TWILIO_AUTH_TOKEN=... \\
        .venv/bin/python -m uvicorn --app-dir bench durable_app:app --host 127.0.0.1 --port 8002 \\
        --log-level warning --no-access-log
"""

from __future__ import annotations

import os

from fastapi import FastAPI, HTTPException, Request, Response

from bot.channels.http_body import parse_form, read_limited
from bot.channels.sms import TWIML, TwilioSignature
from bot.store.db import build_engine
from bot.store.migrate import upgrade
from bot.store.repo import Store

MAX_BODY = 64 * 1024
FLOOR = "floor"
FIXED_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
    "Reply 1 for office hours, 2 for the parent center, or MENU for the menu."
    "</Message></Response>"
)

DATABASE_URL = os.environ["DATABASE_URL"]
upgrade(DATABASE_URL)  # the bot's own schema, so the insert is the one the webhook makes
store = Store(build_engine(DATABASE_URL))
signature = TwilioSignature(os.environ["TWILIO_AUTH_TOKEN"], os.environ["PUBLIC_BASE_URL"])
app = FastAPI(title="Durable floor: signature check and one committed insert")


def keep(body: str, sid: str) -> None:
    """Commit the inbound text, as the webhook's first write does (status "floor" tells its rows apart)."""
    with store.transaction() as tx:
        tx.add_message(
            contact_id=None, direction="in", channel="sms", body=body, status=FLOOR, provider_id=sid
        )


@app.post("/twilio/sms", response_class=Response)
async def durable_sms(request: Request) -> Response:
    """Verify the request is Twilio's, keep the text, answer with fixed TwiML."""
    form = parse_form(request, await read_limited(request, MAX_BODY))
    signature.check(request, form)
    sid = form.get("MessageSid", "")
    if not form.get("From") or not sid or "Body" not in form:
        raise HTTPException(400, "From, Body and MessageSid are required")
    await store.run(keep, form["Body"], sid)
    return Response(FIXED_TWIML, media_type=TWIML)


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness, so the benchmark waits for this server as for the others."""
    return {"status": "ok"}
