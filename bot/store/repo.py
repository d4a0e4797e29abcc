"""Store and transaction: every query the core needs, returning plain records."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Engine, Row, Table, bindparam, func, insert, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import Contact, EvidenceFact, OutboxItem, School
from bot.store.announcements_repo import AnnouncementQueries
from bot.store.concerns_repo import ConcernQueries
from bot.store.contacts_repo import ContactDataQueries
from bot.store.db import is_sqlite
from bot.store.events_repo import EventQueries
from bot.store.inbound_repo import InboundQueries
from bot.store.models import (
    ConsentEventRow,
    ContactRow,
    EvidenceRow,
    MessageRow,
    MessageStatusRow,
    OutboxRow,
    SchoolRow,
    SessionRow,
    utcnow,
)
from bot.store.reminders_repo import ReminderQueries
from bot.store.roster_repo import RosterQueries
from bot.store.taught_repo import TeachingQueries
from bot.store.threads_repo import ThreadQueries
from bot.store.volunteers_repo import VolunteerQueries

DuplicateError = IntegrityError
NO_SYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")
T = TypeVar("T")

# The per-message path uses Core statements on these tables: no identity map, no flush.
CONTACTS = cast(Table, ContactRow.__table__)
MESSAGES = cast(Table, MessageRow.__table__)
SESSIONS = cast(Table, SessionRow.__table__)
EVIDENCE = cast(Table, EvidenceRow.__table__)
CONSENT_EVENTS = cast(Table, ConsentEventRow.__table__)


def _session_upsert(dialect_insert: Any) -> Any:
    statement = dialect_insert(SESSIONS)
    return statement.on_conflict_do_update(
        index_elements=[SESSIONS.c.contact_id],
        set_={"state": statement.excluded.state, "updated_at": statement.excluded.updated_at},
    )


# Built once: a reused statement keeps its compiled form and cache key, which is most of the cost
# of a small query in SQLAlchemy.
CONTACT_BY_PHONE = select(CONTACTS).where(CONTACTS.c.phone == bindparam("b_phone"))
CONTACT_BY_ID = select(CONTACTS).where(CONTACTS.c.id == bindparam("b_id"))
INSERT_CONTACT = insert(CONTACTS).returning(CONTACTS.c.id)
INSERT_CONSENT = insert(CONSENT_EVENTS)
TOUCH_CONTACT = (
    update(CONTACTS).where(CONTACTS.c.id == bindparam("b_id")).values(last_inbound_at=bindparam("b_at"))
)
SET_LOCALE = (
    update(CONTACTS)
    .where(CONTACTS.c.id == bindparam("b_id"))
    .values(locale=bindparam("b_locale"), locale_source=bindparam("b_source"))
)
SESSION_BY_CONTACT = select(SESSIONS.c.state, SESSIONS.c.updated_at).where(
    SESSIONS.c.contact_id == bindparam("b_id")
)
UPSERT_SESSION = {"sqlite": _session_upsert(sqlite.insert), "postgresql": _session_upsert(postgresql.insert)}
INBOUND_BY_PROVIDER_ID = select(MESSAGES.c.id).where(
    MESSAGES.c.channel == bindparam("b_channel"), MESSAGES.c.provider_id == bindparam("b_provider_id")
)
INSERT_MESSAGE = insert(MESSAGES).returning(MESSAGES.c.id)
INSERT_MESSAGES = insert(MESSAGES)
INSERT_EVIDENCE = insert(EVIDENCE)


def _contact(row: ContactRow | Row[Any]) -> Contact:
    return Contact(
        id=row.id,
        phone=row.phone,
        school_id=row.school_id,
        locale=row.locale,
        locale_source=row.locale_source,
        opted_out=row.opted_out,
        created_at=row.created_at,
    )


def _school(row: SchoolRow) -> School:
    return School(
        id=row.id, slug=row.slug, name=row.name, data=row.data, active=row.active, loaded_at=row.loaded_at
    )


SCRUB_WAIT_SECONDS = 10.0
OLDER_SNAPSHOTS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL"
)


class Store:
    """Opens transactions on the database, and runs blocking store work off the event loop."""

    def __init__(self, engine: Engine, phone_token: Callable[[str], str] | None = None) -> None:
        self.engine = engine
        self.sqlite = is_sqlite(str(engine.url))
        # Maps a phone to the token an erased contact keeps instead (see bot/services/data_rights.py).
        self.phone_token = phone_token
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._workers: ThreadPoolExecutor | None = None
        self._workers_lock = threading.Lock()
        # The transaction open in this thread (or task), so a read made inside it can join it.
        self._open: ContextVar[Tx | None] = ContextVar(f"open_tx_{id(self)}", default=None)

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """Run blocking work that uses the store in a thread pool as large as the connection pool.

        More threads than connections would only wait for a connection while competing for the GIL.
        """
        with self._workers_lock:
            if self._workers is None:
                size = 1 if self.sqlite else self.engine.pool.size() + 2  # type: ignore[attr-defined]
                self._workers = ThreadPoolExecutor(max_workers=size, thread_name_prefix="store")
        return await asyncio.get_running_loop().run_in_executor(self._workers, work, *args)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A unit of work: commits on success, rolls back on any error."""
        with self._sessions() as session, session.begin():
            tx = Tx(session, sqlite=self.sqlite, phone_token=self.phone_token)
            token = self._open.set(tx)
            try:
                yield tx
            finally:
                self._open.reset(token)

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        """The transaction already open in this thread, else a new one: for reads that may run inside one.

        A second transaction in the same thread would wait for the connection the first one holds
        (SQLite has one per process), so a lookup such as the school's time zone joins the open one.
        """
        open_tx = self._open.get()
        if open_tx is not None:
            yield open_tx
            return
        with self.transaction() as tx:
            yield tx

    def scrub_freed_space(self, tables: Iterable[str]) -> None:
        """Make deleted rows unrecoverable from the database files, after an erasure.

        SQLite runs with secure_delete on (freed space is zeroed as rows go); the write-ahead log,
        which still holds the old pages, is checkpointed and truncated. PostgreSQL gets a VACUUM of
        the touched tables, which removes the dead row versions, and the contacts table is rewritten;
        backups and archived WAL are outside its reach (docs/deployment.md says how long to keep them).
        """
        if self.sqlite:
            # Outside any transaction (SQLAlchemy would begin one): on the raw connection.
            raw = self.engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # A transaction that began before the erasure (a report, autovacuum's ANALYZE) may still
            # see the old rows, and VACUUM must keep them for it: wait a little for it to end.
            deadline = time.monotonic() + SCRUB_WAIT_SECONDS
            while connection.exec_driver_sql(OLDER_SNAPSHOTS).scalar_one() and time.monotonic() < deadline:
                time.sleep(0.05)
            for table in tables:
                connection.exec_driver_sql(f'VACUUM "{table}"')
            # A plain VACUUM frees a dead row's space but leaves its bytes; the contacts table (the
            # old number, in the row and its index) is rewritten instead. It is locked for the
            # rewrite, about a second per hundred thousand families.
            connection.exec_driver_sql("VACUUM FULL contacts")

    def dispose(self) -> None:
        """Stop the worker threads and close every pooled connection."""
        if self._workers is not None:
            self._workers.shutdown(wait=True)
            self._workers = None
        self.engine.dispose()


class Tx(
    ConcernQueries,
    ReminderQueries,
    AnnouncementQueries,
    RosterQueries,
    VolunteerQueries,
    EventQueries,
    InboundQueries,
    ContactDataQueries,
    TeachingQueries,
    ThreadQueries,
):
    """The queries available inside one transaction."""

    def __init__(
        self, session: Session, *, sqlite: bool, phone_token: Callable[[str], str] | None = None
    ) -> None:
        self.session = session
        self.sqlite = sqlite
        self.phone_token = phone_token
        self._connection: Connection | None = None

    @property
    def core(self) -> Connection:
        """The transaction's connection, for Core statements on the per-message path."""
        if self._connection is None:
            self._connection = self.session.connection()
        return self._connection

    # Schools -----------------------------------------------------------------
    def school(self, school_id: int | None = None) -> School | None:
        """The school by id, or the active school when no id is given."""
        query = select(SchoolRow).where(SchoolRow.active.is_(True)).order_by(SchoolRow.id).limit(1)
        if school_id is not None:
            query = select(SchoolRow).where(SchoolRow.id == school_id)
        row = self.session.scalars(query).first()
        return _school(row) if row else None

    def schools(self) -> list[School]:
        """Every loaded school, in the order they were first loaded."""
        return [_school(row) for row in self.session.scalars(select(SchoolRow).order_by(SchoolRow.id))]

    def activate_school(self, school_id: int) -> None:
        """Make this school the one the bot answers as (and no other)."""
        self.session.execute(update(SchoolRow).values(active=SchoolRow.id == school_id))
        self.session.flush()

    def upsert_school(self, slug: str, name: str, data: dict[str, Any]) -> School:
        """Create or replace a school's data, keyed by slug."""
        row = self.session.scalars(select(SchoolRow).where(SchoolRow.slug == slug)).first()
        if row is None:
            row = SchoolRow(slug=slug, name=name, data=data)
            self.session.add(row)
        else:
            row.name, row.data, row.loaded_at = name, data, utcnow()
        self.session.flush()
        return _school(row)

    def school_count(self) -> int:
        """How many schools are loaded."""
        return int(self.session.scalar(select(func.count()).select_from(SchoolRow)) or 0)

    # Contacts ----------------------------------------------------------------
    def contact_by_phone(self, phone: str) -> Contact | None:
        """The contact with this E.164 phone, if known."""
        row = self.core.execute(CONTACT_BY_PHONE, {"b_phone": phone}).first()
        return _contact(row) if row else None

    def contact(self, contact_id: int) -> Contact | None:
        """The contact with this id, if any."""
        row = self.core.execute(CONTACT_BY_ID, {"b_id": contact_id}).first()
        return _contact(row) if row else None

    def create_contact(self, phone: str, school_id: int | None) -> Contact:
        """Add a new contact; consent starts as the act of texting the school (FCC 16-88)."""
        now = utcnow()
        opted_out = self._erased_and_opted_out(phone)
        values = {"phone": phone, "school_id": school_id, "opted_out": opted_out, "created_at": now}
        contact_id = self.core.execute(INSERT_CONTACT, values).scalar_one()
        consent = {
            "contact_id": contact_id,
            "kind": "opt_out" if opted_out else "opt_in",
            "source": "kept_after_erasure" if opted_out else "first_text",
            "detail": None,
            "at": now,
        }
        self.core.execute(INSERT_CONSENT, consent)
        return Contact(contact_id, phone, school_id, None, None, opted_out, now)

    def _erased_and_opted_out(self, phone: str) -> bool:
        """An erased contact's opt-out outlives the erasure: the number stays opted out until START."""
        if self.phone_token is None:
            return False
        erased = self.core.execute(CONTACT_BY_PHONE, {"b_phone": self.phone_token(phone)}).first()
        return bool(erased and erased.opted_out)

    def touch_contact(self, contact_id: int) -> None:
        """Record that the contact just wrote to us."""
        self.core.execute(TOUCH_CONTACT, {"b_id": contact_id, "b_at": utcnow()})

    def set_locale(self, contact_id: int, locale: str, source: str) -> None:
        """Set the contact's language and how we learned it (chosen, detected)."""
        # Core, as on the rest of the per-message path: an ORM update costs about a millisecond more.
        self.core.execute(SET_LOCALE, {"b_id": contact_id, "b_locale": locale, "b_source": source})

    def set_consent(
        self, contact_id: int, *, opted_out: bool, source: str, detail: str | None = None
    ) -> None:
        """Opt the contact in or out and keep the history row."""
        self.session.execute(
            update(ContactRow).where(ContactRow.id == contact_id).values(opted_out=opted_out)
        )
        kind = "opt_out" if opted_out else "opt_in"
        self.session.add(ConsentEventRow(contact_id=contact_id, kind=kind, source=source, detail=detail))

    def consent_history(self, contact_id: int) -> list[tuple[str, str, datetime]]:
        """(kind, source, at) for every consent change of a contact, oldest first."""
        rows = self.session.scalars(
            select(ConsentEventRow)
            .where(ConsentEventRow.contact_id == contact_id)
            .order_by(ConsentEventRow.id)
        )
        return [(r.kind, r.source, r.at) for r in rows]

    # Sessions ----------------------------------------------------------------
    def load_session(self, contact_id: int) -> tuple[dict[str, Any], datetime] | None:
        """The saved conversation state and when it was last touched."""
        row = self.core.execute(SESSION_BY_CONTACT, {"b_id": contact_id}).first()
        return (dict(row[0]), row[1]) if row else None

    def save_session(self, contact_id: int, state: dict[str, Any]) -> None:
        """Save the conversation state as JSON (one upsert)."""
        upsert = UPSERT_SESSION["sqlite" if self.sqlite else "postgresql"]
        self.core.execute(upsert, {"contact_id": contact_id, "state": state, "updated_at": utcnow()})

    # Messages ----------------------------------------------------------------
    def inbound_by_provider_id(self, channel: str, provider_id: str) -> int | None:
        """The id of an inbound already stored under this provider id."""
        params = {"b_channel": channel, "b_provider_id": provider_id}
        return self.core.execute(INBOUND_BY_PROVIDER_ID, params).scalar()

    def add_message(
        self,
        *,
        contact_id: int | None,
        direction: str,
        channel: str,
        body: str,
        status: str,
        provider_id: str | None = None,
        in_reply_to: int | None = None,
        locale: str | None = None,
        segments: int | None = None,
    ) -> int:
        """Store one message and return its id."""
        values = {
            "contact_id": contact_id,
            "direction": direction,
            "channel": channel,
            "body": body,
            "status": status,
            "provider_id": provider_id,
            "in_reply_to": in_reply_to,
            "locale": locale,
            "segments": segments,
            "created_at": utcnow(),
        }
        return int(self.core.execute(INSERT_MESSAGE, values).scalar_one())

    def add_replies(
        self, *, contact_id: int, channel: str, in_reply_to: int, locale: str, bodies: list[tuple[str, int]]
    ) -> None:
        """Store the replies to an inbound (body, segments) in one statement."""
        if not bodies:
            return
        now = utcnow()
        rows = [
            {
                "contact_id": contact_id,
                "direction": "out",
                "channel": channel,
                "body": body,
                "status": "replied",
                "provider_id": None,
                "in_reply_to": in_reply_to,
                "locale": locale,
                "segments": segments,
                "created_at": now,
            }
            for body, segments in bodies
        ]
        self.core.execute(INSERT_MESSAGES, rows)

    def replies_to(self, message_id: int) -> list[str]:
        """The bodies of the replies stored for an inbound message, in order."""
        return list(
            self.session.scalars(
                select(MessageRow.body).where(MessageRow.in_reply_to == message_id).order_by(MessageRow.id)
            )
        )

    def messages_of(self, contact_id: int) -> list[tuple[str, str, str]]:
        """(direction, body, status) of every message of a contact, oldest first."""
        rows = self.session.execute(
            select(MessageRow.direction, MessageRow.body, MessageRow.status)
            .where(MessageRow.contact_id == contact_id)
            .order_by(MessageRow.id)
        )
        return [(d, b, s) for d, b, s in rows]

    def record_status(self, provider_id: str, status: str, error_code: str | None) -> bool:
        """Record a delivery status once; False when this (sid, status) was already recorded."""
        exists = self.session.scalar(
            select(MessageStatusRow.id).where(
                MessageStatusRow.provider_id == provider_id, MessageStatusRow.status == status
            )
        )
        if exists:
            return False
        message_id = self.session.scalar(select(MessageRow.id).where(MessageRow.provider_id == provider_id))
        self.session.add(
            MessageStatusRow(
                message_id=message_id, provider_id=provider_id, status=status, error_code=error_code
            )
        )
        if message_id is not None:
            self.session.execute(update(MessageRow).where(MessageRow.id == message_id).values(status=status))
        return True

    def contact_by_message_provider_id(self, provider_id: str) -> Contact | None:
        """The contact an outbound message with this provider id went to."""
        contact_id = self.session.scalar(
            select(MessageRow.contact_id).where(MessageRow.provider_id == provider_id)
        )
        return self.contact(contact_id) if contact_id else None

    # Outbox ------------------------------------------------------------------
    def enqueue(
        self,
        *,
        key: str,
        to_address: str,
        body: str,
        contact_id: int | None,
        locale: str | None = None,
        priority: int = 0,
        not_before: datetime | None = None,
        channel: str = "sms",
        campaign: str | None = None,
    ) -> bool:
        """Queue a message once per idempotency key; False when the key was already queued."""
        if self.session.scalar(select(OutboxRow.id).where(OutboxRow.idempotency_key == key)):
            return False
        self.session.add(
            OutboxRow(
                idempotency_key=key,
                to_address=to_address,
                body=body,
                contact_id=contact_id,
                locale=locale,
                priority=priority,
                next_attempt_at=not_before or utcnow(),
                channel=channel,
                campaign=campaign,
            )
        )
        return True

    def claim_outbox(
        self, worker: str, limit: int, *, bulk_limit: int | None = None, bulk_allowed: bool = True
    ) -> list[OutboxItem]:
        """Claim due rows for one dispatcher: interactive rows first, bulk only when none wait.

        Bulk rows come in small batches (`bulk_limit`) so a reply that arrives meanwhile waits for at
        most one batch; they are not claimed at all while `bulk_allowed` is False (quiet hours).
        """
        now = utcnow()
        rows = self._claimable(OutboxRow.priority == 0, now, limit)
        if not rows and bulk_allowed:
            rows = self._claimable(OutboxRow.priority > 0, now, bulk_limit or limit)
        for row in rows:
            row.status, row.claimed_by, row.claimed_at = "sending", worker, now
            row.attempts += 1
        return [
            OutboxItem(r.id, r.to_address, r.body, r.attempts, r.contact_id, r.claimed_at, r.channel)
            for r in rows
        ]

    def _claimable(self, which: Any, now: datetime, limit: int) -> list[OutboxRow]:
        query = (
            select(OutboxRow)
            .where(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now, which)
            .order_by(OutboxRow.priority, OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
        )
        if not self.sqlite:
            query = query.with_for_update(skip_locked=True)
        return list(self.session.scalars(query))

    def reclaim_stale(self, worker: str, older_than: timedelta) -> list[OutboxItem]:
        """Take over rows a dead dispatcher left in 'sending'; items carry the old claim time."""
        now = utcnow()
        cutoff = now - older_than
        query = select(OutboxRow).where(OutboxRow.status == "sending", OutboxRow.claimed_at < cutoff)
        if not self.sqlite:
            query = query.with_for_update(skip_locked=True)
        items = []
        for row in self.session.scalars(query):
            items.append(
                OutboxItem(
                    row.id,
                    row.to_address,
                    row.body,
                    row.attempts,
                    row.contact_id,
                    row.claimed_at,
                    row.channel,
                )
            )
            row.claimed_by, row.claimed_at = worker, now
        return items

    def mark_sent(self, outbox_id: int, provider_id: str | None, provider_status: str = "sent") -> None:
        """Record that the provider accepted a row; an SMS also becomes a message with the provider status."""
        if not self.sqlite:
            # Safe to lose on a server crash: the row falls back to 'sending' and recovery asks the
            # provider before sending again. Not waiting for the WAL flush doubles a dispatcher's rate.
            self.session.execute(NO_SYNC_COMMIT)
        row = self.session.get(OutboxRow, outbox_id)
        if row is None or row.status == "sent":
            return  # recorded already (a retried write after a lost commit acknowledgement)
        row.status, row.provider_id, row.sent_at, row.last_error = "sent", provider_id, utcnow(), None
        if row.channel != "sms":
            return  # staff alerts are not messages to a parent (and a Slack update reuses its ts)
        row.message_id = self.add_message(
            contact_id=row.contact_id,
            direction="out",
            channel=row.channel,
            body=row.body,
            status=provider_status,
            provider_id=provider_id,
            locale=row.locale,
        )

    def renew_claim(self, outbox_id: int, worker: str) -> bool:
        """Refresh a row's claim time if `worker` still holds it; False when it was taken over."""
        if not self.sqlite:
            self.session.execute(NO_SYNC_COMMIT)  # losing a renewal only lets recovery ask the provider
        result = self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id, OutboxRow.claimed_by == worker, OutboxRow.status == "sending")
            .values(claimed_at=utcnow())
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def restore_claim(self, outbox_id: int, claimed_at: datetime | None) -> None:
        """Give a reclaimed row its old claim time back, so recovery asks about the right moment again."""
        self.session.execute(update(OutboxRow).where(OutboxRow.id == outbox_id).values(claimed_at=claimed_at))

    def mark_retry(self, outbox_id: int, error: str, at: datetime) -> None:
        """Put a row back in the queue for another try at a later time."""
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id)
            .values(status="pending", next_attempt_at=at, last_error=error[:300], claimed_by=None)
        )

    def mark_failed(self, outbox_id: int, error: str, status: str = "failed") -> None:
        """Give up on a row for good (permanent error, opted out, or out of attempts)."""
        self.session.execute(
            update(OutboxRow).where(OutboxRow.id == outbox_id).values(status=status, last_error=error[:300])
        )

    def outbox_counts(self) -> dict[str, int]:
        """How many outbox rows are in each status."""
        rows = self.session.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
        return {status: int(count) for status, count in rows}

    def outbox_row(self, outbox_id: int) -> dict[str, Any] | None:
        """One outbox row as a dict, for inspection and tests."""
        row = self.session.get(OutboxRow, outbox_id)
        if row is None:
            return None
        return {c.name: getattr(row, c.name) for c in OutboxRow.__table__.columns}

    def pending_outbox_ids(self) -> list[int]:
        """Ids of rows waiting or in flight."""
        return list(
            self.session.scalars(
                select(OutboxRow.id).where(or_(OutboxRow.status == "pending", OutboxRow.status == "sending"))
            )
        )

    # Evidence ----------------------------------------------------------------
    def add_evidence(
        self, fact: EvidenceFact, *, contact_id: int | None, school_id: int | None, locale: str | None
    ) -> None:
        """Store one evidence fact for the rubric report."""
        row = {
            "indicator": fact.indicator,
            "kind": fact.kind,
            "value": fact.value,
            "detail": fact.detail,
            "locale": locale,
            "contact_ref": contact_id,
            "school_id": school_id,
            "at": utcnow(),
        }
        self.core.execute(INSERT_EVIDENCE, row)

    def evidence(self, indicator: str | None = None) -> list[tuple[str, str, str | None, str | None]]:
        """(indicator, kind, detail, locale) of evidence rows, oldest first."""
        query = select(EvidenceRow.indicator, EvidenceRow.kind, EvidenceRow.detail, EvidenceRow.locale)
        if indicator:
            query = query.where(EvidenceRow.indicator == indicator)
        return [tuple(r) for r in self.session.execute(query.order_by(EvidenceRow.id))]  # type: ignore[misc]

    def last_evidence_at(self, contact_id: int, kind: str) -> datetime | None:
        """When a parent last had an evidence row of this kind (a pulse's rate limit)."""
        return self.session.scalar(
            select(func.max(EvidenceRow.at)).where(
                EvidenceRow.contact_ref == contact_id, EvidenceRow.kind == kind
            )
        )
