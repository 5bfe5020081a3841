"""media is scoped: a key uses only what it uploaded, or what ops uploaded or shared

Media uploaded before this revision stays usable by everyone (a shared grant each).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import controller.timeutil

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("created_at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_key.id"]),
        sa.ForeignKeyConstraint(["media_id"], ["media_asset.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("media_id", "api_key_id", name="uq_media_grant"),
    )
    with op.batch_alter_table("media_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_grant_api_key_id"), ["api_key_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_grant_media_id"), ["media_id"], unique=False)
    op.execute(
        "INSERT INTO media_grant (media_id, api_key_id, created_at) "
        "SELECT id, NULL, created_at FROM media_asset"
    )


def downgrade() -> None:
    with op.batch_alter_table("media_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_grant_media_id"))
        batch_op.drop_index(batch_op.f("ix_media_grant_api_key_id"))
    op.drop_table("media_grant")
