"""post statistics: the counters of an account's posts read on its phone (every reading kept)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from controller.timeutil import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "post_stat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("post_ref", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("caption", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=True),
        sa.Column("likes", sa.Integer(), nullable=True),
        sa.Column("comments", sa.Integer(), nullable=True),
        sa.Column("views", sa.Integer(), nullable=True),
        sa.Column("read_at", UTCDateTime(), nullable=False),
        sa.Column("lease_token", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_post_stat_account_read", "post_stat", ["account_id", "read_at"])
    op.create_index("ix_post_stat_job_id", "post_stat", ["job_id"])
    op.create_index("ix_post_stat_lease_token", "post_stat", ["lease_token"])


def downgrade() -> None:
    op.drop_index("ix_post_stat_lease_token", table_name="post_stat")
    op.drop_index("ix_post_stat_job_id", table_name="post_stat")
    op.drop_index("ix_post_stat_account_read", table_name="post_stat")
    op.drop_table("post_stat")
