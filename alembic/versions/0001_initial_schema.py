"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 12:43:05.650906
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import controller.timeutil

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("registered_at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", controller.timeutil.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_name"), ["name"], unique=True)
        batch_op.create_index(batch_op.f("ix_agent_token_hash"), ["token_hash"], unique=False)

    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("key_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", controller.timeutil.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_key_key_hash"), ["key_hash"], unique=True)

    op.create_table(
        "media_asset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("fps", sa.Float(), nullable=True),
        sa.Column("video_codec", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("audio_codec", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("media_asset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_asset_sha256"), ["sha256"], unique=True)

    op.create_table(
        "device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("driver", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("battery", sa.Integer(), nullable=True),
        sa.Column("temperature_c", sa.Float(), nullable=True),
        sa.Column("app_version", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("last_seen_at", controller.timeutil.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_device_serial"), ["serial"], unique=True)

    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("password_enc", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("state_reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_device_id"), ["device_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_username"), ["username"], unique=True)

    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("caption", sqlmodel.sql.sqltypes.AutoString(length=2200), nullable=False),
        sa.Column("media_ids", sa.JSON(), nullable=False),
        sa.Column("fit", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("scheduled_at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("lease_token", sa.Integer(), nullable=True),
        sa.Column("error_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("error_message", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("published_at", controller.timeutil.UTCDateTime(), nullable=True),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
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
        sa.UniqueConstraint("api_key_id", "idempotency_key", name="uq_job_idempotency"),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_job_due", ["state", "scheduled_at"], unique=False)

    op.create_table(
        "job_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("from_state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("to_state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("lease_token", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["job.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("job_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_event_job_id"), ["job_id"], unique=False)

    op.create_table(
        "lease",
        sa.Column("token", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.Column("expires_at", controller.timeutil.UTCDateTime(), nullable=False),
        sa.Column("delivered_at", controller.timeutil.UTCDateTime(), nullable=True),
        sa.Column("point_of_no_return_at", controller.timeutil.UTCDateTime(), nullable=True),
        sa.Column("ended_at", controller.timeutil.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["job.id"],
        ),
        sa.PrimaryKeyConstraint("token"),
    )
    with op.batch_alter_table("lease", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lease_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lease_device_id"), ["device_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lease_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_lease_job_id"), ["job_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lease", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lease_job_id"))
        batch_op.drop_index(batch_op.f("ix_lease_expires_at"))
        batch_op.drop_index(batch_op.f("ix_lease_device_id"))
        batch_op.drop_index(batch_op.f("ix_lease_agent_id"))

    op.drop_table("lease")
    with op.batch_alter_table("job_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_event_job_id"))

    op.drop_table("job_event")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_due")
        batch_op.drop_index(batch_op.f("ix_job_account_id"))

    op.drop_table("job")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_username"))
        batch_op.drop_index(batch_op.f("ix_account_device_id"))

    op.drop_table("account")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_serial"))
        batch_op.drop_index(batch_op.f("ix_device_agent_id"))

    op.drop_table("device")
    with op.batch_alter_table("media_asset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_asset_sha256"))

    op.drop_table("media_asset")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_key_hash"))

    op.drop_table("api_key")
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_token_hash"))
        batch_op.drop_index(batch_op.f("ix_agent_name"))

    op.drop_table("agent")
