"""Real processes: two schedulers run each job once; a SIGKILL mid-send loses and doubles nothing."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.services.announcement_preview import AnnouncementDraft
from bot.store import Store
from bot.store.db import build_engine
from tests.fixtures.bots import make_bot
from tests.fixtures.fake_twilio import FakeTwilio
from tests.fixtures.families import add_families
from tests.fixtures.processes import OUTREACH, OutputReader, clean_env, free_port, stop_process, wait_healthy
from tests.fixtures.twilio_signing import ACCOUNT_SID, AUTH_TOKEN

pytestmark = pytest.mark.slow

NO_QUIET_HOURS = {"QUIET_HOURS_START": "00:00", "QUIET_HOURS_END": "00:00"}


def _draft(title: str, send_at: datetime) -> AnnouncementDraft:
    return AnnouncementDraft(
        title=title,
        texts={"en": f"{title}: see you there!", "es": f"{title}: ¡los esperamos!"},
        send_at=send_at,
        created_by="test",
    )


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _outbox(store: Store) -> dict[str, int]:
    with store.transaction() as tx:
        return tx.outbox_counts()


def _statuses(store: Store, ids: list[int]) -> list[str]:
    with store.transaction() as tx:
        return [tx.announcement(i)["status"] for i in ids]  # type: ignore[index]


def test_two_schedulers_run_each_job_once_and_the_second_takes_over(db_url: str) -> None:
    bot = make_bot(db_url)
    add_families(bot, {"en": 6, "es": 3})
    soon = datetime.now(UTC) + timedelta(seconds=2)
    ids = [bot.announcements.create(_draft(f"Event {n}", soon))[0] for n in range(3)]
    bot.close()
    env = clean_env(DATABASE_URL=db_url, SCHEDULER_SYNC_SECONDS="1", LOG_LEVEL="INFO", **NO_QUIET_HOURS)
    first = subprocess.Popen(
        [OUTREACH, "scheduler"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    first_out = OutputReader(first)
    first_out.wait_for("scheduler running")
    second = subprocess.Popen(
        [OUTREACH, "scheduler"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    second_out = OutputReader(second)
    store = Store(build_engine(db_url, pool_size=1))
    try:
        second_out.wait_for("another scheduler holds the lock")
        _wait(lambda: _statuses(store, ids) == ["queued"] * 3, 40, "three announcements queued")
        # No pause for "more syncs": the second scheduler takes over below and must sync before it
        # queues the fourth; the count of runs is read from both logs once both have stopped.
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)
        first_log = first_out.join()
        later = make_bot(db_url)
        fourth, _ = later.announcements.create(_draft("Event 4", datetime.now(UTC)))
        later.close()
        _wait(lambda: _statuses(store, [fourth]) == ["queued"], 40, "the second scheduler to take over")
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
        second_log = second_out.join()
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.kill()
        store.dispose()
    runs = Counter(
        line.split("job ", 1)[1].split(" done", 1)[0]
        for line in (first_log + second_log).splitlines()
        if " done: " in line and "job announcement:" in line
    )
    print(f"\njob runs across both schedulers: {dict(runs)}")
    assert runs == {f"announcement:{i}": 1 for i in [*ids, fourth]}
    assert "another scheduler holds the lock" in second_log
    assert all(f"job announcement:{i} done" in first_log for i in ids)
    assert f"job announcement:{fourth} done" in second_log
    with Store(build_engine(db_url, pool_size=1)).transaction() as tx:
        assert tx.outbox_counts() == {"pending": 36}  # 4 announcements x 9 families, once each


def test_sigkill_in_the_middle_of_a_send_then_restart_neither_repeats_nor_loses(
    db_url: str, tmp_path: Path
) -> None:
    bot = make_bot(db_url)
    phones = add_families(bot, {"en": 45, "es": 15})
    bot.announcements.create(_draft("Family night", datetime.now(UTC)))
    bot.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as fake:
        fake.state.answer_delay = 0.05  # a kill often lands after Twilio took a message, before we knew
        env = clean_env(
            DATABASE_URL=db_url,
            PUBLIC_BASE_URL=base,
            TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            TWILIO_FROM_NUMBER="+12135550100",
            TWILIO_API_BASE_URL=fake.url,
            SENDER_MESSAGES_PER_SECOND="15",
            OUTBOX_STALE_AFTER_SECONDS="2",
            SCHEDULER_SYNC_SECONDS="1",
            **NO_QUIET_HOURS,
        )

        log_path = tmp_path / "serve.log"

        def start() -> subprocess.Popen[str]:
            with log_path.open("a") as log_file:
                process = subprocess.Popen(
                    [OUTREACH, "serve", "--port", str(port)],
                    env=env,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            wait_healthy(base, process)
            return process

        store = Store(build_engine(db_url, pool_size=1))
        process = start()
        try:
            _wait(lambda: len(fake.messages) >= 20, 60, "the send to be under way")
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            at_kill = len(fake.messages)
            process = start()
            _wait(lambda: len({m.to for m in fake.messages}) >= len(phones), 90, "every family to be sent")
            # Every row recorded as sent: none is pending or in flight, so no duplicate can follow.
            _wait(lambda: _outbox(store) == {"sent": len(phones)}, 60, "every row recorded as sent")
        finally:
            try:
                stop_process(process, log_path)
            finally:
                store.dispose()
        sent = Counter(m.to for m in fake.messages)
    doubled = {phone: n for phone, n in sent.items() if n > 1}
    print(f"\nkilled after {at_kill} of {len(phones)}; sent {len(sent)} distinct, doubled {len(doubled)}")
    assert set(sent) == set(phones)
    assert doubled == {}
    with Store(build_engine(db_url, pool_size=1)).transaction() as tx:
        assert tx.outbox_counts() == {"sent": len(phones)}
