"""Request and response bodies of the HTTP API (separate from the tables)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from farmcore.protocol import (  # the agent protocol's bodies, shared with the agent
    AgentDeviceIn,
    AgentRegisterIn,
    AgentRegisterOut,
    ClaimIn,
    ClaimOut,
    CompleteIn,
    CompleteOut,
    DeviceHealth,
    DriverName,
    ErrorBody,
    ErrorOut,
    Evidence,
    HeartbeatIn,
    HeartbeatOut,
    LeaseEventIn,
    LeaseMedia,
    LeaseOut,
    PreflightIn,
    StrictModel,
)
from farmcore.protocol import example as _example
from farmcore.vocab import AccountState, PostKind, WebhookEvent, values

Kind = Literal[values(PostKind)]  # type: ignore[valid-type]
AccountStateName = Literal[values(AccountState)]  # type: ignore[valid-type]
EventName = Literal[values(WebhookEvent)]  # type: ignore[valid-type]
MAX_ROW_ID = 2**31 - 1
# a row id in a path (job, lease token, webhook): bounded so no database sees an overflow
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def normalize_username(username: str) -> str:
    """Instagram usernames are case-insensitive: `A.Shop` and `a.shop` are one account,
    stored and compared in lower case."""
    return username.lower()


class MediaOut(BaseModel):
    id: str = Field(description="SHA-256 of the file; use it in jobs")
    media_type: str
    format: str
    width: int
    height: int
    duration_s: float | None
    bytes: int


class DeviceIn(StrictModel):
    serial: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:\-]+$")
    label: str = Field(default="", max_length=100)
    driver: DriverName = "sim"

    model_config = _example({"serial": "R58N12ABCDE", "label": "rack 1, slot 3", "driver": "u2"})


class DeviceOut(BaseModel):
    serial: str
    label: str
    driver: str
    agent: str | None
    status: str
    battery: int | None
    temperature_c: float | None
    app_version: str | None
    # False: the phone runs an Instagram version the flows were not checked on (settings
    # `checked_app_versions`); None: no list is configured or the version is not known yet
    app_version_checked: bool | None = None
    last_seen_at: datetime | None
    current_job_id: int | None = None
    # ops' hold (POST /v1/devices/{serial}/drain|quarantine|release|reboot)
    mode: str = "active"
    mode_reason: str = ""
    mode_changed_at: datetime | None = None
    reboot_requested_at: datetime | None = None


class AccountIn(StrictModel):
    username: Annotated[str, AfterValidator(normalize_username)] = Field(
        min_length=1, max_length=30, pattern=r"^[A-Za-z0-9._]+$"
    )
    password: str = Field(min_length=1, max_length=200, repr=False)
    device: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="ops only: the phone's serial; left out, the placement rule picks one",
    )
    timezone: str = Field(default="UTC", max_length=64)

    model_config = _example(
        {
            "username": "acme.shop",
            "password": "correct horse battery",
            "device": "R58N12ABCDE",
            "timezone": "Europe/Madrid",
        }
    )


class AccountPatch(StrictModel):
    """Change an account's settings; absent fields stay as they are, `null` pacing means
    "use farm.yaml's default"."""

    device: str | None = Field(default=None, min_length=1, max_length=100)
    timezone: str | None = Field(default=None, max_length=64)
    min_gap_minutes: float | None = Field(default=None, ge=0, le=7 * 24 * 60)
    daily_cap: int | None = Field(default=None, ge=0, le=1000)
    approval_required: bool | None = None
    owner: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="ops only: name of the scheduler key that owns the account; null: shared",
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"min_gap_minutes": 90, "daily_cap": 4}, {"owner": "shop-backend"}]
        },
    )


class ReauthIn(StrictModel):
    password: str | None = Field(
        default=None, min_length=1, max_length=200, repr=False, description="a new password"
    )
    reason: str = Field(default="", max_length=300)
    login: bool = Field(
        default=False,
        description="log in on the phone with the stored password first; the account becomes "
        "active (and its jobs are released) only when that login succeeds",
    )

    model_config = _example(
        {"password": "new password", "reason": "password reset by the client", "login": True}
    )


class DisableIn(StrictModel):
    reason: str = Field(default="", max_length=300)

    model_config = _example({"reason": "client paused the campaign"})


class PreflightOut(BaseModel):
    ok: bool
    code: str | None
    message: str
    checks: dict[str, Any]
    at: datetime


class Pacing(BaseModel):
    min_gap_minutes: float = Field(description="in force (the account's own or farm.yaml's)")
    daily_cap: int = Field(description="in force; 0 means no cap")
    own: bool = Field(description="true when the account overrides farm.yaml")


class AccountOut(BaseModel):
    username: str
    device: str
    timezone: str
    state: AccountStateName
    state_reason: str
    approval_required: bool = False
    owner: str | None = Field(
        default=None, description="name of the scheduler key that owns it; null: shared"
    )
    pacing: Pacing | None = None
    preflight: PreflightOut | None = None


class BestWithin(StrictModel):
    """The range a "best" time is chosen in; a time without an offset is read in the job's
    `timezone`, else in the account's."""

    from_: datetime = Field(alias="from")
    to: datetime

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class JobIn(StrictModel):
    account: Annotated[str, AfterValidator(normalize_username)] = Field(
        min_length=1, max_length=30, description="Instagram username (any case)"
    )
    kind: Kind
    media: list[str] = Field(min_length=1, max_length=10, description="media ids (SHA-256)")
    caption: str = Field(default="", max_length=2200)
    scheduled_at: datetime | Literal["best"] = Field(
        description="ISO 8601 with an offset, or a local time together with `timezone`; or "
        '"best": the best hour of the account\'s audience, chosen at submission'
    )
    timezone: str | None = Field(default=None, max_length=64, examples=["Europe/Madrid"])
    fit: Literal["pad", "crop"] = "pad"
    approval_required: bool = Field(
        default=False,
        description="start in pending_approval (also implied by the account's setting)",
    )
    best_within: date | BestWithin | None = Field(
        default=None,
        description='with scheduled_at "best": a local day (2026-12-03, in the account\'s '
        'time zone) or {"from": …, "to": …}; absent: the coming 7 days',
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "account": "acme.shop",
                    "kind": "feed",
                    "media": ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
                    "caption": "New arrivals",
                    "scheduled_at": "2026-12-01T09:30:00+01:00",
                }
            ]
        },
    )


class JobPatch(StrictModel):
    """Edit a job that is not yet leased. Absent fields stay as they are. A naive
    `scheduled_at` is read in `timezone`, else in the job's own time zone."""

    caption: str | None = Field(default=None, max_length=2200)
    media: list[str] | None = Field(default=None, min_length=1, max_length=10)
    scheduled_at: datetime | None = None
    timezone: str | None = Field(default=None, max_length=64)
    fit: Literal["pad", "crop"] | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"caption": "New arrivals (now 20% off)"},
                {"scheduled_at": "2026-12-02T09:30:00+01:00"},
            ]
        },
    )


class JobError(BaseModel):
    code: str
    message: str


class EventOut(BaseModel):
    at: datetime
    type: str
    from_state: str | None
    to_state: str | None
    actor: str
    reason: str
    lease_token: int | None
    data: dict[str, Any]


class JobOut(BaseModel):
    id: int
    kind: str
    account: str
    device: str
    caption: str
    media: list[str]
    fit: str
    state: str
    scheduled_at: datetime = Field(description="in the submitter's time zone")
    scheduled_at_utc: datetime
    timezone: str
    scheduled_at_requested: Literal["best"] | None = Field(
        default=None, description='"best" when the time was chosen from the audience\'s activity'
    )
    best_time_source: Literal["insights", "estimate", "default"] | None = Field(
        default=None, description="where that activity came from"
    )
    attempts: int
    approval_required: bool = False
    approved_at: datetime | None = None
    error: JobError | None
    published_at: datetime | None
    created_at: datetime
    cyclic_list: int | None = Field(default=None, description="the cyclic list that made it")
    events: list[EventOut] | None = None


class JobList(BaseModel):
    jobs: list[JobOut]
    next_cursor: str | None


class BatchIn(StrictModel):
    jobs: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=500,
        description="job bodies as for POST /v1/jobs, plus an optional `idempotency_key`",
    )
    all_or_nothing: bool = False


class BatchRow(BaseModel):
    row: int = Field(description="1-based; in CSV, the data row (the header is row 0)")
    status: Literal["created", "duplicate", "error", "not_created"]
    job_id: int | None = None
    error: JobError | None = None


class BatchOut(BaseModel):
    created: int
    duplicates: int
    errors: int
    rows: list[BatchRow]


class WebhookIn(StrictModel):
    url: str = Field(min_length=8, max_length=500, pattern=r"^https?://\S+$")
    events: list[EventName] = Field(min_length=1, max_length=len(WebhookEvent))

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://hooks.example.com/igfarm",
                    "events": ["job.published", "job.failed"],
                }
            ]
        },
    )


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    active: bool
    created_at: datetime
    secret: str | None = Field(
        default=None, description="HMAC key for X-Farm-Signature; returned only at creation"
    )


class DeliveryOut(BaseModel):
    id: int
    event: str
    state: Literal["pending", "delivered", "failed", "cancelled"]
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any]


class KindStatus(BaseModel):
    kind: str
    published_last_hour: int
    failed_last_hour: int
    success_rate: float | None = Field(description="published / (published + failed); null: none")
    lateness_p50_s: float | None = Field(description="due → published, seconds, last hour")
    lateness_p95_s: float | None
    queue_depth: int = Field(description="scheduled jobs already due, not yet leased")


class StatusOut(BaseModel):
    generated_at: datetime
    kinds: list[KindStatus]
    devices_online: int
    devices_total: int
    accounts_needing_auth: int


class KeyIn(StrictModel):
    role: Literal["scheduler", "ops", "agent"]
    name: str = Field(min_length=1, max_length=100)
    agent: str | None = Field(
        default=None, max_length=100, description="role agent: the agent name it is bound to"
    )
    expires_at: datetime | None = Field(default=None, description="with an offset")
    expires_in: str | None = Field(
        default=None, max_length=12, description="instead of expires_at: 30d, 12h, 90m, 2w"
    )

    model_config = _example({"role": "agent", "name": "rack-1 host", "agent": "rack-1"})


class KeyOut(BaseModel):
    id: int
    name: str
    role: str
    prefix: str = Field(description="the key's first characters, to recognise it")
    agent: str | None
    status: Literal["active", "revoked", "expired"]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class KeyCreatedOut(KeyOut):
    key: str = Field(description="the key itself; shown only here")


class DeviceMoveIn(StrictModel):
    agent: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._\-]+$")

    model_config = _example({"agent": "rack-2"})


__all__ = [
    "AgentDeviceIn",
    "AgentRegisterIn",
    "AgentRegisterOut",
    "ClaimIn",
    "ClaimOut",
    "CompleteIn",
    "CompleteOut",
    "DeviceHealth",
    "DeviceMoveIn",
    "ErrorBody",
    "ErrorOut",
    "Evidence",
    "HeartbeatIn",
    "HeartbeatOut",
    "KeyCreatedOut",
    "KeyIn",
    "KeyOut",
    "LeaseEventIn",
    "LeaseMedia",
    "LeaseOut",
    "PreflightIn",
]
