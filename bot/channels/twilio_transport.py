"""Outbound SMS through the real twilio client, optionally pointed at another host (tests, proxies)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from requests import ConnectTimeout, RequestException
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.outbox.transport import PermanentSendError, SendReceipt, TransientSendError

TRANSIENT_HTTP = {408, 409, 429, 500, 502, 503, 504}


class BaseUrlHttpClient(TwilioHttpClient):
    """The SDK's own HTTP client, sending every request to `base_url` instead of *.twilio.com."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        target = urlsplit(base_url)
        self._scheme, self._netloc, self._prefix = target.scheme, target.netloc, target.path.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        """Rewrite the host of the SDK's URL, then send as the SDK would."""
        parts = urlsplit(url)
        moved = urlunsplit((self._scheme, self._netloc, self._prefix + parts.path, parts.query, ""))
        return super().request(method, moved, *args, **kwargs)


class TwilioTransport:
    """Sends SMS with the twilio REST client."""

    name = "twilio"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str = "",
        messaging_service_sid: str = "",
        status_callback: str | None = None,
        api_base_url: str = "",
        timeout: float = 10.0,
    ) -> None:
        http_client = (
            BaseUrlHttpClient(api_base_url, timeout) if api_base_url else TwilioHttpClient(timeout=timeout)
        )
        self.client = Client(account_sid, auth_token, http_client=http_client)
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.status_callback = status_callback

    def send(self, to: str, body: str) -> SendReceipt:
        """Create the message; map Twilio's errors to transient or permanent."""
        sender: dict[str, str] = (
            {"messaging_service_sid": self.messaging_service_sid}
            if self.messaging_service_sid
            else {"from_": self.from_number}
        )
        extra = {"status_callback": self.status_callback} if self.status_callback else {}
        try:
            message = self.client.messages.create(to=to, body=body, **sender, **extra)
        except TwilioRestException as exc:
            if exc.status in TRANSIENT_HTTP:
                raise TransientSendError(f"twilio {exc.status} {exc.code}: {exc.msg}") from None
            raise PermanentSendError(f"twilio {exc.status}: {exc.msg}", code=exc.code) from None
        except RequestException as exc:
            # Only a failed connect proves nothing went out; a read timeout or a reset may follow a send.
            ambiguous = not isinstance(exc, ConnectTimeout)
            raise TransientSendError(
                f"twilio unreachable: {type(exc).__name__}", ambiguous=ambiguous
            ) from None
        return SendReceipt(str(message.sid), str(message.status or "queued"))

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """Ask Twilio for messages to this number since a moment, and match the body."""
        try:
            messages = self.client.messages.list(to=to, date_sent_after=since, limit=50)
        except (TwilioRestException, RequestException) as exc:
            raise TransientSendError(f"cannot check sent messages: {exc}") from None
        for message in messages:
            if message.body == body and (message.date_created is None or message.date_created >= since):
                return str(message.sid)
        return None
