"""Twilio webhooks: inbound SMS and delivery status callbacks."""

from __future__ import annotations

import logging
import re

from fastapi import APIRouter, HTTPException, Request, Response
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels.http_body import FORM_TYPE, parse_form, read_limited
from bot.conversation import Conversation
from bot.domain import Inbound
from bot.metrics import record_delivery, record_inbound
from bot.services.consent import ConsentService
from bot.services.phones import InvalidPhone, normalize_phone, region_of
from bot.settings import Settings

log = logging.getLogger(__name__)
TWIML = "application/xml"
# Twilio's ids and statuses are plain ASCII words; anything else (a NUL byte, say) is not from Twilio
# and must not reach the database, where PostgreSQL refuses NUL in text.
SID = re.compile(r"[A-Za-z0-9]{1,64}")
STATUS = re.compile(r"[A-Za-z_-]{1,32}")
ERROR_CODE = re.compile(r"[0-9]{0,10}")


def _form(required: list[str], optional: list[str]) -> dict[str, object]:
    """The OpenAPI request body of a Twilio form post (the route reads the raw body itself)."""
    properties = {name: {"type": "string"} for name in [*required, *optional]}
    schema = {"type": "object", "required": required, "properties": properties}
    return {"requestBody": {"required": True, "content": {FORM_TYPE: {"schema": schema}}}}


def twiml(replies: list[str]) -> str:
    """A TwiML document that sends each reply as its own message."""
    response = MessagingResponse()
    for body in replies:
        response.message(body)
    return str(response)


class TwilioSignature:
    """Checks X-Twilio-Signature against the public URL Twilio was configured with."""

    def __init__(self, auth_token: str, public_base_url: str) -> None:
        self.validator = RequestValidator(auth_token) if auth_token else None
        self.public_base_url = public_base_url

    def check(self, request: Request, form: dict[str, str]) -> None:
        """Raise 403 unless the request carries Twilio's signature for this URL and form."""
        if self.validator is None:
            raise HTTPException(403, "TWILIO_AUTH_TOKEN is not set; inbound SMS cannot be verified")
        signature = request.headers.get("x-twilio-signature", "")
        url = self.public_base_url + request.url.path
        if request.url.query:
            url += "?" + request.url.query
        if not signature or not self.validator.validate(url, form, signature):
            raise HTTPException(403, "bad or missing X-Twilio-Signature")


def sms_router(settings: Settings, conversation: Conversation, consent: ConsentService) -> APIRouter:
    """Routes for Twilio's inbound SMS and status callbacks."""
    router = APIRouter(tags=["twilio"])
    signature = TwilioSignature(settings.twilio_auth_token, settings.public_base_url)
    limit = settings.max_request_bytes
    allowed = settings.allowed_regions

    @router.post(
        "/twilio/sms",
        response_class=Response,
        responses={200: {"content": {TWIML: {}}, "description": "TwiML replies"}},
        summary="Inbound SMS from Twilio",
        openapi_extra=_form(["From", "Body", "MessageSid"], ["To", "AccountSid", "NumSegments"]),
    )
    async def inbound_sms(request: Request) -> Response:
        form = parse_form(request, await read_limited(request, limit))
        signature.check(request, form)
        sender, sid = form.get("From", ""), form.get("MessageSid") or form.get("SmsSid") or ""
        if not sender or not sid or "Body" not in form:
            raise HTTPException(400, "From, Body and MessageSid are required")
        if not SID.fullmatch(sid):
            raise HTTPException(400, "MessageSid is not a Twilio id")
        try:
            phone = normalize_phone(sender, settings.default_region)
        except InvalidPhone:
            raise HTTPException(400, "From is not a phone number we can answer") from None
        if region_of(phone) not in allowed:
            # SMS pumping runs up replies to far-away numbers: no reply, nothing stored, counted.
            record_inbound("sms", "refused")
            return Response(twiml([]), media_type=TWIML)
        try:
            exchange = await conversation.store.run(
                conversation.handle, Inbound("sms", sender, form["Body"], sid)
            )
        except InvalidPhone:
            raise HTTPException(400, "From is not a phone number we can answer") from None
        outcome = "duplicate" if exchange.duplicate else "throttled" if exchange.throttled else "answered"
        record_inbound("sms", outcome)
        return Response(twiml(exchange.replies), media_type=TWIML)

    @router.post(
        "/twilio/status",
        summary="Delivery status callback from Twilio",
        openapi_extra=_form(["MessageSid", "MessageStatus"], ["ErrorCode", "To"]),
    )
    async def status_callback(request: Request) -> Response:
        form = parse_form(request, await read_limited(request, limit))
        signature.check(request, form)
        sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "")
        if not sid or not status:
            raise HTTPException(400, "MessageSid and MessageStatus are required")
        if not SID.fullmatch(sid) or not STATUS.fullmatch(status):
            raise HTTPException(400, "MessageSid or MessageStatus is not Twilio's")
        if not ERROR_CODE.fullmatch(form.get("ErrorCode", "")):
            raise HTTPException(400, "ErrorCode is not a Twilio error code")
        await consent.store.run(consent.record_delivery, sid, status[:16], form.get("ErrorCode") or None)
        record_delivery(status[:16])
        return Response(status_code=204)

    return router
