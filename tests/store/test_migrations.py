"""Alembic migrations and the SQLite tuning."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Column, MetaData, String, Table, create_engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from bot.store.db import build_engine, normalize_url
from bot.store.migrate import downgrade, upgrade
from bot.store.models import Base
from tests.fixtures.databases import another_postgres_database, require_postgres

pytestmark = pytest.mark.db  # every test here migrates a real database (a SQLite file or PostgreSQL)

TABLES = {t.name for t in Base.metadata.sorted_tables}


def _before_0011(table: Table) -> Table:
    """A model's table as it was before 0011: one `location` string instead of per-language `locations`."""
    columns = [column._copy() for column in table.columns if column.name != "locations"]
    return Table(table.name, MetaData(), *columns, Column("location", String(200), default=""))


def test_sqlite_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    assert set(inspect(create_engine(url)).get_table_names()) >= TABLES
    downgrade(url, "base")
    assert set(inspect(create_engine(url)).get_table_names()) == {"alembic_version"}
    upgrade(url)
    assert set(inspect(create_engine(url)).get_table_names()) >= TABLES


def test_postgres_upgrade_downgrade_upgrade() -> None:
    url = require_postgres()
    upgrade(url)
    downgrade(url, "base")
    engine = create_engine(normalize_url(url))
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    url = f"sqlite:///{tmp_path / 'cmp.db'}"
    upgrade(url)
    with create_engine(url).connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_0010_ties_opportunities_to_the_active_school_and_keys_to_their_school(
    tmp_path: Path, backend: str
) -> None:
    from bot.store.models import SchoolRow
    from bot.store.models_events import EventRow
    from bot.store.models_volunteers import VolunteerOpportunityRow

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'o.db'}"
        upgrade(url, "0007")
    else:
        url = another_postgres_database()
        downgrade(url, "0007")
    engine = create_engine(normalize_url(url))
    schools = SchoolRow.__table__
    opportunities, events = (_before_0011(m.__table__) for m in (VolunteerOpportunityRow, EventRow))
    with engine.begin() as connection:
        for slug, active in (("demo", False), ("lincoln", True)):
            connection.execute(schools.insert().values(slug=slug, name=slug, data={}, active=active))
        ids = dict(connection.execute(select(schools.c.slug, schools.c.id)).all())
        connection.execute(opportunities.insert().values(school_id=None, key="reading", titles={"en": "R"}))
        event = {"key": "night", "titles": {"en": "N"}, "starts_at": datetime.now(UTC)}
        connection.execute(events.insert().values(school_id=ids["demo"], **event))
    upgrade(url, "0010")
    with engine.begin() as connection:
        owner = connection.execute(select(opportunities.c.school_id)).scalar_one()
        assert owner == ids["lincoln"]  # the school the bot answered as
        # The same keys in another school are that school's own.
        connection.execute(opportunities.insert().values(school_id=ids["demo"], key="reading", titles={}))
        connection.execute(events.insert().values(school_id=ids["lincoln"], **event))
    for table, values in (
        (opportunities, {"school_id": ids["demo"], "key": "reading", "titles": {}}),
        (events, {"school_id": ids["lincoln"], **event}),
    ):
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(table.insert().values(**values))
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_0011_keeps_each_location_as_its_schools_default_language_text(tmp_path: Path, backend: str) -> None:
    from bot.store.models import SchoolRow
    from bot.store.models_events import EventRow
    from bot.store.models_volunteers import VolunteerOpportunityRow

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'l.db'}"
        upgrade(url, "0010")
    else:
        url = another_postgres_database()
        downgrade(url, "0010")
    engine = create_engine(normalize_url(url))
    schools = SchoolRow.__table__
    old = {m.__tablename__: _before_0011(m.__table__) for m in (VolunteerOpportunityRow, EventRow)}
    starts = datetime.now(UTC)
    with engine.begin() as connection:
        for slug, locale in (("rosewood", "en"), ("escuela", "es"), ("legacy", None)):
            data = {"default_locale": locale} if locale else {}
            connection.execute(
                schools.insert().values(slug=slug, name=slug, data=data, active=slug == "rosewood")
            )
        ids = dict(connection.execute(select(schools.c.slug, schools.c.id)).all())
        for slug, location in (("rosewood", "Library"), ("escuela", " Biblioteca "), ("legacy", "Gym")):
            school = ids[slug]
            connection.execute(
                old["events"]
                .insert()
                .values(
                    school_id=school, key="night", titles={"en": "N"}, starts_at=starts, location=location
                )
            )
            connection.execute(
                old["volunteer_opportunities"]
                .insert()
                .values(school_id=school, key="reading", titles={"en": "R"}, location=location)
            )
        connection.execute(
            old["events"]
            .insert()
            .values(school_id=ids["rosewood"], key="nowhere", titles={"en": "X"}, starts_at=starts)
        )
    upgrade(url)
    events, opportunities = EventRow.__table__, VolunteerOpportunityRow.__table__
    with engine.connect() as connection:
        found = {
            (table.name, school, key): locations
            for table in (events, opportunities)
            for school, key, locations in connection.execute(
                select(table.c.school_id, table.c.key, table.c.locations)
            )
        }
    for table in ("events", "volunteer_opportunities"):
        assert found[(table, ids["rosewood"], "night" if table == "events" else "reading")] == {
            "en": "Library"
        }
        assert found[(table, ids["escuela"], "night" if table == "events" else "reading")] == {
            "es": "Biblioteca"
        }
        assert found[(table, ids["legacy"], "night" if table == "events" else "reading")] == {"en": "Gym"}
    assert found[("events", ids["rosewood"], "nowhere")] == {}
    # Down again: the default language's text is the one string.
    downgrade(url, "0010")
    with engine.connect() as connection:
        back = sorted(connection.execute(select(old["events"].c.key, old["events"].c.location)).all())
    assert back == [("night", "Biblioteca"), ("night", "Gym"), ("night", "Library"), ("nowhere", "")]
    upgrade(url)
    engine.dispose()
