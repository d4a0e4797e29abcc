"""The records, outbox bodies and port through which Slack carries staff-parent conversations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

# Outbox rows of channel "slack" about a conversation thread carry one of these JSON requests.
THREAD_ROOT = "thread_root"  # post a direct conversation's first message (the thread's root)
THREAD_PARENT = "thread_parent"  # post a parent's text in the thread
THREAD_NOTICE = "thread_notice"  # post a short line for staff in the thread
THREAD_REACTION = "thread_reaction"  # react to a staff message (or the root) to show what became of it
THREAD_KINDS = frozenset({THREAD_ROOT, THREAD_PARENT, THREAD_NOTICE, THREAD_REACTION})

# What each step of a staff reply's journey shows as a reaction on the staff message.
REACTION_QUEUED = "outbox_tray"
REACTION_WAITING = "crescent_moon"  # quiet hours: goes when the window opens
REACTION_BY_STATUS = {"sent": "incoming_envelope", "delivered": "white_check_mark"}
REACTION_FAILED = "x"
FAILED_STATUSES = frozenset({"failed", "undelivered"})


def thread_body(kind: str, **fields: Any) -> str:
    """The outbox body of a thread request (see THREAD_KINDS)."""
    return json.dumps({"kind": kind, **fields}, ensure_ascii=False)


class ThreadRefused(ValueError):
    """Staff asked for something the conversation rules forbid (an opted-out family, no such family)."""


@dataclass(frozen=True)
class ThreadPlace:
    """Where a thread is in Slack: the root message's channel and ts."""

    channel: str
    ts: str


@dataclass(frozen=True)
class ParentPost:
    """A parent's text as the thread shows it; `text` only where descriptions may be shown."""

    message_id: int
    place: ThreadPlace
    reference: str | None  # the concern, or None for a direct conversation
    locale: str
    text: str
    translation: str | None
    translation_provider: str | None
    length: int


@dataclass(frozen=True)
class RootPost:
    """A direct conversation's root message: who started it with which family, and the first words."""

    thread_id: int
    phone_masked: str
    locale: str
    opened_by: str
    first_text: str | None
    opened_at: datetime


@dataclass(frozen=True)
class StaffOutcome:
    """What became of a staff message in a thread: 'ignored', 'note', 'duplicate', 'refused' or 'queued'."""

    kind: str
    detail: str = ""


class ThreadPort(Protocol):
    """What the Slack side needs from the conversation service (implemented by ConcernThreads)."""

    def is_thread(self, channel: str, thread_ts: str) -> bool:
        """True when this Slack message is the root of a conversation with a family."""
        ...

    def staff_message(self, channel: str, thread_ts: str, ts: str, actor: str, text: str) -> StaffOutcome:
        """Relay a staff member's thread message to the family by SMS (or keep it as a note)."""
        ...

    def start_direct(self, phone: str, actor: str, text: str) -> StaffOutcome:
        """Start a conversation with a family that is not about a concern (ThreadRefused)."""
        ...

    def place(self, thread_id: int) -> ThreadPlace | None:
        """Where the thread's root is, or None while it is not posted yet."""
        ...

    def parent_post(self, message_id: int) -> ParentPost | None:
        """A parent's text for its thread post, machine-translated first when translation is on."""
        ...

    def root_post(self, thread_id: int) -> RootPost | None:
        """A direct conversation's root message."""
        ...

    def set_root(self, thread_id: int, channel: str, ts: str) -> None:
        """Remember where a direct conversation's root was posted."""
        ...

    def view_parent_message(self, message_id: int, actor: str) -> ParentPost | None:
        """A parent's full text for one staff member; the viewing is logged."""
        ...
