"""Queries for the rubric evidence report: evidence rows in a period, and the schools they belong to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.domain import EvidenceRecord, School
from bot.store.models import ConcernEventRow, ConcernRow, ContactRow, EvidenceRow, SchoolRow
from bot.store.repo import Tx


def evidence_between(
    tx: Tx, start: datetime, end: datetime, school_id: int | None = None
) -> list[EvidenceRecord]:
    """Evidence rows with start <= at < end (of one school, or of every school), oldest first."""
    query = select(
        EvidenceRow.indicator,
        EvidenceRow.kind,
        EvidenceRow.value,
        EvidenceRow.detail,
        EvidenceRow.locale,
        EvidenceRow.contact_ref,
        EvidenceRow.school_id,
        EvidenceRow.at,
    ).where(EvidenceRow.at >= start, EvidenceRow.at < end)
    if school_id is not None:
        query = query.where(EvidenceRow.school_id == school_id)
    rows = tx.session.execute(query.order_by(EvidenceRow.at, EvidenceRow.id))
    return [EvidenceRecord(*row) for row in rows]


def schools(tx: Tx) -> list[School]:
    """Every loaded school, in the order they were loaded."""
    rows = tx.session.scalars(select(SchoolRow).order_by(SchoolRow.id))
    return [School(id=r.id, slug=r.slug, name=r.name, data=r.data) for r in rows]


def add_evidence_records(tx: Tx, records: list[EvidenceRecord]) -> None:
    """Store evidence rows as given, times included (tests and imports; services use Tx.add_evidence)."""
    tx.session.add_all(
        EvidenceRow(
            indicator=r.indicator,
            kind=r.kind,
            value=r.value,
            detail=r.detail,
            locale=r.locale,
            contact_ref=r.contact_ref,
            school_id=r.school_id,
            at=r.at,
        )
        for r in records
    )


def contact_count(tx: Tx) -> int:
    """How many contacts the database has (the demo refuses to mix into real ones)."""
    return int(tx.session.scalar(select(func.count()).select_from(ContactRow)) or 0)


def roster_families(tx: Tx, before: datetime, school_id: int | None = None) -> list[dict[str, Any]]:
    """Contacts on the roster by `before` who have not opted out: {ref, language} (no phone, no name)."""
    query = select(ContactRow.id, ContactRow.locale).where(
        ContactRow.created_at < before, ContactRow.opted_out.is_(False)
    )
    if school_id is not None:
        query = query.where(ContactRow.school_id == school_id)
    return [
        {"ref": ref, "language": locale} for ref, locale in tx.session.execute(query.order_by(ContactRow.id))
    ]


def concerns_raised(
    tx: Tx, start: datetime, end: datetime, school_id: int | None = None
) -> list[dict[str, Any]]:
    """Concerns raised with start <= created_at < end, with their due and done times, the first staff
    reply and whether staff recorded a UCP filing (no description)."""
    c, e = ConcernRow, ConcernEventRow
    first_reply = (
        select(func.min(e.at)).where(e.concern_id == c.id, e.kind == "reply").correlate(c).scalar_subquery()
    )
    filed = (
        select(func.count(e.id))
        .where(e.concern_id == c.id, e.kind == "ucp_filed")
        .correlate(c)
        .scalar_subquery()
    )
    query = select(
        c.contact_id,
        c.category,
        c.locale,
        c.created_at,
        c.ack_due_at,
        c.acknowledged_at,
        c.resolve_due_at,
        c.resolved_at,
        c.satisfaction,
        c.need_met,
        first_reply,
        filed,
    ).where(c.created_at >= start, c.created_at < end)
    if school_id is not None:
        query = query.where(c.school_id == school_id)
    keys = (
        "ref",
        "category",
        "locale",
        "created_at",
        "ack_due_at",
        "acknowledged_at",
        "resolve_due_at",
        "resolved_at",
        "satisfaction",
        "need_met",
        "first_reply_at",
        "ucp_filed",
    )
    found = [
        dict(zip(keys, row, strict=True)) for row in tx.session.execute(query.order_by(c.created_at, c.id))
    ]
    for concern in found:
        concern["ucp_filed"] = bool(concern["ucp_filed"])
    return found
