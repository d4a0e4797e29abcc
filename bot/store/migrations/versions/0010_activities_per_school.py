"""activities per school: event and volunteer keys are unique within a school, and every opportunity has one

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite's unique constraints from 0004 and 0005 have no name: batch mode names them by this convention.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
TABLES = ("events", "volunteer_opportunities")


def _old_unique(table: str) -> str:
    """The name of the single-column unique constraint on `key` that 0004 and 0005 created."""
    return f"{table}_key_key" if op.get_bind().dialect.name == "postgresql" else f"uq_{table}_key"


def upgrade() -> None:
    # Opportunities loaded before they were tied to a school belong to the school the bot answered as.
    op.execute(
        "UPDATE volunteer_opportunities SET school_id = COALESCE("
        "(SELECT MIN(id) FROM schools WHERE active), (SELECT MIN(id) FROM schools)) "
        "WHERE school_id IS NULL"
    )
    with op.batch_alter_table("volunteer_opportunities", naming_convention=NAMING) as batch:
        batch.alter_column(
            "school_id", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        )
    for table in TABLES:
        with op.batch_alter_table(table, naming_convention=NAMING) as batch:
            batch.drop_constraint(_old_unique(table), type_="unique")
            batch.create_unique_constraint(f"uq_{table}_school_key", ["school_id", "key"])


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, naming_convention=NAMING) as batch:
            batch.drop_constraint(f"uq_{table}_school_key", type_="unique")
            batch.create_unique_constraint(_old_unique(table), ["key"])
    with op.batch_alter_table("volunteer_opportunities", naming_convention=NAMING) as batch:
        batch.alter_column(
            "school_id", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        )
