"""notifications by mail and in the app: per-key settings, the in-app list, the mail outbox

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import controller.timeutil

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString
Stamp = controller.timeutil.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "notification_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("email", String(length=254), nullable=True),
        sa.Column("language", String(length=5), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("digest", String(length=10), nullable=False),
        sa.Column("digest_sent_through", String(length=10), nullable=True),
        sa.Column("created_at", Stamp(), nullable=False),
        sa.Column("updated_at", Stamp(), nullable=False),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_key.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notification_setting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_setting_api_key_id"), ["api_key_id"], unique=True
        )

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", String(length=120), nullable=False),
        sa.Column("event", String(length=40), nullable=False),
        sa.Column("account", String(length=30), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("title", String(length=300), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("mail", String(length=10), nullable=False),
        sa.Column("created_at", Stamp(), nullable=False),
        sa.Column("read_at", Stamp(), nullable=True),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_key.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("api_key_id", "dedupe_key", name="uq_notification_once"),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notification_inbox", ["api_key_id", "read_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notification_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "mail_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("digest_day", String(length=10), nullable=True),
        sa.Column("to_addr", String(length=254), nullable=False),
        sa.Column("message_id", String(length=200), nullable=False),
        sa.Column("subject", String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("state", String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", Stamp(), nullable=False),
        sa.Column("last_error", String(length=300), nullable=True),
        sa.Column("created_at", Stamp(), nullable=False),
        sa.Column("sent_at", Stamp(), nullable=True),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_key.id"]),
        sa.ForeignKeyConstraint(["notification_id"], ["notification.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("notification_id", name="uq_mail_delivery_notification"),
        sa.UniqueConstraint("api_key_id", "digest_day", name="uq_mail_delivery_digest"),
    )
    with op.batch_alter_table("mail_delivery", schema=None) as batch_op:
        batch_op.create_index("ix_mail_delivery_due", ["state", "next_attempt_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mail_delivery_api_key_id"), ["api_key_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("mail_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_delivery_api_key_id"))
        batch_op.drop_index("ix_mail_delivery_due")
    op.drop_table("mail_delivery")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_created_at"))
        batch_op.drop_index("ix_notification_inbox")
    op.drop_table("notification")
    with op.batch_alter_table("notification_setting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_setting_api_key_id"))
    op.drop_table("notification_setting")
