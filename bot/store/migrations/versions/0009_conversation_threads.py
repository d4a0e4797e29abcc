"""conversation threads: a concern's Slack thread (or a direct conversation) and its messages both ways

Revision ID: 0009
Revises: 0008_teaching
Create Date: 2026-12-05 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008_teaching"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "conversation_threads",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("contact_id", BigId, sa.ForeignKey("contacts.id"), nullable=False),
        sa.Column("concern_id", BigId, sa.ForeignKey("concerns.id"), nullable=True),
        sa.Column("school_id", BigId, nullable=True),
        sa.Column("slack_channel", sa.String(32), nullable=True),
        sa.Column("thread_ts", sa.String(32), nullable=True),
        sa.Column("opened_by", sa.String(32), nullable=False),
        sa.Column("parent_acknowledged", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("concern_id"),
    )
    op.create_index("ix_conversation_threads_contact_id", "conversation_threads", ["contact_id"])
    op.create_table(
        "thread_messages",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("thread_id", BigId, sa.ForeignKey("conversation_threads.id"), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(16), nullable=True),
        sa.Column("translation", sa.Text(), nullable=True),
        sa.Column("translation_locale", sa.String(16), nullable=True),
        sa.Column("translation_provider", sa.String(32), nullable=True),
        sa.Column("slack_channel", sa.String(32), nullable=True),
        sa.Column("slack_ts", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("slack_channel", "slack_ts", name="uq_thread_messages_slack"),
    )
    op.create_index("ix_thread_messages_thread", "thread_messages", ["thread_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_thread_messages_thread", "thread_messages")
    op.drop_table("thread_messages")
    op.drop_index("ix_conversation_threads_contact_id", "conversation_threads")
    op.drop_table("conversation_threads")
