"""Post statistics over HTTP: a job's readings, an account's summary and its CSV export.

Ownership as for jobs: a scheduler key sees its own and the shared accounts; another key's
job or account is answered exactly as if it did not exist (404)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from controller import ownership, post_stats
from controller.deps import Principal, get_session, require
from controller.errors import not_found
from controller.models import Account, Job, PostStat
from controller.schemas import RowId

router = APIRouter(prefix="/v1", tags=["post statistics"])


class ReadingOut(BaseModel):
    read_at: datetime
    job_id: int | None
    kind: str
    post_ref: str
    caption: str
    posted_at: datetime | None
    likes: int | None
    comments: int | None
    views: int | None = Field(description="plays; null for photos")
    engagement: int = Field(description="likes + comments + views weighted 0.05")


class JobStatsOut(BaseModel):
    job_id: int
    account: str
    kind: str
    latest: ReadingOut | None = Field(description="null until a phone has read the post")
    history: list[ReadingOut] = Field(description="every reading, oldest first")


class TotalsOut(BaseModel):
    posts: int
    likes: int
    comments: int
    views: int


class AccountStatsOut(BaseModel):
    account: str
    last_read_at: datetime | None
    totals: TotalsOut
    per_kind: dict[str, TotalsOut]
    top_posts: list[ReadingOut] = Field(description="by engagement, the five best")
    posts: list[ReadingOut] = Field(description="the latest reading of each post")


def reading_out(row: PostStat) -> ReadingOut:
    return ReadingOut(
        read_at=row.read_at,
        job_id=row.job_id,
        kind=row.kind,
        post_ref=row.post_ref,
        caption=row.caption,
        posted_at=row.posted_at,
        likes=row.likes,
        comments=row.comments,
        views=row.views,
        engagement=post_stats.engagement(row.likes, row.comments, row.views),
    )


def _account(session: Session, principal: Principal, username: str) -> Account:
    account = ownership.find(session, principal, username)
    if account is None:
        raise not_found("account", username)
    return account


@router.get("/jobs/{job_id}/stats", response_model=JobStatsOut)
def job_stats(
    job_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> JobStatsOut:
    """The counters of a published job's post: its latest reading and every reading."""
    job = session.get(Job, job_id)
    account = session.get(Account, job.account_id) if job is not None else None
    if job is None or account is None or not ownership.sees(principal, account):
        raise not_found("job", job_id)
    history = [reading_out(r) for r in post_stats.job_history(session, job_id)]
    return JobStatsOut(
        job_id=job_id,
        account=account.username,
        kind=job.kind,
        latest=history[-1] if history else None,
        history=history,
    )


@router.get("/accounts/{username}/stats", response_model=AccountStatsOut)
def account_stats(
    username: str,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> AccountStatsOut:
    """An account's totals, totals per kind and top posts (latest reading of each post)."""
    data = post_stats.summary(session, _account(session, principal, username))
    return AccountStatsOut(
        account=data["account"],
        last_read_at=data["last_read_at"],
        totals=TotalsOut(**data["totals"]),
        per_kind={k: TotalsOut(**v) for k, v in data["per_kind"].items()},
        top_posts=[reading_out(r) for r in data["top_posts"]],
        posts=[reading_out(r) for r in data["posts"]],
    )


@router.get(
    "/accounts/{username}/stats.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def account_stats_csv(
    username: str,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> Response:
    """Every reading of the account's posts as CSV; a cell starting with =, +, -, @, a tab or
    a carriage return is prefixed with `'` so a spreadsheet never runs it as a formula."""
    account = _account(session, principal, username)
    return Response(
        post_stats.csv_export(session, account),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{account.username}-stats.csv"'},
    )
