"""A bare endpoint on the bot's web stack (FastAPI on uvicorn): read the form, return fixed TwiML.

It is the ceiling for `bench/webhook.py`: the same server, framework, body reading and form
decoding as POST /twilio/sms, without the signature check, the database or the conversation.
Serve it from the repo root with the same uvicorn settings as `outreach serve`:

    .venv/bin/python -m uvicorn --app-dir bench bare_app:app --host 127.0.0.1 --port 8001 \\
        --log-level warning --no-access-log
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import FastAPI, Request, Response

TWIML = "application/xml"
FIXED_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
    "Reply 1 for office hours, 2 for the parent center, or MENU for the menu."
    "</Message></Response>"
)

app = FastAPI(title="Bare TwiML endpoint")


@app.post("/twilio/sms", response_class=Response)
async def bare_sms(request: Request) -> Response:
    """Read and decode the urlencoded form as the webhook does, then answer with fixed TwiML."""
    form = dict(parse_qsl((await request.body()).decode("ascii"), keep_blank_values=True))
    status = 200 if "From" in form else 400
    return Response(FIXED_TWIML, status_code=status, media_type=TWIML)


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness, so the benchmark can wait for the server the same way for both apps."""
    return {"status": "ok"}
