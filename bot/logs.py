"""Logging setup: every line is masked and cannot pretend to be another record, whatever logged it.

Masking happens in the formatter, on the final text: the message, its arguments and any traceback
or stack, so `log.exception` cannot print a phone number that a filter on the message alone missed.
"""

from __future__ import annotations

import faulthandler
import logging
import re
import signal
import sys
from urllib.parse import unquote

import phonenumbers

# Any unbroken run of 7-15 digits (with or without +): the safety net
# for numbers phonenumbers does not call valid (test ranges, unknown regions, no leading +).
DIGIT_RUN = re.compile(r"(?<![\w%])\+?\d{7,15}(?![\w])")
# URL-encoded forms of the characters around numbers (%2B for +, %20 and + for spaces, %28/%29).
ENCODED = re.compile(r"%(?:2[bB]|20|28|29|2[dD])")
MATCH_REGION = "US"
NOISY = (
    "twilio.http_client",
    "httpx",
    "urllib3",
    "apscheduler.executors.default",
    "alembic.runtime.plugins",
    "slack_bolt",
)
BOLT_LOGGER = "bot.slack_bolt"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _last_four(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return f"***{digits[-4:]}"


def mask_phones(text: str) -> str:
    """Replace every phone number in `text` (any country, URL-encoded too) with its last four digits."""
    if not any(ch.isdigit() for ch in text):
        return text
    text = ENCODED.sub(lambda m: unquote(m.group(0)), text)
    pieces: list[str] = []
    last = 0
    for match in phonenumbers.PhoneNumberMatcher(text, MATCH_REGION, leniency=phonenumbers.Leniency.VALID):
        pieces.append(text[last : match.start])
        pieces.append(_last_four(match.raw_string))
        last = match.end
    pieces.append(text[last:])
    return DIGIT_RUN.sub(lambda m: _last_four(m.group(0)), "".join(pieces))


def escape_breaks(text: str) -> str:
    """Show CR and LF as \\r and \\n, so an outsider's text cannot start a forged log line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


class SafeFormatter(logging.Formatter):
    """Formats a record as one line (tracebacks indented below it), then masks phone numbers."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        """The record's own line, with any line breaks in its message escaped."""
        record.message = escape_breaks(record.message)
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        """The whole entry: continuation lines (tracebacks, stacks) indented, every number masked."""
        text = super().format(record)
        head, _, rest = text.partition("\n")
        if rest:
            # Each continuation line starts with a tab, so none can pass for a record of its own.
            rest = "\n".join("\t" + line.replace("\r", "\\r") for line in rest.split("\n"))
            text = f"{head}\n{rest}"
        return mask_phones(text)


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr through the safe formatter; quiet the SDKs that log request bodies."""
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter(FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in (*NOISY, BOLT_LOGGER):
        logging.getLogger(name).setLevel(logging.WARNING)


def bolt_logger() -> logging.Logger:
    """The logger Bolt is given: WARNING whatever the root level, since Bolt copies this logger's level
    onto its own and logs a rejected request's whole body at INFO."""
    logger = logging.getLogger(BOLT_LOGGER)
    logger.setLevel(logging.WARNING)
    return logger


def enable_stack_dumps() -> None:
    """`kill -USR1 PID` writes every thread's stack to stderr: how to see why a process will not stop."""
    # Stacks hold code locations only, never values, so nothing personal reaches the log this way.
    if hasattr(signal, "SIGUSR1"):
        faulthandler.register(signal.SIGUSR1, file=sys.stderr, all_threads=True)
