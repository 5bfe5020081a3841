"""Tables of the controller. The schema itself is created by Alembic migrations (alembic/)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from controller.timeutil import UTCDateTime, utcnow
from farmcore.vocab import AccountState, JobState, PostKind, values

# the shared vocabulary (farmcore/vocab.py); the columns hold these strings
JOB_STATES = values(JobState)
JOB_KINDS = values(PostKind)
ACCOUNT_STATES = values(AccountState)


def _ts(nullable: bool = False, index: bool = False) -> Any:
    """A UTC timestamp column; non-null ones default to now."""
    column = sa.Column(UTCDateTime(), nullable=nullable, index=index)
    if nullable:
        return Field(default=None, sa_column=column)
    return Field(default_factory=utcnow, sa_column=column)


class ApiKey(SQLModel, table=True):
    """A credential for the HTTP API; only its SHA-256 is stored."""

    __tablename__ = "api_key"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    role: str = Field(max_length=20)
    key_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = _ts()
    revoked_at: datetime | None = _ts(nullable=True)
    expires_at: datetime | None = _ts(nullable=True)
    agent_name: str | None = Field(
        default=None, max_length=100, description="role agent: the one agent it may register as"
    )


class Agent(SQLModel, table=True):
    """A device agent process; it authenticates with its own bearer token (hash stored)."""

    __tablename__ = "agent"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True, index=True)
    token_hash: str = Field(max_length=64, index=True)
    version: str = Field(default="", max_length=40)
    api_key_id: int | None = Field(
        default=None,
        foreign_key="api_key.id",
        description="the key it registered with: revoking that key ends the agent's token",
    )
    registered_at: datetime = _ts()
    last_seen_at: datetime | None = _ts(nullable=True)


class Device(SQLModel, table=True):
    """A phone (real, emulator or simulated) attached to an agent."""

    __tablename__ = "device"
    id: int | None = Field(default=None, primary_key=True)
    serial: str = Field(max_length=100, unique=True, index=True)
    label: str = Field(default="", max_length=100)
    driver: str = Field(default="sim", max_length=20)
    agent_id: int | None = Field(default=None, foreign_key="agent.id", index=True)
    status: str = Field(default="offline", max_length=20)
    battery: int | None = None
    temperature_c: float | None = None
    app_version: str | None = Field(default=None, max_length=40)
    last_seen_at: datetime | None = _ts(nullable=True)
    # ops' hold (controller/device_actions.py): `active`, `draining` (finishes its job, takes
    # no more) or `quarantined` (no work until released; also set by the agent's recovery
    # ladder), with the reason shown on the console; a reboot ops asked for, until done
    mode: str = Field(
        default="active", max_length=20, sa_column_kwargs={"server_default": "active"}
    )
    mode_reason: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
    mode_changed_at: datetime | None = _ts(nullable=True)
    reboot_requested_at: datetime | None = _ts(nullable=True)


class Account(SQLModel, table=True):
    """An Instagram account, logged in on exactly one device."""

    __tablename__ = "account"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=30, unique=True, index=True)
    password_enc: str = Field(default="", max_length=1000)
    device_id: int = Field(foreign_key="device.id", index=True)
    timezone: str = Field(default="UTC", max_length=64)
    state: str = Field(default="active", max_length=20)
    state_reason: str = Field(default="", max_length=300)
    min_gap_s: float | None = Field(default=None, description="None: the farm.yaml default")
    daily_cap: int | None = Field(default=None, description="None: the farm.yaml default")
    approval_required: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    owner_key_id: int | None = Field(
        default=None,
        foreign_key="api_key.id",
        index=True,
        description="the scheduler key that owns it; None: shared by every key",
    )
    preflight: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    preflight_at: datetime | None = _ts(nullable=True)
    login_requested_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()


class MediaAsset(SQLModel, table=True):
    """An uploaded file, stored once on disk under its SHA-256."""

    __tablename__ = "media_asset"
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True, index=True)
    media_type: str = Field(max_length=10)
    format: str = Field(max_length=20)
    width: int
    height: int
    duration_s: float | None = None
    fps: float | None = None
    video_codec: str | None = Field(default=None, max_length=20)
    audio_codec: str | None = Field(default=None, max_length=20)
    bytes: int
    created_at: datetime = _ts()


class MediaGrant(SQLModel, table=True):
    """Who may use an uploaded file: the key that uploaded it, or everyone (`api_key_id`
    None: uploaded or shared by ops). The bytes are stored once whoever uploads them."""

    __tablename__ = "media_grant"
    __table_args__ = (sa.UniqueConstraint("media_id", "api_key_id", name="uq_media_grant"),)
    id: int | None = Field(default=None, primary_key=True)
    media_id: int = Field(foreign_key="media_asset.id", index=True)
    api_key_id: int | None = Field(default=None, foreign_key="api_key.id", index=True)
    created_at: datetime = _ts()


class Job(SQLModel, table=True):
    """A post to publish at `scheduled_at` (UTC) on an account."""

    __tablename__ = "job"
    __table_args__ = (
        sa.UniqueConstraint("api_key_id", "idempotency_key", name="uq_job_idempotency"),
        sa.Index("ix_job_due", "state", "scheduled_at"),
        sa.Index("ix_job_account_published", "account_id", "published_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    account_id: int = Field(foreign_key="account.id", index=True)
    caption: str = Field(default="", max_length=2200)
    media_ids: list[int] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    fit: str = Field(default="pad", max_length=10)
    scheduled_at: datetime = _ts()
    timezone: str = Field(default="UTC", max_length=64)
    state: str = Field(default="scheduled", max_length=20)
    attempts: int = 0
    max_attempts: int = 3
    approval_required: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    approved_at: datetime | None = _ts(nullable=True)
    lease_token: int | None = None
    error_code: str | None = Field(default=None, max_length=40)
    error_message: str | None = Field(default=None, max_length=500)
    published_at: datetime | None = _ts(nullable=True)
    api_key_id: int | None = Field(default=None, foreign_key="api_key.id")
    idempotency_key: str | None = Field(default=None, max_length=200)
    request_hash: str | None = Field(default=None, max_length=64)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    # submitted with scheduled_at "best": where the chosen time came from (insights, estimate,
    # default; controller/best_time.py); None: the submitter gave the time
    best_time_source: str | None = Field(default=None, max_length=10)


class JobEvent(SQLModel, table=True):
    """One line of a job's history: a state change or a progress report."""

    __tablename__ = "job_event"
    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id", index=True)
    at: datetime = _ts()
    type: str = Field(max_length=40)
    from_state: str | None = Field(default=None, max_length=20)
    to_state: str | None = Field(default=None, max_length=20)
    actor: str = Field(max_length=100)
    reason: str = Field(default="", max_length=500)
    lease_token: int | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))


class Lease(SQLModel, table=True):
    """Work handed to one device of one agent: a job to publish or verify, or an account to
    log in (`purpose="login"`, no job). `token` is the fencing number (monotonic)."""

    __tablename__ = "lease"
    __table_args__ = (
        # one active lease per device and per job, whatever replica opened it
        sa.Index(
            "uq_lease_active_device",
            "device_id",
            unique=True,
            postgresql_where=sa.text("state = 'active'"),
            sqlite_where=sa.text("state = 'active'"),
        ),
        sa.Index(
            "uq_lease_active_job",
            "job_id",
            unique=True,
            postgresql_where=sa.text("state = 'active'"),
            sqlite_where=sa.text("state = 'active'"),
        ),
    )
    token: int | None = Field(default=None, primary_key=True)
    job_id: int | None = Field(default=None, foreign_key="job.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    agent_id: int = Field(foreign_key="agent.id", index=True)
    purpose: str = Field(default="publish", max_length=10)
    state: str = Field(default="active", max_length=20)
    created_at: datetime = _ts()
    expires_at: datetime = _ts(index=True)
    delivered_at: datetime | None = _ts(nullable=True)
    point_of_no_return_at: datetime | None = _ts(nullable=True)
    ended_at: datetime | None = _ts(nullable=True)


class Webhook(SQLModel, table=True):
    """A subscription: POST signed JSON to `url` when one of `events` happens."""

    __tablename__ = "webhook"
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=500)
    events: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    secret_enc: str = Field(max_length=500)
    api_key_id: int | None = Field(default=None, foreign_key="api_key.id", index=True)
    active: bool = True
    created_at: datetime = _ts()


class WebhookDelivery(SQLModel, table=True):
    """One event to send to one subscription, with its attempts (the delivery log)."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (sa.Index("ix_webhook_delivery_due", "state", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", index=True)
    event: str = Field(max_length=40)
    payload: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False)
    )
    state: str = Field(default="pending", max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = _ts()
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = _ts()
    delivered_at: datetime | None = _ts(nullable=True)


class NotificationSetting(SQLModel, table=True):
    """What one key wants to hear about (controller/notifications.py): the events, an e-mail
    address and its language, and whether mail comes one per event or as a daily digest."""

    __tablename__ = "notification_setting"
    id: int | None = Field(default=None, primary_key=True)
    api_key_id: int = Field(foreign_key="api_key.id", unique=True, index=True)
    email: str | None = Field(default=None, max_length=254)
    language: str = Field(default="en", max_length=5)
    events: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    digest: str = Field(default="none", max_length=10)
    digest_sent_through: str | None = Field(
        default=None, max_length=10, description="ISO day of the last daily digest considered"
    )
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class Notification(SQLModel, table=True):
    """One event for one key (the in-app list); `mail` says how it is mailed: `instant` (its
    own mail in the outbox), `digest` (in the day's digest) or `none`."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.UniqueConstraint("api_key_id", "dedupe_key", name="uq_notification_once"),
        sa.Index("ix_notification_inbox", "api_key_id", "read_at", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    api_key_id: int = Field(foreign_key="api_key.id")
    dedupe_key: str = Field(max_length=120)
    event: str = Field(max_length=40)
    account: str | None = Field(default=None, max_length=30)
    job_id: int | None = Field(default=None)
    title: str = Field(max_length=300)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    mail: str = Field(default="none", max_length=10)
    created_at: datetime = _ts(index=True)
    read_at: datetime | None = _ts(nullable=True)


class MailDelivery(SQLModel, table=True):
    """One message in the mail outbox, rendered when queued (identical on every retry, same
    Message-ID): one per instant notification, or one digest per key and day."""

    __tablename__ = "mail_delivery"
    __table_args__ = (
        sa.Index("ix_mail_delivery_due", "state", "next_attempt_at"),
        sa.UniqueConstraint("notification_id", name="uq_mail_delivery_notification"),
        sa.UniqueConstraint("api_key_id", "digest_day", name="uq_mail_delivery_digest"),
    )
    id: int | None = Field(default=None, primary_key=True)
    api_key_id: int = Field(foreign_key="api_key.id", index=True)
    notification_id: int | None = Field(default=None, foreign_key="notification.id")
    digest_day: str | None = Field(default=None, max_length=10)
    to_addr: str = Field(max_length=254)
    message_id: str = Field(max_length=200)
    subject: str = Field(max_length=300)
    text_body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    html_body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    state: str = Field(default="pending", max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = _ts()
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = _ts()
    sent_at: datetime | None = _ts(nullable=True)


class Team(SQLModel, table=True):
    """A customer's team: a leader (a scheduler key) whose accounts its members post to.
    A key leads at most one team (`controller/teams.py`)."""

    __tablename__ = "team"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    leader_key_id: int = Field(foreign_key="api_key.id", unique=True, index=True)
    created_at: datetime = _ts()


class TeamMember(SQLModel, table=True):
    """A sub-user: a scheduler key in one team. Its posts await the leader's approval unless
    the leader granted it `direct_publish`. Deleting a sub-user deletes this row (the key is
    revoked and kept, so published history still names it)."""

    __tablename__ = "team_member"
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    key_id: int = Field(foreign_key="api_key.id", unique=True, index=True)
    direct_publish: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = _ts()


class CyclicList(SQLModel, table=True):
    """A list of posts published at random times inside a daily window of the account's zone,
    each post at most once a day, from `start_date` to `end_date` (controller/cyclic.py)."""

    __tablename__ = "cyclic_list"
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    api_key_id: int | None = Field(
        default=None, foreign_key="api_key.id", description="who made it: its jobs are that key's"
    )
    name: str = Field(max_length=100)
    window_start: time
    window_end: time
    posts_per_day: int
    start_date: date
    end_date: date
    state: str = Field(default="active", max_length=20, index=True)
    pause_reason: str = Field(default="", max_length=40)
    pause_detail: str = Field(default="", max_length=300)
    last_planned_day: date | None = None
    seed: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    revision: int = Field(default=0, description="bumped on every re-plan")
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class CyclicPost(SQLModel, table=True):
    """One post of a cyclic list, validated like a job (kind, caption, media)."""

    __tablename__ = "cyclic_post"
    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="cyclic_list.id", index=True)
    kind: str = Field(max_length=20)
    caption: str = Field(default="", max_length=2200)
    media_ids: list[int] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    fit: str = Field(default="pad", max_length=10)
    removed: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = _ts()


class CyclicJob(SQLModel, table=True):
    """A job a cyclic list made: one post on one day of one plan revision, never twice."""

    __tablename__ = "cyclic_job"
    __table_args__ = (
        sa.UniqueConstraint("list_id", "revision", "day", "post_id", name="uq_cyclic_job_slot"),
    )
    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="cyclic_list.id", index=True)
    job_id: int = Field(foreign_key="job.id", unique=True)
    post_id: int = Field(foreign_key="cyclic_post.id", index=True)
    day: date
    revision: int


class AudienceActivity(SQLModel, table=True):
    """When an account's audience is active (controller/best_time.py): per hour of the day in
    the account's time zone and per weekday (0 = Monday), read from the app's Insights on the
    phone (`source` insights) or estimated from the account's published posts (estimate).
    One row per account; `attempted_at` and `refresh_requested_at` drive the insights leases."""

    __tablename__ = "audience_activity"
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", unique=True, index=True)
    source: str = Field(default="", max_length=10)
    by_hour: list[float] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    by_weekday: list[float] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    read_at: datetime | None = _ts(nullable=True)
    note: str = Field(default="", max_length=300)
    attempted_at: datetime | None = _ts(nullable=True)
    refresh_requested_at: datetime | None = _ts(nullable=True)


class PostStat(SQLModel, table=True):
    """One reading of a post's counters on the phone (controller/post_stats.py). Every reading
    is kept: the history shows how a post's engagement grows, and the latest reading per
    post (`post_ref`) is what summaries and `engagement_by_job` use."""

    __tablename__ = "post_stat"
    __table_args__ = (sa.Index("ix_post_stat_account_read", "account_id", "read_at"),)
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    job_id: int | None = Field(
        default=None, foreign_key="job.id", index=True, description="None: not the farm's post"
    )
    kind: str = Field(max_length=20)
    post_ref: str = Field(max_length=100, description="the post on the phone: caption hash…")
    caption: str = Field(default="", max_length=200)
    posted_at: datetime | None = _ts(nullable=True)
    likes: int | None = None
    comments: int | None = None
    views: int | None = None
    read_at: datetime = _ts()
    lease_token: int | None = Field(default=None, index=True)
