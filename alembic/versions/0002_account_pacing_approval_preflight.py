"""per-account pacing, approval and the last preflight result; job approval

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import controller.timeutil

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN on both databases: a batch "move and copy" on SQLite would drop the
    # account table, which job rows reference, and fail with foreign keys on
    op.add_column("account", sa.Column("min_gap_s", sa.Float(), nullable=True))
    op.add_column("account", sa.Column("daily_cap", sa.Integer(), nullable=True))
    op.add_column(
        "account",
        sa.Column("approval_required", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("account", sa.Column("preflight", sa.JSON(), nullable=True))
    op.add_column(
        "account", sa.Column("preflight_at", controller.timeutil.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "job",
        sa.Column("approval_required", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("job", sa.Column("approved_at", controller.timeutil.UTCDateTime(), nullable=True))


def downgrade() -> None:
    # plain DROP COLUMN (SQLite >= 3.35 has it), for the same reason
    for column in ("approved_at", "approval_required"):
        op.drop_column("job", column)
    for column in ("preflight_at", "preflight", "approval_required", "daily_cap", "min_gap_s"):
        op.drop_column("account", column)
