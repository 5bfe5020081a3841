"""dispatch at scale: pacing read by (account, published_at); one active lease per device and
per job enforced by the database (the last guard when replicas dispatch side by side)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("state = 'active'")


def upgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index(
            "ix_job_account_published", ["account_id", "published_at"], unique=False
        )
    op.create_index(
        "uq_lease_active_device",
        "lease",
        ["device_id"],
        unique=True,
        postgresql_where=ACTIVE,
        sqlite_where=ACTIVE,
    )
    op.create_index(
        "uq_lease_active_job",
        "lease",
        ["job_id"],
        unique=True,
        postgresql_where=ACTIVE,
        sqlite_where=ACTIVE,
    )


def downgrade() -> None:
    op.drop_index("uq_lease_active_job", table_name="lease")
    op.drop_index("uq_lease_active_device", table_name="lease")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_account_published")
