"""The district-scale commands run as subprocesses: outbox status, contact export/forget, purge."""

from __future__ import annotations

import json
from pathlib import Path

from bot.domain import Inbound
from tests.fixtures.bots import make_bot
from tests.fixtures.processes import clean_env, run_outreach

PHONE = "+12135550123"


def seeded(tmp_path: Path) -> dict[str, str]:
    """A SQLite database with one parent's conversation and a failed outbox row; its environment."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    run_outreach("db", "upgrade", env=clean_env(DATABASE_URL=url))
    bot = make_bot(url)
    for n, text in enumerate(["hi", "1", "where is the parent center"]):
        bot.conversation.handle(Inbound("sms", PHONE, text, f"SMcli{n}"))
    with bot.store.transaction() as tx:
        contact = tx.contact_by_phone(PHONE)
        assert contact is not None
        tx.enqueue(key="f1", to_address=PHONE, body="Family night", contact_id=contact.id, priority=1)
        tx.enqueue(key="p1", to_address="+12135550144", body="later", contact_id=None, priority=1)
        [failed, _] = tx.pending_outbox_ids()
        tx.mark_failed(failed, "gave up after 8 attempts: twilio 500")
    bot.close()
    return clean_env(DATABASE_URL=url, PHONE_HASH_KEY="cli-test-hash-key")


def test_outbox_status_lists_counts_and_failed_rows_masked(tmp_path: Path) -> None:
    result = run_outreach("outbox", "status", env=seeded(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "failed" in result.stdout and "pending" in result.stdout
    assert "***0123" in result.stdout and "gave up after 8 attempts: twilio 500" in result.stdout
    assert PHONE not in result.stdout


def test_contact_export_then_forget(tmp_path: Path) -> None:
    env = seeded(tmp_path)
    exported = run_outreach("contact", "export", "213-555-0123", env=env)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert data["phone"] == PHONE and data["tables"]["messages"]
    forgotten = run_outreach("contact", "forget", PHONE, "--yes", env=env)
    assert forgotten.returncode == 0, forgotten.stderr
    assert "consent record kept" in forgotten.stdout
    again = run_outreach("contact", "export", PHONE, env=env)
    assert again.returncode == 1 and "no contact" in again.stderr


def test_forget_without_a_hash_key_refuses(tmp_path: Path) -> None:
    env = seeded(tmp_path)
    env.pop("PHONE_HASH_KEY")
    result = run_outreach("contact", "forget", PHONE, "--yes", env=env)
    assert result.returncode == 1 and "PHONE_HASH_KEY" in result.stderr


def test_purge_keeps_recent_data(tmp_path: Path) -> None:
    result = run_outreach("purge", "--older-than", "30", env=seeded(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "purged data older than 30 days: nothing" in result.stdout
