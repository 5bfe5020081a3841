"""An account's audience activity (best time to post): read it, ask the phone for a new one."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import structlog
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlmodel import Session

from controller import best_time, notify, ownership
from controller.config import Settings
from controller.deps import Principal, get_session, get_settings, require
from controller.errors import not_found
from controller.models import Account
from controller.timezones import from_utc

router = APIRouter(prefix="/v1/accounts", tags=["audience"])
log = structlog.get_logger()


class AudienceOut(BaseModel):
    """When the account's audience is active, per local hour and weekday (0–100 each)."""

    account: str
    timezone: str = Field(description="the account's: hours are local to it")
    source: Literal["insights", "estimate", "default"] = Field(
        description="insights: read from the app on the phone; estimate: from the engagement "
        "of the account's published posts; default: no data (a curve around the default hour)"
    )
    by_hour: list[float] = Field(description="24 values, index 0 = 00:00–00:59 local")
    by_weekday: list[float] = Field(description="7 values, index 0 = Monday")
    read_at: datetime | None = Field(description="when the reading or estimate was made")
    note: str = Field(description='why the phone gave no reading (e.g. "insights_unavailable")')
    refresh_requested_at: datetime | None = Field(
        description="a reading asked of the phone and not yet taken"
    )
    next_best_at: datetime = Field(
        description='what scheduled_at "best" would give now (the account\'s local time)'
    )
    next_best_at_utc: datetime


def audience_out(session: Session, account: Account, settings: Settings) -> AudienceOut:
    activity = best_time.activity_for(session, account, settings)
    row = best_time.stored(session, account)
    when, _ = best_time.resolve(session, account, settings)
    return AudienceOut(
        account=account.username,
        timezone=account.timezone,
        source=activity.source.value,  # type: ignore[arg-type]
        by_hour=activity.by_hour,
        by_weekday=activity.by_weekday,
        read_at=activity.read_at,
        note=activity.note,
        refresh_requested_at=row.refresh_requested_at if row is not None else None,
        next_best_at=from_utc(when, account.timezone),
        next_best_at_utc=when,
    )


def _visible(session: Session, principal: Principal, username: str, lock: bool) -> Account:
    account = ownership.find(session, principal, username, lock=lock)
    if account is None or account.state == "deleted":
        raise not_found("account", username)
    return account


@router.get("/{username}/audience", response_model=AudienceOut)
def get_audience(
    username: str,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
) -> AudienceOut:
    """When the account's audience is active and where that comes from (the app's Insights
    on the phone, an estimate from its posts, or the default), with the next best time."""
    return audience_out(session, _visible(session, principal, username, False), settings)


@router.post("/{username}/audience/refresh", status_code=202, response_model=AudienceOut)
def refresh_audience(
    username: str,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
) -> AudienceOut:
    """Ask the account's phone for a new reading of its Insights: the dispatcher hands it an
    insights lease once the phone is idle and none of its accounts has a job due soon."""
    account = _visible(session, principal, username, True)
    best_time.request_refresh(session, account)
    notify.work_changed(session)
    log.info("audience_refresh_requested", account=account.username, actor=principal.actor)
    return audience_out(session, account, settings)
