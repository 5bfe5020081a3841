"""teams: a leader key and its sub-user keys (team_member, with direct_publish)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import controller.timeutil

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("leader_key_id", sa.Integer(), nullable=False),
        sa.Column("created_at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["leader_key_id"], ["api_key.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_leader_key_id"), ["leader_key_id"], unique=True)
    op.create_table(
        "team_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("direct_publish", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["key_id"], ["api_key.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("team_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_member_key_id"), ["key_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_team_member_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("team_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_member_team_id"))
        batch_op.drop_index(batch_op.f("ix_team_member_key_id"))
    op.drop_table("team_member")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_leader_key_id"))
    op.drop_table("team")
