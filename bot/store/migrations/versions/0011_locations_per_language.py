"""locations per language: an event's or volunteer opportunity's location is a text per locale, like its title

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 01:30:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("events", "volunteer_opportunities")
FALLBACK_LOCALE = "en"  # a school file without default_locale means English


def _default_locales(bind: sa.Connection) -> dict[int, str]:
    """Each school's default language, from its stored school file."""
    schools = sa.table("schools", sa.column("id", sa.Integer()), sa.column("data", sa.JSON()))
    found = {}
    for school_id, data in bind.execute(sa.select(schools.c.id, schools.c.data)):
        locale = data.get("default_locale") if isinstance(data, dict) else None
        found[int(school_id)] = str(locale or FALLBACK_LOCALE)
    return found


def _table(name: str, *columns: sa.ColumnClause[Any]) -> sa.TableClause:
    return sa.table(name, sa.column("id", sa.Integer()), sa.column("school_id", sa.Integer()), *columns)


def upgrade() -> None:
    bind = op.get_bind()
    defaults = _default_locales(bind)
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("locations", sa.JSON(), nullable=True))
        rows = _table(name, sa.column("location", sa.String()), sa.column("locations", sa.JSON()))
        # The one string each row had becomes its school's default-language text.
        for row_id, school_id, location in bind.execute(
            sa.select(rows.c.id, rows.c.school_id, rows.c.location)
        ).all():
            text = (location or "").strip()
            locale = defaults.get(school_id, FALLBACK_LOCALE)
            bind.execute(
                rows.update().where(rows.c.id == row_id).values(locations={locale: text} if text else {})
            )
        with op.batch_alter_table(name) as batch:
            batch.alter_column("locations", existing_type=sa.JSON(), nullable=False)
            batch.drop_column("location")


def downgrade() -> None:
    bind = op.get_bind()
    defaults = _default_locales(bind)
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("location", sa.String(length=200), nullable=False, server_default=""))
        rows = _table(name, sa.column("location", sa.String()), sa.column("locations", sa.JSON()))
        for row_id, school_id, locations in bind.execute(
            sa.select(rows.c.id, rows.c.school_id, rows.c.locations)
        ).all():
            texts = locations if isinstance(locations, dict) else {}
            text = texts.get(defaults.get(school_id, FALLBACK_LOCALE)) or next(iter(texts.values()), "")
            bind.execute(rows.update().where(rows.c.id == row_id).values(location=str(text)[:200]))
        with op.batch_alter_table(name) as batch:
            batch.alter_column("location", existing_type=sa.String(length=200), server_default=None)
            batch.drop_column("locations")
