"""When a job may be scheduled, and what a time already past at submission means.

- `scheduled_at` must fall inside a window: not more than `max_past_due_s` ago (7 days by
  default) and not more than `max_schedule_ahead_days` ahead (5 years); anything else,
  including times that overflow once their offset is applied (year 1 or 9999 with ±14:00),
  is 422 `scheduled_at_out_of_range`.
- A job already past due when submitted (single, batch) is published now when it is within
  `past_due_grace_s` (15 minutes by default); older, it is created `paused` with reason
  `missed_window` (as a job whose time passed while awaiting approval): edit its time or
  resume it (which publishes now).
- An edit may not move a job into the past beyond the grace: 422 `missed_window`.
- Lateness (`/v1/status`, `/metrics`) is measured from the later of the scheduled time and
  the submission time, so a past-due submission does not count as the farm being late.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from controller.config import Settings
from controller.errors import ApiError
from controller.timeutil import utcnow

MISSED_WINDOW = "missed_window"
MISSED_REASON = (
    "missed_window: the scheduled time had passed when the job was submitted; "
    "edit its time, or resume it to publish now"
)
_DEFAULTS = Settings.__dataclass_fields__


def _setting(settings: Settings | None, name: str) -> float:
    if settings is not None:
        return float(getattr(settings, name))
    return float(_DEFAULTS[name].default)  # type: ignore[arg-type]


def check_window(
    when_utc: datetime, settings: Settings | None, now: datetime | None = None
) -> None:
    now = now or utcnow()
    earliest = now - timedelta(seconds=_setting(settings, "max_past_due_s"))
    latest = now + timedelta(days=_setting(settings, "max_schedule_ahead_days"))
    if not earliest <= when_utc <= latest:
        raise ApiError(
            422,
            "scheduled_at_out_of_range",
            f"scheduled_at must be between {earliest:%Y-%m-%dT%H:%M}Z and {latest:%Y-%m-%dT%H:%M}Z",
        )


def missed(when_utc: datetime, settings: Settings | None, now: datetime | None = None) -> bool:
    """True when the time passed longer ago than the grace period."""
    now = now or utcnow()
    return when_utc < now - timedelta(seconds=_setting(settings, "past_due_grace_s"))


def to_utc_in_range(when: datetime) -> datetime:
    """`when` in UTC; a time that cannot be expressed (overflow) is out of range."""
    try:
        return when.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ApiError(
            422, "scheduled_at_out_of_range", "the time is outside the supported range"
        ) from None
