"""The records and the port through which staff channels (Slack) act on parents' concerns."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

NOTE_MAX_CHARS = 1000  # a staff note: what the Slack modal allows, checked by the service too
# Parent-facing categories, in menu order. "request" comes from a rights topic, not the menu.

CATEGORIES = (
    "academic",
    "safety_bullying",
    "special_education",
    "transportation",
    "attendance",
    "staff_conduct",
    "facilities",
    "other",
)
REQUEST_CATEGORY = "request"
# Categories the Uniform Complaint Procedure covers (5 CCR 4600 ff.): the parent is told it exists.
UCP_CATEGORIES = frozenset({"safety_bullying", "special_education", "staff_conduct"})
STATUSES = ("new", "acknowledged", "owned", "resolved")
RESOLUTION_CATEGORIES = ("resolved_at_school", "information_given", "referred", "withdrawn", "other")
CONTACT_PREFERENCES = ("text", "call", "meeting")
# Outbox rows of channel "slack" carry one of these JSON requests for the Slack transport.
ALERT = "concern_alert"
ESCALATION = "escalation"


def alert_body(reference: str) -> str:
    """The outbox body asking for a concern's alert to be posted or redrawn."""
    return json.dumps({"kind": ALERT, "reference": reference})


def escalation_body(reference: str, reason: str) -> str:
    """The outbox body asking for an escalation post about a concern."""
    return json.dumps({"kind": ESCALATION, "reference": reference, "reason": reason})


class ConcernNotFound(LookupError):
    """No concern has this reference."""


class ConcernStateError(ValueError):
    """The action does not fit the concern's state (e.g. resolving a resolved concern)."""


class NotStaff(PermissionError):
    """The Slack user is not configured as staff."""


@dataclass(frozen=True)
class ConcernEventView:
    """One line of a concern's history."""

    # created, acknowledged, owned, reply, resolved, reopened, escalated, viewed, survey, ucp_info, ucp_filed
    kind: str
    actor: str  # Slack user id, "parent" or "system"
    detail: str | None
    at: datetime


@dataclass(frozen=True)
class ConcernView:
    """A concern as staff see it. `description` is shown only where the school allows it."""

    reference: str  # C-2026-0042
    category: str
    locale: str
    status: str
    received_at: datetime
    phone_masked: str
    description: str
    description_translation: str | None  # machine translation into the school's language, labelled
    translation_provider: str | None
    share_student: bool
    student_info: str | None
    contact_preference: str | None
    contact_window: str | None
    owner: str | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    resolved_by: str | None
    resolved_at: datetime | None
    resolution_category: str | None
    resolution_note: str | None
    alert_channel: str | None
    alert_ts: str | None
    history: tuple[ConcernEventView, ...]


@dataclass(frozen=True)
class ReplyPreview:
    """What the parent will read if staff send this reply, in the parent's language."""

    text: str
    locale: str
    segments: int
    machine_translated: bool


@dataclass(frozen=True)
class CannedReply:
    """A staff reply that exists in every shipped language."""

    id: str
    english: str


class StaffConcernActions(Protocol):
    """What a staff channel may do with concerns. Every method checks nothing about who the
    actor is: the channel must check `is_staff` first and refuse anyone else."""

    def is_staff(self, user_id: str, group_ids: frozenset[str] = frozenset()) -> bool:
        """True when the user (or one of the user's groups) is configured staff."""
        ...

    def view(self, reference: str) -> ConcernView:
        """One concern with its history (ConcernNotFound)."""
        ...

    def list_open(self) -> list[ConcernView]:
        """Concerns that are not resolved, oldest first."""
        ...

    def acknowledge(self, reference: str, actor: str) -> ConcernView:
        """Mark the concern seen by staff; the parent is told (ConcernStateError when resolved)."""
        ...

    def take_ownership(self, reference: str, actor: str) -> ConcernView:
        """Make the actor the owner (acknowledging too, if needed)."""
        ...

    def canned_replies(self) -> list[CannedReply]:
        """The replies staff can pick, with their English text."""
        ...

    def preview_reply(self, reference: str, canned_id: str | None, note: str | None) -> ReplyPreview:
        """The SMS the parent would get, in their language, with its segment count."""
        ...

    def reply(self, reference: str, actor: str, canned_id: str | None, note: str | None) -> ConcernView:
        """Send a canned reply and/or a free-text note to the parent by SMS in their language."""
        ...

    def resolve(self, reference: str, actor: str, resolution_category: str, note: str) -> ConcernView:
        """Resolve; the parent gets the resolution and a short satisfaction survey."""
        ...

    def reopen(self, reference: str, actor: str, note: str) -> ConcernView:
        """Reopen a resolved concern; the note is kept in its history."""
        ...

    def record_viewed(self, reference: str, actor: str) -> None:
        """Log that a staff member opened the full description."""
        ...

    def claim_delivery(self, delivery_id: str) -> bool:
        """True the first time a Slack delivery id is seen; False for a retried delivery."""
        ...

    def set_alert_message(self, reference: str, channel: str, ts: str) -> None:
        """Remember where the concern's Slack alert is, so later updates edit it in place."""
        ...
