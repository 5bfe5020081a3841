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
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_gap_s", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("daily_cap", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("approval_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("preflight", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("preflight_at", controller.timeutil.UTCDateTime(), nullable=True)
        )

    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approval_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("approved_at", controller.timeutil.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approval_required")

    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("preflight_at")
        batch_op.drop_column("preflight")
        batch_op.drop_column("approval_required")
        batch_op.drop_column("daily_cap")
        batch_op.drop_column("min_gap_s")
