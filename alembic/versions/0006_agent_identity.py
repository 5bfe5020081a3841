"""agent identity: agent keys are bound to one agent name, keys expire, agents remember the
key they registered with (revoking it ends their token)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 21:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import controller.timeutil

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", controller.timeutil.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("agent_name", sa.String(length=100), nullable=True))

    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("api_key_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_agent_api_key_id_api_key", "api_key", ["api_key_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.drop_constraint("fk_agent_api_key_id_api_key", type_="foreignkey")
        batch_op.drop_column("api_key_id")

    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_column("agent_name")
        batch_op.drop_column("expires_at")
