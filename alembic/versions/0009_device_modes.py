"""device modes: ops drain, quarantine and reboot a phone (with the reason)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import controller.timeutil

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mode", sa.String(length=20), server_default="active", nullable=False)
        )
        batch_op.add_column(
            sa.Column("mode_reason", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("mode_changed_at", controller.timeutil.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("reboot_requested_at", controller.timeutil.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("reboot_requested_at")
        batch_op.drop_column("mode_changed_at")
        batch_op.drop_column("mode_reason")
        batch_op.drop_column("mode")
