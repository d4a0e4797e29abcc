"""Plain notices to staff in Slack (a flooding number, and the like), queued through the outbox."""

from __future__ import annotations

import json

NOTICE = "notice"


def notice_body(text: str) -> str:
    """The outbox body of a plain staff notice (channel "slack"); never put a full phone number in it."""
    return json.dumps({"kind": NOTICE, "text": text})
