"""cyclic lists: posts published at random inside a daily window, each at most once a day,
until an end date; the jobs a list made, one per (list, plan revision, day, post)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import controller.timeutil

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cyclic_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("window_start", sa.Time(), nullable=False),
        sa.Column("window_end", sa.Time(), nullable=False),
        sa.Column("posts_per_day", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("pause_reason", sa.String(length=40), nullable=False),
        sa.Column("pause_detail", sa.String(length=300), nullable=False),
        sa.Column("last_planned_day", sa.Date(), nullable=True),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.Column("updated_at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_key.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cyclic_list", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cyclic_list_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cyclic_list_state"), ["state"], unique=False)

    op.create_table(
        "cyclic_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("caption", sa.String(length=2200), nullable=False),
        sa.Column("media_ids", sa.JSON(), nullable=False),
        sa.Column("fit", sa.String(length=10), nullable=False),
        sa.Column("removed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["cyclic_list.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cyclic_post", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cyclic_post_list_id"), ["list_id"], unique=False)

    op.create_table(
        "cyclic_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["job.id"],
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["cyclic_list.id"],
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["cyclic_post.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job_id"),
        sa.UniqueConstraint("list_id", "revision", "day", "post_id", name="uq_cyclic_job_slot"),
    )
    with op.batch_alter_table("cyclic_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cyclic_job_list_id"), ["list_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cyclic_job_post_id"), ["post_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cyclic_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cyclic_job_post_id"))
        batch_op.drop_index(batch_op.f("ix_cyclic_job_list_id"))

    op.drop_table("cyclic_job")
    with op.batch_alter_table("cyclic_post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cyclic_post_list_id"))

    op.drop_table("cyclic_post")
    with op.batch_alter_table("cyclic_list", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cyclic_list_state"))
        batch_op.drop_index(batch_op.f("ix_cyclic_list_account_id"))

    op.drop_table("cyclic_list")
