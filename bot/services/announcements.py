"""Announcements: one message to many families, each in their language, queued once at its time."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import utcnow
from bot.domain import EvidenceFact
from bot.services.announcement_preview import (
    AnnouncementDraft,
    AnnouncementError,
    Preview,
    audience_of,
    body_for,
    build_preview,
    pick_text_locale,
)
from bot.services.audience import normalize_audience
from bot.services.quiet_hours import QuietHours
from bot.services.schools import SchoolDirectory
from bot.store import Store, Tx

log = logging.getLogger(__name__)

CHUNK = 5000
# A run that has not written a chunk for this long is taken to be dead and may be resumed.
STALE_RUN = timedelta(minutes=2)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AnnouncementConfig:
    """Rules that apply to every announcement."""

    quiet: QuietHours
    default_locale: str
    shipped: tuple[str, ...]
    price_per_segment: float
    threshold: float = 0.15


@dataclass(frozen=True)
class AnnouncementSummary:
    """An announcement as staff see it in lists, with delivery counts."""

    id: int
    title: str
    status: str
    send_at: datetime
    urgent: bool
    recipients: int | None
    counts: dict[str, int]


@dataclass(frozen=True)
class DueAnnouncement:
    """An announcement the scheduler should queue at `send_at` (or now when a run was cut off)."""

    id: int
    send_at: datetime
    urgent: bool


def campaign(announcement_id: int) -> str:
    """The outbox campaign name of an announcement."""
    return f"announcement:{announcement_id}"


class AnnouncementService:
    """Previews, schedules, queues and cancels announcements."""

    def __init__(self, store: Store, schools: SchoolDirectory, config: AnnouncementConfig) -> None:
        self.store = store
        self.schools = schools
        self.config = config
        self.on_change: Callable[[], None] = lambda: None

    # Before scheduling ---------------------------------------------------------------
    def preview(self, draft: AnnouncementDraft, now: datetime | None = None) -> Preview:
        """Recipients per language, missing translations, segments and cost, without storing anything."""
        with self.store.transaction() as tx:
            return self._preview(tx, draft, now or utcnow())

    def _preview(self, tx: Tx, draft: AnnouncementDraft, now: datetime) -> Preview:
        school = self.schools.current(tx)
        chosen = audience_of(draft.audience, tx.audience_contacts(school.id), self.config.default_locale)
        send_at = max(draft.send_at or now, now)
        effective = send_at if draft.urgent else self.config.quiet.next_open(send_at)
        return build_preview(
            draft,
            chosen,
            school_name=school.data.name,
            default_locale=self.config.default_locale,
            shipped=self.config.shipped,
            send_at=effective,
            deferred=effective > send_at,
            price_per_segment=self.config.price_per_segment,
            threshold=self.config.threshold,
        )

    def create(self, draft: AnnouncementDraft, now: datetime | None = None) -> tuple[int, Preview]:
        """Schedule an announcement, or raise AnnouncementError with every reason it is refused."""
        announcement_id = self.save_draft(draft)
        try:
            return announcement_id, self.schedule(announcement_id, now=now)
        except AnnouncementError:
            self._discard(announcement_id)
            raise

    def save_draft(self, draft: AnnouncementDraft) -> int:
        """Keep a draft (for a preview step between writing and scheduling); nothing is sent."""
        with self.store.transaction() as tx:
            school = self.schools.current(tx)
            row = tx.add_announcement(
                school_id=school.id,
                title=draft.title.strip()[:200],
                texts={k: v.strip() for k, v in draft.texts.items() if v and v.strip()},
                audience=normalize_audience(draft.audience),
                channel=draft.channel,
                send_at=(draft.send_at or utcnow()).replace(microsecond=0),
                urgent=draft.urgent,
                status="draft",
                override_48985=draft.override_48985,
                override_reason=draft.override_reason.strip() or None,
                created_by=draft.created_by,
            )
        return int(row["id"])

    def schedule(self, announcement_id: int, now: datetime | None = None) -> Preview:
        """Turn a draft into a scheduled announcement after checking it again against today's audience."""
        moment = now or utcnow()
        with self.store.transaction() as tx:
            row = tx.announcement(announcement_id, lock=True)
            if row is None or row["status"] != "draft":
                raise AnnouncementError(f"announcement {announcement_id} is not a draft any more")
            draft = _draft(row)
            preview = self._preview(tx, draft, moment)
            reasons = preview.refusal(draft.override_48985)
            if reasons:
                raise AnnouncementError("; ".join(reasons))
            overridden = bool(preview.required_missing and draft.override_48985)
            tx.update_announcement(
                announcement_id,
                status="scheduled",
                send_at=max(row["send_at"], moment.replace(microsecond=0)),
                override_48985=overridden,
                override_reason=row["override_reason"] if overridden else None,
            )
            if overridden:
                tx.add_evidence(
                    EvidenceFact("5A", "translation_override", detail=campaign(announcement_id)),
                    contact_id=None,
                    school_id=row["school_id"],
                    locale=",".join(preview.required_missing),
                )
        log.info(
            "announcement %s scheduled for %s (%d recipients)",
            announcement_id,
            preview.send_at,
            preview.recipients,
        )
        self.on_change()
        return preview

    def _discard(self, announcement_id: int) -> None:
        with self.store.transaction() as tx:
            tx.update_announcement(announcement_id, status="discarded")

    # Sending -------------------------------------------------------------------------
    def due(self) -> list[DueAnnouncement]:
        """Announcements the scheduler should queue; a run cut off by a crash is due again at once."""
        stale = utcnow() - STALE_RUN
        with self.store.transaction() as tx:
            return [
                DueAnnouncement(announcement_id, send_at, urgent)
                for announcement_id, send_at, urgent, status, beat in tx.due_announcements()
                if status == "scheduled" or beat is None or beat < stale
            ]

    def queue(
        self,
        announcement_id: int,
        *,
        expected_send_at: datetime | None = None,
        progress: Progress | None = None,
        now: datetime | None = None,
    ) -> str:
        """Write one outbox row per recipient (idempotent: a resumed run adds only what is missing)."""
        moment = now or utcnow()
        with self.store.transaction() as tx:
            row = tx.announcement(announcement_id, lock=True)
            if row is None or row["status"] not in ("scheduled", "queuing"):
                return "stale"
            if expected_send_at is not None and row["send_at"] != expected_send_at:
                return "stale"
            if row["status"] == "queuing" and row["queued_at"] and moment - row["queued_at"] < STALE_RUN:
                return "busy"  # another run is writing it right now
            tx.update_announcement(announcement_id, status="queuing", queued_at=moment)
            school = self.schools.current(tx, row["school_id"])
            contacts = tx.audience_contacts(school.id)
            done = tx.queued_contact_ids(campaign(announcement_id))
        chosen = audience_of(row["audience"], contacts, self.config.default_locale)
        rows, languages = self._rows(row, chosen, school.data.name, moment)
        total = len(rows)
        todo = [r for r in rows if r["contact_id"] not in done]
        written = total - len(todo)
        if progress:
            progress(written, total)
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start : start + CHUNK]
            with self.store.transaction() as tx:
                current = tx.announcement(announcement_id, lock=True)
                if current is None or current["status"] != "queuing":
                    log.info(
                        "announcement %s: stopped queuing (%s)",
                        announcement_id,
                        current and current["status"],
                    )
                    return "cancelled"
                tx.enqueue_bulk(chunk)
                tx.update_announcement(announcement_id, queued_at=utcnow())
            written += len(chunk)
            if progress:
                progress(written, total)
        with self.store.transaction() as tx:
            current = tx.announcement(announcement_id, lock=True)
            if current is None or current["status"] != "queuing":
                return "cancelled"
            tx.update_announcement(announcement_id, status="queued", recipients=total, queued_at=utcnow())
            self._evidence(tx, row, languages, total)
        log.info("announcement %s: %d messages queued", announcement_id, total)
        return "queued"

    def _rows(
        self, row: dict[str, Any], chosen: Sequence[Any], school_name: str, now: datetime
    ) -> tuple[list[dict[str, Any]], Counter[tuple[str, str]]]:
        texts: dict[str, str] = row["texts"]
        bodies: dict[str, tuple[str, str]] = {}
        name = campaign(row["id"])
        priority = 0 if row["urgent"] else 1
        languages: Counter[tuple[str, str]] = Counter()  # (family's home language, text language)
        rows = []
        for contact, home in chosen:
            if home not in bodies:
                text_locale = pick_text_locale(home, texts, self.config.default_locale)
                bodies[home] = (text_locale, body_for(school_name, texts[text_locale]))
            text_locale, body = bodies[home]
            languages[(home, text_locale)] += 1
            rows.append(
                {
                    "idempotency_key": f"{name}:{contact.id}",
                    "contact_id": contact.id,
                    "to_address": contact.phone,
                    "channel": row["channel"],
                    "body": body,
                    "locale": text_locale,
                    "priority": priority,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "campaign": name,
                    "created_at": now,
                }
            )
        return rows, languages

    def _evidence(self, tx: Tx, row: dict[str, Any], languages: Counter[tuple[str, str]], total: int) -> None:
        # The row's locale is the families' home language, so the report can say who got a fallback.
        for (home, text_locale), count in sorted(languages.items()):
            tx.add_evidence(
                EvidenceFact("1B", "queued", float(count), "home" if home == text_locale else "fallback"),
                contact_id=None,
                school_id=row["school_id"],
                locale=home,
            )
        in_home = sum(count for (home, text_locale), count in languages.items() if home == text_locale)
        tx.add_evidence(
            EvidenceFact(
                "5A",
                "home_language_coverage",
                round(in_home / total, 4) if total else 1.0,
                campaign(row["id"]),
            ),
            contact_id=None,
            school_id=row["school_id"],
            locale=None,
        )

    # After scheduling ----------------------------------------------------------------
    def cancel(self, announcement_id: int) -> int:
        """Stop an announcement: what is not yet handed to a dispatcher is never sent; returns that count."""
        with self.store.transaction() as tx:
            row = tx.announcement(announcement_id, lock=True)
            school = self.schools.current(tx)
            if row is None or row["school_id"] != school.id:  # staff cancel only their own school's
                raise AnnouncementError(f"no announcement {announcement_id} at {school.data.name}")
            if row["status"] == "cancelled":
                raise AnnouncementError(f"announcement {announcement_id} is already cancelled")
            withdrawn = tx.cancel_campaign(campaign(announcement_id))
            counts = tx.campaign_counts([campaign(announcement_id)])[campaign(announcement_id)]
            if row["status"] == "queued" and not counts.get("queued") and not withdrawn:
                raise AnnouncementError(f"announcement {announcement_id} has already been sent")
            tx.update_announcement(announcement_id, status="cancelled", cancelled_at=utcnow())
        self.on_change()
        log.info("announcement %s cancelled; %d messages withdrawn", announcement_id, withdrawn)
        return withdrawn

    def recent(self, limit: int = 10) -> list[AnnouncementSummary]:
        """The active school's latest announcements with their delivery counts."""
        with self.store.transaction() as tx:
            rows = tx.recent_announcements(self.schools.current(tx).id, limit)
            counts = tx.campaign_counts([campaign(r["id"]) for r in rows])
        return [
            AnnouncementSummary(
                r["id"],
                r["title"],
                r["status"],
                r["send_at"],
                r["urgent"],
                r["recipients"],
                counts.get(campaign(r["id"]), {}),
            )
            for r in rows
        ]

    def get(self, announcement_id: int) -> dict[str, Any]:
        """One announcement's stored fields, or AnnouncementError."""
        with self.store.transaction() as tx:
            row = tx.announcement(announcement_id)
        if row is None:
            raise AnnouncementError(f"no announcement {announcement_id}")
        return row

    def draft_of(self, announcement_id: int) -> AnnouncementDraft:
        """A stored announcement as a draft, to preview it again."""
        return _draft(self.get(announcement_id))


def _draft(row: dict[str, Any]) -> AnnouncementDraft:
    return AnnouncementDraft(
        title=row["title"],
        texts=row["texts"],
        audience=row["audience"],
        channel=row["channel"],
        send_at=row["send_at"],
        urgent=row["urgent"],
        override_48985=row["override_48985"],
        override_reason=row["override_reason"] or "",
        created_by=row["created_by"],
    )
