"""Logging setup: phone numbers and secrets are masked in every record, whatever logged them."""

from __future__ import annotations

import logging
import re

PHONE = re.compile(
    r"(?<![\w])\+?1?[\s.-]?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?(\d{4})(?!\d)|\+\d{7,11}(\d{4})(?!\d)"
)
NOISY = (
    "twilio.http_client",
    "httpx",
    "urllib3",
    "apscheduler.executors.default",
    "alembic.runtime.plugins",
    "slack_bolt",
)


class MaskPhones(logging.Filter):
    """Replace anything that looks like a phone number with its last four digits."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message in place; never drops a record."""
        message = record.getMessage()
        masked = PHONE.sub(lambda m: f"***{m.group(1) or m.group(2)}", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr with masking; quiet the SDKs that log request bodies."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskPhones())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
