"""best time to post: the audience activity of each account, and where a job's "best" time
came from

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import controller.timeutil

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audience_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("by_hour", sa.JSON(), nullable=True),
        sa.Column("by_weekday", sa.JSON(), nullable=True),
        sa.Column("read_at", controller.timeutil.UTCDateTime(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("attempted_at", controller.timeutil.UTCDateTime(), nullable=True),
        sa.Column("refresh_requested_at", controller.timeutil.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audience_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audience_activity_account_id"), ["account_id"], unique=True
        )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "best_time_source", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("best_time_source")
    with op.batch_alter_table("audience_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audience_activity_account_id"))
    op.drop_table("audience_activity")
