"""Benchmark one multilingual announcement to 100,000 families, and the dispatcher's send rate.

Part 1, per database (a SQLite file in a temporary directory, and PostgreSQL when reachable):
  - seeds N contacts across the ten shipped languages (not timed);
  - times `AnnouncementService.queue` (audience query, per-language rendering, one outbox row per
    family in chunks) in a fresh child process, and reports that process's peak RSS;
  - times a bare bulk insert of the same rows, precomputed before the clock starts, through the same
    `enqueue_bulk` in the same chunk size (the floor for writing those rows), and the ratio.
Part 2: the real dispatcher and the real twilio client against the fake Twilio API on loopback at a
  configured rate: achieved rate and the most sends seen in any one-second window.

    .venv/bin/python bench/announce.py [--families 100000] [--rate 100] [--messages 1500]
    .venv/bin/python bench/announce.py --postgres-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time
import uuid
from bisect import bisect_left
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, insert, text  # noqa: E402

from bot.services.announcement_preview import AnnouncementDraft  # noqa: E402
from tests.fixtures.bots import make_bot  # noqa: E402
from tests.fixtures.twilio_signing import ACCOUNT_SID, AUTH_TOKEN  # noqa: E402

LOCALES = ("en", "es", "ko", "zh_Hans", "hy", "fil", "vi", "ru", "fa", "ar")
WEIGHTS = (40, 30, 6, 5, 5, 4, 4, 2, 2, 2)
TEXTS = {
    "en": "Parent workshop on reading at home, Thursday 6 PM in the library. Childcare provided!",
    "es": "Taller para padres sobre la lectura en casa, jueves 6 PM en la biblioteca. ¡Hay cuidado de niños!",
    "ko": "가정 독서 학부모 워크숍, 목요일 오후 6시 도서관. 아이 돌봄 제공!",
    "zh_Hans": "家庭阅读家长讲座，周四下午6点在图书馆。提供儿童看护！",
    "hy": "Ծնողների սեմինար տնային ընթերցանության մասին, հինգշաբթի 18:00 գրադարանում:",
    "fil": "Workshop para sa magulang tungkol sa pagbabasa sa bahay, Huwebes 6 PM sa library.",
    "vi": "Hội thảo phụ huynh về đọc sách tại nhà, thứ Năm 6 giờ tối tại thư viện. Có giữ trẻ!",
    "ru": "Семинар для родителей о чтении дома, четверг 18:00 в библиотеке. Есть присмотр за детьми!",
    "fa": "کارگاه والدین درباره کتاب‌خوانی در خانه، پنجشنبه ساعت ۶ عصر در کتابخانه.",
    "ar": "ورشة للآباء عن القراءة في البيت، الخميس الساعة 6 مساءً في المكتبة. تتوفر رعاية للأطفال!",
}


def _postgres_database(url: str) -> tuple[str, str] | None:
    """A fresh database on the server (and its name), or None when PostgreSQL is not reachable."""
    from bot.store.db import normalize_url

    admin = create_engine(
        normalize_url(url), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"outreach_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"PostgreSQL not used: {str(exc).splitlines()[0]}")
        return None
    finally:
        admin.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}", name


def _drop_postgres(url: str, name: str) -> None:
    from bot.store.db import normalize_url

    admin = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def seed(database_url: str, families: int) -> int:
    """Migrate, load the demo school, add the families and an announcement; returns its id."""
    from bot.store.migrate import upgrade
    from bot.store.models import ContactRow

    upgrade(database_url)
    bot = make_bot(database_url)
    rng = random.Random(7)
    rows = [
        {
            "phone": f"+1213{5550000 + i:07d}" if i < 10000 else f"+1310{2000000 + i:07d}",
            "school_id": 1,
            "locale": rng.choices(LOCALES, WEIGHTS)[0],
            "locale_source": "roster",
            "opted_out": False,
            "grades": [str(rng.randint(0, 5))],
            "groups": [],
            "created_at": datetime.now(UTC),
        }
        for i in range(families)
    ]
    with bot.store.transaction() as tx:
        for start in range(0, len(rows), 10000):
            tx.session.execute(insert(ContactRow), rows[start : start + 10000])
    announcement_id, _ = bot.announcements.create(
        AnnouncementDraft(title="Reading workshop", texts=TEXTS, created_by="bench")
    )
    bot.close()
    return announcement_id


def child_queue(database_url: str, announcement_id: int) -> dict[str, float]:
    """(In a child process) render and queue the announcement; seconds and peak RSS."""
    bot = make_bot(database_url)
    started = time.perf_counter()
    outcome = bot.announcements.queue(announcement_id)
    elapsed = time.perf_counter() - started
    with bot.store.transaction() as tx:
        rows = tx.outbox_counts().get("pending", 0)
    bot.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": elapsed, "peak_mb": peak_mb, "rows": rows, "outcome": outcome}  # type: ignore[dict-item]


def child_bulk(database_url: str, announcement_id: int) -> dict[str, float]:
    """(In a child process) the same rows, precomputed, written by a bare chunked bulk insert."""
    from bot.services.announcements import CHUNK, campaign

    bot = make_bot(database_url)
    with bot.store.transaction() as tx:
        tx.session.execute(text("DELETE FROM outbox"))
        contacts = tx.audience_contacts(1)
    row = bot.announcements.get(announcement_id)
    now = datetime.now(UTC)
    name = campaign(announcement_id) + ":bulk"
    rows = [
        {
            "idempotency_key": f"{name}:{c.id}",
            "contact_id": c.id,
            "to_address": c.phone,
            "channel": "sms",
            "body": row["texts"].get(c.locale or "en", ""),
            "locale": c.locale,
            "priority": 1,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "campaign": name,
            "created_at": now,
        }
        for c in contacts
    ]
    started = time.perf_counter()
    for start in range(0, len(rows), CHUNK):
        with bot.store.transaction() as tx:
            tx.enqueue_bulk(rows[start : start + CHUNK])
    elapsed = time.perf_counter() - started
    bot.close()
    return {"seconds": elapsed, "rows": len(rows)}


def run_child(kind: str, database_url: str, announcement_id: int) -> dict[str, float]:
    """Run one measurement in a fresh process so its memory is its own."""
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--database-url",
            database_url,
            "--id",
            str(announcement_id),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_database(label: str, database_url: str, families: int) -> dict[str, float]:
    """Part 1 on one database."""
    t0 = time.perf_counter()
    announcement_id = seed(database_url, families)
    print(f"[{label}] seeded {families} families in {time.perf_counter() - t0:.1f}s")
    queued = run_child("queue", database_url, announcement_id)
    bulk = run_child("bulk", database_url, announcement_id)
    ratio = queued["seconds"] / bulk["seconds"]
    print(
        f"[{label}] queue: {queued['rows']} rows in {queued['seconds']:.2f}s "
        f"({queued['rows'] / queued['seconds']:,.0f} rows/s), peak RSS {queued['peak_mb']:.0f} MB"
    )
    print(f"[{label}] bare bulk insert of the same rows: {bulk['seconds']:.2f}s; ratio {ratio:.2f}x")
    return {
        "queue_s": queued["seconds"],
        "peak_mb": queued["peak_mb"],
        "bulk_s": bulk["seconds"],
        "ratio": ratio,
    }


def bench_dispatcher(rate: float, messages: int) -> dict[str, float]:
    """Part 2: the dispatcher through the real twilio client at `rate` messages per second."""
    from bot.channels.twilio_transport import TwilioTransport
    from bot.store.migrate import upgrade
    from tests.fixtures.fake_twilio import FakeTwilio

    with TemporaryDirectory() as tmp, FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as fake:
        url = f"sqlite:///{tmp}/dispatch.db"
        upgrade(url)
        transport = TwilioTransport(
            account_sid=ACCOUNT_SID,
            auth_token=AUTH_TOKEN,
            from_number="+12135550100",
            messaging_service_sid="",
            status_callback="http://127.0.0.1:9/twilio/status",
            api_base_url=fake.url,
        )
        bot = make_bot(url, transport=transport, sender_messages_per_second=rate)
        with bot.store.transaction() as tx:
            for i in range(messages):
                tx.enqueue(
                    key=f"rate:{i}",
                    to_address=f"+1213555{i % 10000:04d}",
                    body=f"Reminder {i}",
                    contact_id=None,
                    priority=1,
                )
        dispatcher = bot.dispatcher("bench")
        thread = threading.Thread(target=dispatcher.run_forever, daemon=True)
        started = time.perf_counter()
        thread.start()
        while len(fake.messages) < messages and time.perf_counter() - started < messages / rate * 3 + 30:
            time.sleep(0.05)
        dispatcher.stop()
        thread.join(timeout=10)
        bot.close()
        stamps = sorted(m.at.timestamp() for m in fake.messages)
    span = stamps[-1] - stamps[0]
    achieved = (len(stamps) - 1) / span if span else float("inf")
    busiest = max(bisect_left(stamps, t + 1.0) - i for i, t in enumerate(stamps))
    print(
        f"[dispatcher] {len(stamps)} messages at a configured {rate:g}/s: achieved {achieved:.1f}/s "
        f"({(achieved / rate - 1) * 100:+.1f}%), busiest 1-s window {busiest} (limit {rate:g})"
    )
    return {"achieved": achieved, "busiest_window": busiest, "sent": len(stamps)}


def main() -> None:
    """Parse options and run both parts."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--families", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--messages", type=int, default=1500)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--child", choices=("queue", "bulk"))
    parser.add_argument("--database-url")
    parser.add_argument("--id", type=int)
    args = parser.parse_args()
    if args.child:
        work = child_queue if args.child == "queue" else child_bulk
        print(json.dumps(work(args.database_url, args.id)))
        return
    results = {}
    with TemporaryDirectory() as tmp:
        results["sqlite"] = bench_database("sqlite", f"sqlite:///{tmp}/bench.db", args.families)
    if not args.skip_postgres:
        made = _postgres_database(args.postgres_url)
        if made:
            try:
                results["postgresql"] = bench_database("postgresql", made[0], args.families)
            finally:
                _drop_postgres(args.postgres_url, made[1])
    results["dispatcher"] = bench_dispatcher(args.rate, args.messages)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
