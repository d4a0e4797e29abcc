"""active school: the school the bot answers as is chosen (`outreach school use`), not the first one loaded

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schools") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.false()))
    # Until now the bot answered as the first school loaded: keep it the active one.
    op.execute("UPDATE schools SET active = TRUE WHERE id = (SELECT MIN(id) FROM schools)")


def downgrade() -> None:
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("active")
