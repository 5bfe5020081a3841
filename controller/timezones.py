"""Turning a submitter's time into UTC and back."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from controller.errors import ApiError


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ApiError(422, "unknown_timezone", f"unknown time zone {name!r}") from None


def to_utc(when: datetime, tz_name: str | None) -> tuple[datetime, str]:
    """Return (UTC time, zone to echo back).

    An offset in the timestamp wins; a local time needs a zone name. A local time that does not
    exist (the hour skipped when clocks spring forward) is refused with `nonexistent_local_time`;
    an ambiguous one (the repeated hour in autumn) is taken as its first occurrence.
    """
    from controller.schedule import to_utc_in_range

    if when.tzinfo is not None:
        echo = tz_name or _offset_name(when)
        if tz_name:
            zone(tz_name)
        return to_utc_in_range(when), echo
    if not tz_name:
        raise ApiError(
            422,
            "timezone_required",
            "scheduled_at has no UTC offset; add one (e.g. +02:00) or give `timezone`",
        )
    tz = zone(tz_name)
    local = when.replace(tzinfo=tz, fold=0)
    try:
        round_trip = local.astimezone(UTC).astimezone(tz)
    except (OverflowError, ValueError):
        to_utc_in_range(local)  # raises scheduled_at_out_of_range
        raise
    if round_trip.replace(tzinfo=None) != when:
        raise ApiError(
            422,
            "nonexistent_local_time",
            f"{when.isoformat()} does not exist in {tz_name} (clocks skip that hour)",
        )
    return local.astimezone(UTC), tz_name


def _offset_name(when: datetime) -> str:
    offset = when.utcoffset()
    if not offset:
        return "UTC"
    total = int(offset.total_seconds())
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def from_utc(when: datetime, tz_name: str) -> datetime:
    """Express a UTC time in the zone the submitter used (a name or a fixed offset). A time
    the zone cannot express (a stored extreme) is shown in UTC rather than failing a page."""
    if tz_name == "UTC":
        return when.astimezone(UTC)
    try:
        if tz_name[:1] in "+-":
            parsed = datetime.fromisoformat(f"2000-01-01T00:00:00{tz_name}")
            return when.astimezone(parsed.tzinfo)
        return when.astimezone(zone(tz_name))
    except (OverflowError, ValueError):
        return when.astimezone(UTC)
