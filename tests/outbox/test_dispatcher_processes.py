"""Three `outreach dispatcher` processes on PostgreSQL share one sender's rate and send each row once."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import NullPool, create_engine, text

from bot.store import Store
from bot.store.db import build_engine, normalize_url
from tests.fixtures.bots import make_bot
from tests.fixtures.databases import another_postgres_database
from tests.fixtures.fake_twilio import FakeTwilio
from tests.fixtures.outbox_load import delivery, fill_outbox, max_in_window
from tests.fixtures.processes import OUTREACH, clean_env
from tests.fixtures.twilio_signing import ACCOUNT_SID, AUTH_TOKEN

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def dispatcher_env(database_url: str, fake: FakeTwilio, rate: float, **extra: str) -> dict[str, str]:
    """The environment of a dispatcher process sending through the fake Twilio API."""
    return clean_env(
        DATABASE_URL=database_url,
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_FROM_NUMBER="+12135550100",
        TWILIO_API_BASE_URL=fake.url,
        SENDER_MESSAGES_PER_SECOND=str(rate),
        LOG_LEVEL="WARNING",
        **extra,
    )


@contextmanager
def dispatchers(count: int, env: dict[str, str], logs: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` real `outreach dispatcher` processes, stopped (SIGTERM, then SIGKILL) at the end."""
    processes = []
    for n in range(count):
        with (logs / f"dispatcher{n}.log").open("wb") as log:
            processes.append(subprocess.Popen([OUTREACH, "dispatcher"], env=env, stdout=log, stderr=log))
    try:
        yield processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_drained(
    store: Store, expected: int, processes: list[subprocess.Popen[bytes]], timeout: float
) -> None:
    """Wait until every row is sent (or finally failed); fail if a dispatcher exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert all(p.poll() is None for p in processes), "a dispatcher process exited"
        with store.transaction() as tx:
            counts = tx.outbox_counts()
        if counts.get("sent", 0) + counts.get("failed", 0) >= expected:
            return
        time.sleep(0.5)
    raise AssertionError(f"outbox not drained in {timeout} s: {counts}")


def wait_sent(fake: FakeTwilio, count: int, processes: list[subprocess.Popen[bytes]], timeout: float) -> None:
    """Wait until the fake API has received `count` messages; fail if a dispatcher exits."""
    deadline = time.monotonic() + timeout
    while len(fake.messages) < count:
        assert all(p.poll() is None for p in processes), "a dispatcher process exited"
        assert time.monotonic() < deadline, f"only {len(fake.messages)} of {count} messages in {timeout} s"
        time.sleep(0.1)


@pytest.mark.parametrize(
    ("rows", "rate"),
    [
        # A rate three processes can beat even on a busy machine, so the shared limit is what binds.
        # Where the full size runs, it makes the same checks on ten times the rows.
        pytest.param(
            2_000,
            100.0,
            id="2k-at-100",
            marks=pytest.mark.skipif(
                os.environ.get("OUTREACH_SCALE_TESTS") == "1",
                reason="the 20,000-row run (OUTREACH_SCALE_TESTS=1) makes the same checks at full size",
            ),
        ),
        # The full size: 1-2.5 minutes on a shared 2-core machine, so `make test-scale` and
        # CI run it (OUTREACH_SCALE_TESTS=1) and a developer's `make test` runs the 2,000 rows.
        pytest.param(
            20_000,
            500.0,
            id="20k-at-500",
            marks=pytest.mark.skipif(
                os.environ.get("OUTREACH_SCALE_TESTS") != "1",
                reason="20,000 rows take minutes: run with OUTREACH_SCALE_TESTS=1 (make test-scale, CI)",
            ),
        ),
    ],
)
def test_three_dispatchers_send_each_row_once_within_the_shared_rate(
    rows: int, rate: float, tmp_path: Path
) -> None:
    url = another_postgres_database()
    make_bot(url).close()  # the demo school, loaded once before the processes start
    store = Store(build_engine(url, pool_size=1))
    bodies = fill_outbox(store, rows)
    with (
        FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as fake,
        dispatchers(3, dispatcher_env(url, fake, rate), tmp_path) as procs,
    ):
        started = time.monotonic()
        wait_drained(store, rows, procs, timeout=max(rows / rate * 4 + 60, rows / 40))
        elapsed = time.monotonic() - started
        received = fake.messages
    with store.transaction() as tx:
        counts = tx.outbox_counts()
    store.dispose()
    result = delivery(bodies, [m.body for m in received])
    times = [m.at.timestamp() for m in received]
    busiest = max_in_window(times)
    span = max(times) - min(times)
    print(
        f"\n3 dispatchers, {rows} rows at {rate:g}/s: {result.line('sms')}; "
        f"busiest 1-s window {busiest}, mean {len(times) / span:.1f}/s over {span:.1f} s "
        f"(drained in {elapsed:.1f} s)"
    )
    assert counts == {"sent": rows}
    assert (result.sent, result.duplicated, result.missing, result.unexpected) == (rows, 0, 0, 0)
    assert busiest <= rate, f"{busiest} sends in one second against a limit of {rate:g}/s"
    # How close to the rate they get is printed above and measured by bench/announce.py, not asserted.


def terminate_connections(database_url: str) -> int:
    """pg_terminate_backend on every other connection to this database; how many were cut."""
    engine = create_engine(normalize_url(database_url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            name = connection.execute(text("SELECT current_database()")).scalar_one()
            cut = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            ).scalar_one()
            connection.commit()
    finally:
        engine.dispose()
    return int(cut)


def test_dispatchers_survive_their_database_connections_being_terminated(tmp_path: Path) -> None:
    rows, rate = 1_500, 150.0
    url = another_postgres_database()
    make_bot(url).close()
    store = Store(build_engine(url, pool_size=1))
    bodies = fill_outbox(store, rows, prefix="cut")
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as fake:
        env = dispatcher_env(url, fake, rate, OUTBOX_STALE_AFTER_SECONDS="5")
        with dispatchers(2, env, tmp_path) as procs:
            wait_sent(fake, 100, procs, timeout=60)  # both processes are up and sending
            cuts = []
            for _ in range(5):
                cuts.append(terminate_connections(url))
                # Sending goes on after each cut before the next one (the dispatchers reconnected).
                wait_sent(fake, min(rows, len(fake.messages) + 50), procs, timeout=60)
            wait_drained(store, rows, procs, timeout=120)
            alive = all(p.poll() is None for p in procs)
            received = [m.body for m in fake.messages]
    with store.transaction() as tx:
        counts = tx.outbox_counts()
    store.dispose()
    result = delivery(bodies, received)
    logs = "".join((tmp_path / f"dispatcher{n}.log").read_text() for n in range(2))
    failed_passes = logs.count("pass failed; retrying")
    retried_writes = logs.count("recording failed")
    print(
        f"\npg_terminate_backend x{len(cuts)} ({sum(cuts)} connections cut; {failed_passes} dispatcher "
        f"passes failed and were retried, {retried_writes} result writes retried): {result.line('sms')}"
    )
    assert sum(cuts) >= 5
    assert alive
    assert counts == {"sent": rows}
    assert (result.sent, result.duplicated, result.missing, result.unexpected) == (rows, 0, 0, 0)
