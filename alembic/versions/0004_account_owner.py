"""account owner: the scheduler key that registered it or was assigned by ops

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_account_owner_key_id_api_key"


def upgrade() -> None:
    # SQLite rebuilds the table for the foreign key (migrations run with foreign keys off)
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_key_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_account_owner_key_id"), ["owner_key_id"], unique=False)
        batch_op.create_foreign_key(FOREIGN_KEY, "api_key", ["owner_key_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_account_owner_key_id"))
        batch_op.drop_column("owner_key_id")
