"""login leases: a lease may log an account in instead of carrying a job

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 13:56:40.501577
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import controller.timeutil

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("login_requested_at", controller.timeutil.UTCDateTime(), nullable=True)
        )

    with op.batch_alter_table("lease", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch_op.alter_column("job_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f("ix_lease_account_id"), ["account_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_lease_account_id_account", "account", ["account_id"], ["id"]
        )


def downgrade() -> None:
    op.execute("DELETE FROM lease WHERE job_id IS NULL")  # login leases have no job
    with op.batch_alter_table("lease", schema=None) as batch_op:
        batch_op.drop_constraint("fk_lease_account_id_account", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_lease_account_id"))
        batch_op.alter_column("job_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("account_id")

    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("login_requested_at")
