"""Export, erasure and retention: what a parent can ask for, and what the law makes the school keep."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.app import Bot
from bot.clock import utcnow
from bot.domain import Inbound
from bot.services.data_rights import DataRights, ErasureNotConfigured, phone_token_function
from bot.store.models import ConcernRow, ConsentEventRow, ContactRow, MessageRow, UnansweredQuestionRow
from tests.fixtures.bots import make_bot
from tests.fixtures.databases import truncate_postgres

PHONE = "+12135550106"
KEY = "test-phone-hash-key-0123456789"
CONCERN = [
    "hi",
    "1",
    "I have a problem with a bully on the bus",
    "2",
    "A boy pushes my son on the bus every morning.",
    "1",
    "Leo Garcia, grade 3",
    "2",
    "weekdays after 3 pm",
]


@pytest.fixture
def rights_bot(db_url: str) -> Iterator[Bot]:
    wired = make_bot(db_url, phone_hash_key=KEY)
    yield wired
    wired.close()


def converse(bot: Bot, texts: list[str], phone: str = PHONE) -> None:
    for n, body in enumerate(texts):
        bot.conversation.handle(Inbound("sms", phone, body, f"SM{phone[-4:]}{n}{body[:3]}"))


def rights(bot: Bot) -> DataRights:
    return DataRights(bot.store, hash_key=KEY)


def test_export_has_everything_about_the_number_and_nothing_else(rights_bot: Bot) -> None:
    converse(rights_bot, CONCERN)
    converse(rights_bot, ["hi", "1"], phone="+12135550199")  # someone else
    exported = rights(rights_bot).export("(213) 555-0106")
    json.dumps(exported)  # JSON-ready as it is
    tables = exported["tables"]
    assert exported["contact"]["phone"] == PHONE
    assert [e["kind"] for e in tables["consent_events"]] == ["opt_in"]
    assert len(tables["messages"]) >= 2 * len(CONCERN)
    assert {m["contact_id"] for m in tables["messages"]} == {exported["contact"]["id"]}
    [concern] = tables["concerns"]
    assert concern["description"] == "A boy pushes my son on the bus every morning."
    assert tables["concern_events"][0]["kind"] == "created"
    assert tables["sessions"] and tables["evidence"]
    assert set(tables) >= {"outbox", "message_statuses", "unanswered_questions"}


def test_forget_erases_personal_data_and_keeps_consent_and_evidence(rights_bot: Bot) -> None:
    converse(rights_bot, [*CONCERN, "STOP"])
    before = rights(rights_bot).export(PHONE)
    erased = rights(rights_bot).forget(PHONE)
    assert erased.counts["messages"] == len(before["tables"]["messages"])
    with rights_bot.store.transaction() as tx:
        assert tx.contact_by_phone(PHONE) is None
        token = phone_token_function(KEY)(PHONE)
        kept = tx.contact_by_phone(token)
        assert kept is not None and kept.opted_out and kept.locale is None
        assert [kind for kind, _, _ in tx.consent_history(kept.id)] == ["opt_in", "opt_out"]
        data = tx.contact_data(kept.id)
        assert data["messages"] == [] and data["sessions"] == [] and data["outbox"] == []
        assert data["concerns"][0]["description"] == "" and data["concerns"][0]["student_info"] is None
        assert all(e["detail"] is None for e in data["concern_events"] + data["consent_events"])
        assert len(data["evidence"]) == len(before["tables"]["evidence"])
        everything = json.dumps([tx.contact_record(kept.id), data], default=str)
    assert PHONE not in everything and "pushes my son" not in everything and "Leo Garcia" not in everything


def test_an_erased_number_that_opted_out_stays_opted_out(rights_bot: Bot) -> None:
    converse(rights_bot, ["hi", "1", "STOP"])
    rights(rights_bot).forget(PHONE)
    replies = rights_bot.conversation.handle(Inbound("sms", PHONE, "hello again", "SMback1")).replies
    assert replies == []  # still opted out: only HELP and START are answered
    with rights_bot.store.transaction() as tx:
        contact = tx.contact_by_phone(PHONE)
        assert contact is not None and contact.opted_out
        assert tx.consent_history(contact.id)[0][:2] == ("opt_out", "kept_after_erasure")
    assert rights_bot.conversation.handle(Inbound("sms", PHONE, "START", "SMback2")).replies


def test_forget_needs_the_hash_key(bot: Bot) -> None:
    converse(bot, ["hi"])
    with pytest.raises(ErasureNotConfigured):
        DataRights(bot.store, hash_key="").forget(PHONE)


def test_purge_deletes_old_messages_and_keeps_consent_and_evidence(rights_bot: Bot) -> None:
    converse(rights_bot, CONCERN)
    old = datetime.now(UTC) - timedelta(days=400)
    with rights_bot.store.transaction() as tx:
        concern = tx.session.scalars(select(ConcernRow)).one()
        tx.session.execute(update(ConcernRow).values(status="resolved", resolved_at=old))
        first_ids = list(tx.session.scalars(select(MessageRow.id).order_by(MessageRow.id).limit(4)))
        tx.session.execute(update(MessageRow).where(MessageRow.id.in_(first_ids)).values(created_at=old))
        tx.add_unanswered(text="old question", locale="en", contact_ref=concern.contact_id, school_id=None)
        tx.session.execute(update(UnansweredQuestionRow).values(at=old))
        evidence_before = len(tx.evidence())
    counts = rights(rights_bot).purge(365)
    assert counts["messages"] == 4 and counts["unanswered_questions"] == 1 and counts["concerns"] == 1
    with rights_bot.store.transaction() as tx:
        assert len(tx.evidence()) == evidence_before
        assert tx.session.scalars(select(ConcernRow.description)).one() == ""
        contact = tx.contact_by_phone(PHONE)
        assert contact is not None and tx.consent_history(contact.id)
    assert rights(rights_bot).purge(365)["messages"] == 0


def test_rsvps_and_volunteering_are_exported_and_the_skills_profile_is_erased(rights_bot: Bot) -> None:
    from sqlalchemy import select as query

    from bot.store.models_events import EventRow, EventRsvpRow
    from bot.store.models_volunteers import VolunteerProfileRow

    converse(rights_bot, ["hi", "1"])
    with rights_bot.store.transaction() as tx:
        contact = tx.contact_by_phone(PHONE)
        assert contact is not None
        school = tx.school()
        assert school is not None
        event = EventRow(
            school_id=school.id,
            key="family-night",
            titles={"en": "Family night"},
            starts_at=datetime.now(UTC) + timedelta(days=3),
        )
        tx.session.add(event)
        tx.session.flush()
        tx.session.add(EventRsvpRow(event_id=event.id, contact_id=contact.id, answer="yes"))
        tx.session.add(VolunteerProfileRow(contact_id=contact.id, skills=["reading"], times=["mornings"]))
    exported = rights(rights_bot).export(PHONE)["tables"]
    assert [r["answer"] for r in exported["event_rsvps"]] == ["yes"]
    assert [p["skills"] for p in exported["volunteer_profiles"]] == [["reading"]]
    rights(rights_bot).forget(PHONE)
    with rights_bot.store.transaction() as tx:
        assert list(tx.session.scalars(query(VolunteerProfileRow))) == []
        assert [r.answer for r in tx.session.scalars(query(EventRsvpRow))] == ["yes"]  # counts stay


def _database_files(bot: Bot) -> list[Path]:
    """The files that hold the database's rows: SQLite's file and its log, or PostgreSQL's heaps."""
    url = bot.store.engine.url
    if bot.store.sqlite:
        base = Path(str(url.database))
        return [p for p in (base, base.with_name(base.name + "-wal")) if p.exists()]
    with bot.store.engine.connect() as connection:
        connection.exec_driver_sql("CHECKPOINT")
        root = Path(connection.exec_driver_sql("SHOW data_directory").scalar_one())
        tables = ("messages", "concerns", "consent_events", "outbox", "sessions", "contacts")
        indexes = connection.exec_driver_sql(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('contacts', 'messages')"
        ).scalars()
        paths = [
            connection.exec_driver_sql(f"SELECT pg_relation_filepath('{relation}')").scalar_one()
            for relation in (*tables, *indexes)
        ]
    return [root / p for p in paths if (root / p).exists()]


@pytest.fixture
def bot_on_fresh_files(db_url: str) -> Iterator[Bot]:
    """A bot whose database files hold no earlier test's rows (the reset between tests DELETEs)."""
    if not db_url.startswith("sqlite"):
        truncate_postgres(db_url)
    wired = make_bot(db_url, phone_hash_key=KEY)
    yield wired
    wired.close()


def test_forget_leaves_no_recoverable_copy_in_the_database_files(bot_on_fresh_files: Bot) -> None:
    rights_bot = bot_on_fresh_files
    converse(rights_bot, CONCERN)
    files = _database_files(rights_bot)
    if not files or not all(os.access(f, os.R_OK) for f in files):
        pytest.skip("the database files cannot be read from this process")
    before = b"".join(f.read_bytes() for f in files)
    assert b"pushes my son" in before  # the check can see what it looks for
    rights(rights_bot).forget(PHONE)
    after = b"".join(f.read_bytes() for f in _database_files(rights_bot))
    for secret in (b"pushes my son", b"Leo Garcia", b"2135550106", b"weekdays after 3 pm"):
        assert secret not in after, secret


def test_forget_redraws_the_concerns_slack_alert(db_url: str) -> None:
    wired = make_bot(db_url, phone_hash_key=KEY, slack_concerns_channel="C0CONCERNS")
    converse(wired, CONCERN)
    DataRights(wired.store, hash_key=KEY, concerns_channel="C0CONCERNS").forget(PHONE)
    with wired.store.engine.connect() as connection:
        bodies = [
            json.loads(row[0])
            for row in connection.exec_driver_sql(
                "SELECT body FROM outbox WHERE channel = 'slack' ORDER BY id"
            )
        ]
    wired.close()
    assert len(bodies) >= 2 and bodies[-1] == bodies[0]  # the same alert, drawn again from the erased row


def test_purge_pseudonymises_inactive_contacts_and_blanks_old_consent_words(rights_bot: Bot) -> None:
    converse(rights_bot, ["hi", "1", "please stop texting me"])
    converse(rights_bot, ["hi", "1"], phone="+12135550199")  # still active
    long_ago = utcnow() - timedelta(days=5 * 365)
    with rights_bot.store.transaction() as tx:
        old = tx.contact_by_phone(PHONE)
        assert old is not None
        tx.session.execute(
            update(ContactRow)
            .where(ContactRow.id == old.id)
            .values(created_at=long_ago, last_inbound_at=long_ago)
        )
        tx.session.execute(
            update(MessageRow).where(MessageRow.contact_id == old.id).values(created_at=long_ago)
        )
        tx.session.execute(
            update(ConsentEventRow).where(ConsentEventRow.contact_id == old.id).values(at=long_ago)
        )
    counts = rights(rights_bot).purge(730)
    assert counts["contacts_pseudonymised"] == 1 and counts["consent_details"] >= 1
    with rights_bot.store.transaction() as tx:
        assert tx.contact_by_phone("+12135550199") is not None
        kept = tx.contact_by_phone(phone_token_function(KEY)(PHONE))
        assert kept is not None and kept.opted_out  # an opt-out outlives the number
        assert [kind for kind, _, _ in tx.consent_history(kept.id)] == ["opt_in", "opt_out"]
        details = tx.session.scalars(
            select(ConsentEventRow.detail).where(ConsentEventRow.contact_id == kept.id)
        )
        assert list(details) == [None, None]
    # A second purge finds nothing more to do.
    assert rights(rights_bot).purge(730)["contacts_pseudonymised"] == 0
