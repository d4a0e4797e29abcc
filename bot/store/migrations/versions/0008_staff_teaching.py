"""staff teaching: unanswered questions posted to Slack and handled there, taught examples, new answers

Revision ID: 0008_teaching
Revises: 0007
Create Date: 2026-12-05 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_teaching"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="open"))
        batch.add_column(sa.Column("post_at", WHEN, nullable=True))
        batch.add_column(sa.Column("posted_at", WHEN, nullable=True))
        batch.add_column(sa.Column("slack_channel", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("slack_ts", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("handled_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("handled_at", WHEN, nullable=True))
        batch.add_column(sa.Column("answer_label", sa.String(length=80), nullable=True))
    op.create_table(
        "taught_examples",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("school_id", BIG_ID, nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("question_id", BIG_ID, nullable=True),
        sa.Column("taught_by", sa.String(length=64), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_taught_examples_school", "taught_examples", ["school_id"])
    op.create_table(
        "school_answers",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("school_id", BIG_ID, nullable=False),
        sa.Column("faq_id", sa.String(length=64), nullable=False),
        sa.Column("question", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("machine", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "faq_id", name="uq_school_answers_faq"),
    )
    op.create_table(
        "question_actions",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("question_id", BIG_ID, nullable=True),
        sa.Column("school_id", BIG_ID, nullable=True),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=True),
        sa.Column("at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_question_actions_question", "question_actions", ["question_id"])


def downgrade() -> None:
    op.drop_index("ix_question_actions_question", table_name="question_actions")
    op.drop_table("question_actions")
    op.drop_table("school_answers")
    op.drop_index("ix_taught_examples_school", table_name="taught_examples")
    op.drop_table("taught_examples")
    with op.batch_alter_table("unanswered_questions") as batch:
        for column in (
            "answer_label",
            "handled_at",
            "handled_by",
            "slack_ts",
            "slack_channel",
            "posted_at",
            "post_at",
            "status",
        ):
            batch.drop_column(column)
