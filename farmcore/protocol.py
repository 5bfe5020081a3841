"""The agent protocol's bodies, typed once for both sides.

The controller's routes take and return these models; the agent's client sends and parses
them. A field renamed on one side is renamed on the other, and `tests/test_protocol.py` checks
that the controller's OpenAPI document serves exactly these schemas.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from farmcore.vocab import (
    DeviceStatus,
    Driver,
    LeaseEventType,
    LeasePurpose,
    Outcome,
    values,
)

# the vocabulary as Literal types: the OpenAPI document lists the values inline
DriverName = Literal[values(Driver)]  # type: ignore[valid-type]
DeviceStatusName = Literal[values(DeviceStatus)]  # type: ignore[valid-type]
PurposeName = Literal[values(LeasePurpose)]  # type: ignore[valid-type]
EventTypeName = Literal[values(LeaseEventType)]  # type: ignore[valid-type]
OutcomeName = Literal[values(Outcome)]  # type: ignore[valid-type]
SERIAL_PATTERN = r"^[A-Za-z0-9._:\-]+$"
MAX_LIST = 10_000  # a sanity bound on the phones of one body; the limit is configuration


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


def example(body: dict[str, Any]) -> ConfigDict:
    """A request model's config: unknown fields refused, one example for the docs."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [body]})


class StrictModel(BaseModel):
    """A request body: unknown fields are refused, and so is a NUL character anywhere in a
    string (PostgreSQL cannot store it)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError("must not contain NUL characters")
        return value


class ErrorBody(BaseModel):
    code: str = Field(description="stable, machine-readable", examples=["illegal_transition"])
    message: str = Field(examples=["job 12 is published; it cannot become paused"])
    details: dict[str, Any] | None = None


class ErrorOut(BaseModel):
    """Every 4xx and 5xx answer has this shape."""

    error: ErrorBody


class AgentDeviceIn(StrictModel):
    serial: str = Field(min_length=1, max_length=100, pattern=SERIAL_PATTERN)
    label: str = Field(default="", max_length=100)
    driver: DriverName = "sim"


class AgentRegisterIn(StrictModel):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._\-]+$")
    version: str = Field(default="", max_length=40)
    # how many phones one agent may declare is the controller's setting
    # (FARM_MAX_PHONES_PER_AGENT); this bound only keeps a body finite
    devices: list[AgentDeviceIn] = Field(default_factory=list, max_length=MAX_LIST)

    model_config = example(
        {
            "name": "rack-1",
            "version": "0.2.0",
            "devices": [{"serial": "R58N12ABCDE", "driver": "u2"}],
        }
    )


class AgentRegisterOut(BaseModel):
    agent_id: int
    token: str = Field(description="bearer token for the agent protocol; shown once")
    lease_ttl_s: float


class DeviceHealth(StrictModel):
    serial: str = Field(min_length=1, max_length=100)
    status: DeviceStatusName = "idle"
    battery: int | None = Field(default=None, ge=0, le=100)
    temperature_c: float | None = None
    app_version: str | None = Field(default=None, max_length=40)


class HeartbeatIn(StrictModel):
    devices: list[DeviceHealth] = Field(default_factory=list, max_length=MAX_LIST)
    leases: list[int] | None = Field(
        default=None,
        max_length=MAX_LIST,
        description="tokens of the leases the agent still works on (or has an outcome to "
        "deliver for); when present only these (and leases not yet handed over) are "
        "extended, so a lease the agent dropped expires. Absent: every active lease is.",
    )

    model_config = example(
        {
            "devices": [
                {"serial": "R58N12ABCDE", "status": "idle", "battery": 88, "temperature_c": 31.5}
            ]
        }
    )


class HeartbeatOut(BaseModel):
    leases_extended: int
    lease_ttl_s: float


class ClaimIn(StrictModel):
    idle: list[str] = Field(default_factory=list, max_length=MAX_LIST, description="idle serials")
    wait_s: float = Field(
        default=0,
        ge=0,
        le=300,
        description="long-poll: with no lease to hand over, wait up to this long (capped by the "
        "controller) for one; 0 answers at once",
    )

    model_config = example({"idle": ["R58N12ABCDE"], "wait_s": 20})


class LeaseMedia(BaseModel):
    id: str
    media_type: str
    url: str


class LeaseOut(BaseModel):
    token: int
    purpose: PurposeName
    job_id: int | None = Field(description="null for a login or insights lease")
    kind: str
    account: str
    device: str
    caption: str
    marker: str
    fit: str
    media: list[LeaseMedia]
    expires_at: datetime
    since: datetime | None = Field(
        default=None,
        description="verify leases: when the publish attempt being checked started; "
        "a post older than that is not this job's",
    )
    password: str | None = Field(
        default=None, description="login leases only: the stored password, for the login flow"
    )

    def __repr__(self) -> str:
        return f"LeaseOut(token={self.token}, purpose={self.purpose!r}, job_id={self.job_id})"

    __str__ = __repr__


class ClaimOut(BaseModel):
    leases: list[LeaseOut]


class LeaseEventIn(StrictModel):
    type: EventTypeName
    message: str = Field(default="", max_length=500)
    data: dict[str, Any] = Field(default_factory=dict)

    model_config = example({"type": "point_of_no_return", "message": "about to tap Share"})


class Evidence(StrictModel):
    screenshot_png_b64: str | None = Field(default=None, max_length=20_000_000)
    hierarchy_xml: str | None = Field(default=None, max_length=5_000_000)


class AudienceReading(StrictModel):
    """An insights lease's reading of the app's "Most active times" (professional accounts):
    followers active per hour of the day (0 = midnight, the phone's local time, which is the
    account's time zone) and per weekday (0 = Monday). The app draws hour blocks (3 hours a
    bar): each hour of a block carries the block's value, `block_hours` says how wide."""

    by_hour: list[float] = Field(min_length=24, max_length=24)
    by_weekday: list[float] = Field(min_length=7, max_length=7)
    block_hours: int = Field(default=1, ge=1, le=24)

    @field_validator("by_hour", "by_weekday")
    @classmethod
    def _not_negative(cls, value: list[float]) -> list[float]:
        if any(v < 0 for v in value):
            raise ValueError("activity values are counts: not negative")
        return value


class CompleteIn(StrictModel):
    outcome: OutcomeName
    error_code: str | None = Field(default=None, max_length=40)
    error_message: str | None = Field(default=None, max_length=500)
    stats: dict[str, Any] = Field(default_factory=dict)
    evidence: Evidence | None = None
    audience: AudienceReading | None = Field(
        default=None, description="insights leases with outcome audience_read: the reading"
    )

    model_config = example(
        {
            "outcome": "failed",
            "error_code": "action_blocked",
            "error_message": "Try again later",
            "stats": {"dumps": 14},
        }
    )


class CompleteOut(BaseModel):
    job_id: int | None = Field(description="null for a login lease")
    state: str = Field(description="the job's state, or the account's for a login lease")


class PreflightIn(StrictModel):
    ok: bool
    code: str | None = Field(default=None, max_length=40, description="failure code if not ok")
    message: str = Field(default="", max_length=500)
    checks: dict[str, Any] = Field(
        default_factory=dict,
        description="what was checked: logged_in, public, two_factor, posts …",
    )

    model_config = example(
        {
            "ok": False,
            "code": "auth_two_factor_enabled",
            "message": "2FA is on",
            "checks": {"logged_in": True, "public": True, "posts": 12},
        }
    )


# the protocol's routes: (method, path template, request model, response model)
ROUTES: list[tuple[str, str, type[BaseModel] | None, type[BaseModel] | None]] = [
    ("post", "/v1/agents/register", AgentRegisterIn, AgentRegisterOut),
    ("post", "/v1/agents/heartbeat", HeartbeatIn, HeartbeatOut),
    ("post", "/v1/agents/claim", ClaimIn, ClaimOut),
    ("post", "/v1/leases/{token}/events", LeaseEventIn, None),
    ("post", "/v1/leases/{token}/complete", CompleteIn, CompleteOut),
    ("post", "/v1/accounts/{username}/preflight", PreflightIn, None),
]


class AgentDeviceCommand(BaseModel):
    serial: str
    mode: str
    reboot: bool = Field(description="ops asked for a reboot the agent has not done yet")


class AgentCommandsOut(BaseModel):
    """What the agent should do with its phones (polled with each heartbeat)."""

    devices: list[AgentDeviceCommand]


class AgentDeviceReportIn(StrictModel):
    """A phone's reboot or recovery step, reported by its agent."""

    event: Literal["rebooted", "reboot_failed", "recovery", "quarantine"]
    reason: str = Field(default="", max_length=250)
