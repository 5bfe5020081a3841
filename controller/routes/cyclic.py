"""`/v1/cyclic-lists`: lists of posts published at random inside a daily window
(controller/cyclic.py), their posts, pause/resume and the planned jobs."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlmodel import Session, select

from controller import captions, cyclic, ownership, teams
from controller.config import Settings
from controller.deps import Principal, get_session, get_settings, require
from controller.errors import ApiError
from controller.models import Account, CyclicJob, CyclicList, CyclicPost, Job, MediaAsset
from controller.routes.jobs import job_outs
from controller.schemas import JobOut, Kind, RowId, StrictModel, normalize_username
from controller.submission import check_media
from controller.timeutil import utcnow
from controller.timezones import from_utc

router = APIRouter(prefix="/v1/cyclic-lists", tags=["cyclic lists"])
MAX_POSTS = 200


class CyclicPostIn(StrictModel):
    kind: Kind
    media: list[str] = Field(min_length=1, max_length=10, description="media ids (SHA-256)")
    caption: str = Field(default="", max_length=2200)
    fit: Literal["pad", "crop"] = "pad"


class CyclicListIn(StrictModel):
    account: Annotated[str, AfterValidator(normalize_username)] = Field(min_length=1, max_length=30)
    name: str = Field(min_length=1, max_length=100)
    window_start: time = Field(description="local time of the account's zone, e.g. 09:00")
    window_end: time = Field(description="local time, after window_start (same day)")
    posts_per_day: int = Field(ge=1, le=100)
    start_date: date
    end_date: date
    seed: int | None = Field(
        default=None, ge=0, le=2**62, description="random source (default: a random one)"
    )
    posts: list[CyclicPostIn] = Field(default_factory=list, max_length=MAX_POSTS)

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "account": "acme.shop",
                    "name": "evergreen",
                    "window_start": "09:00",
                    "window_end": "21:00",
                    "posts_per_day": 2,
                    "start_date": "2026-12-01",
                    "end_date": "2026-12-31",
                    "posts": [
                        {"kind": "feed", "media": ["<media id>"], "caption": "Our classics"},
                        {"kind": "story", "media": ["<media id>"]},
                    ],
                }
            ]
        },
    )


class CyclicPostPatch(StrictModel):
    """Change a post; absent fields stay. Checked again like a job of its kind."""

    caption: str | None = Field(default=None, max_length=2200)
    media: list[str] | None = Field(default=None, min_length=1, max_length=10)
    fit: Literal["pad", "crop"] | None = None


class CyclicListPatch(StrictModel):
    """Change a list's settings; absent fields stay. The list re-plans its unpublished jobs."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    window_start: time | None = None
    window_end: time | None = None
    posts_per_day: int | None = Field(default=None, ge=1, le=100)
    start_date: date | None = None
    end_date: date | None = None


class CyclicPostOut(BaseModel):
    id: int
    kind: str
    caption: str
    media: list[str]
    fit: str


class PlannedJob(BaseModel):
    job_id: int
    post_id: int
    day: date
    state: str
    scheduled_at: datetime = Field(description="in the account's time zone")


class CyclicListOut(BaseModel):
    id: int
    account: str
    timezone: str = Field(description="the account's zone: window and days are read in it")
    name: str
    window_start: str
    window_end: str
    posts_per_day: int
    start_date: date
    end_date: date
    state: Literal["active", "paused"]
    pause_reason: str = Field(
        description="period_ended, permissions_broke, too_few_posts or paused_by_user"
    )
    pause_detail: str
    seed: int
    last_planned_day: date | None
    posts: list[CyclicPostOut]
    next_jobs: list[PlannedJob] = Field(description="the list's jobs not published yet")


class CyclicPlanOut(BaseModel):
    list_id: int
    day: date = Field(description="the account's next day (or the day asked)")
    timezone: str
    state: str
    pause_reason: str
    jobs: list[JobOut]


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M:%S" if t.second else "%H:%M")


def _check_times(start: time, end: time, first: date, last: date) -> None:
    for t in (start, end):
        if t.tzinfo is not None:
            raise ApiError(
                422, "invalid_window", "window times are local times of the account's zone"
            )
    if end <= start:
        raise ApiError(
            422, "invalid_window", "window_end must be after window_start (the same day)"
        )
    if last < first:
        raise ApiError(422, "invalid_period", "end_date is before start_date")


def _post(
    session: Session, lst: CyclicList, body: CyclicPostIn, principal: Principal
) -> CyclicPost:
    """A post validated exactly like a job of its kind (caption rules, media visible to the
    caller and fit for the kind)."""
    captions.check(body.kind, body.caption)
    media_ids = check_media(session, body.kind, body.media, principal)
    post = CyclicPost(
        list_id=lst.id or 0,
        kind=body.kind,
        caption=body.caption,
        media_ids=media_ids,
        fit=body.fit,
    )
    session.add(post)
    return post


def _visible_list(
    session: Session, principal: Principal, list_id: int, *, lock: bool = False
) -> tuple[CyclicList, Account]:
    """The list if the caller sees its account (else 404). `lock`: to change it, row locked;
    a team's sub-user changes only the lists it made (403 `not_your_list`)."""
    lst = cyclic.locked(session, list_id) if lock else session.get(CyclicList, list_id)
    account = session.get(Account, lst.account_id) if lst is not None else None
    if (
        lst is None
        or lst.state == cyclic.DELETED
        or account is None
        or not ownership.sees(principal, account)
    ):
        raise ApiError(404, "cyclic_list_not_found", f"no cyclic list {list_id}")
    if lock and teams.is_sub_user(principal) and lst.api_key_id != principal.api_key_id:
        raise ApiError(
            403, "not_your_list", f"cyclic list {list_id} was made by someone else in your team"
        )
    return lst, account


def _outs(session: Session, lists: list[tuple[CyclicList, Account]]) -> list[CyclicListOut]:
    ids = [lst.id for lst, _ in lists]
    posts = session.exec(
        select(CyclicPost)
        .where(CyclicPost.list_id.in_(ids), CyclicPost.removed == False)  # type: ignore[attr-defined]  # noqa: E712
        .order_by(CyclicPost.id)  # type: ignore[arg-type]
    ).all()
    media = {i for p in posts for i in p.media_ids}
    sha = dict(
        session.exec(select(MediaAsset.id, MediaAsset.sha256).where(MediaAsset.id.in_(media))).all()  # type: ignore[union-attr]
    )
    upcoming = session.exec(
        select(CyclicJob, Job)
        .join(Job, Job.id == CyclicJob.job_id)  # type: ignore[arg-type]
        .where(CyclicJob.list_id.in_(ids), Job.state.in_(cyclic.UNSTARTED))  # type: ignore[attr-defined]
        .order_by(Job.scheduled_at, Job.id)  # type: ignore[arg-type]
    ).all()
    out = []
    for lst, account in lists:
        out.append(
            CyclicListOut(
                id=lst.id or 0,
                account=account.username,
                timezone=account.timezone,
                name=lst.name,
                window_start=_hhmm(lst.window_start),
                window_end=_hhmm(lst.window_end),
                posts_per_day=lst.posts_per_day,
                start_date=lst.start_date,
                end_date=lst.end_date,
                state=lst.state,  # type: ignore[arg-type]
                pause_reason=lst.pause_reason,
                pause_detail=lst.pause_detail,
                seed=lst.seed,
                last_planned_day=lst.last_planned_day,
                posts=[
                    CyclicPostOut(
                        id=p.id or 0,
                        kind=p.kind,
                        caption=p.caption,
                        media=[sha.get(i, "") for i in p.media_ids],
                        fit=p.fit,
                    )
                    for p in posts
                    if p.list_id == lst.id
                ],
                next_jobs=[
                    PlannedJob(
                        job_id=job.id or 0,
                        post_id=cj.post_id,
                        day=cj.day,
                        state=job.state,
                        scheduled_at=from_utc(job.scheduled_at, account.timezone),
                    )
                    for cj, job in upcoming
                    if cj.list_id == lst.id
                ],
            )
        )
    return out


def _out(session: Session, lst: CyclicList, account: Account) -> CyclicListOut:
    session.flush()
    return _outs(session, [(lst, account)])[0]


@router.post("", status_code=201, response_model=CyclicListOut)
def create_list(
    body: CyclicListIn,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    settings: Settings = Depends(get_settings),
) -> CyclicListOut:
    """Create a list (with its posts, each validated like a job) and plan it at once: the rest
    of today's window and tomorrow. A list with fewer posts than `posts_per_day` starts
    paused (`too_few_posts`) and resumes by itself when posts are added."""
    account = ownership.find(session, principal, body.account)
    if account is None:
        raise ApiError(422, "account_not_found", f"no account {body.account!r}")
    _check_times(body.window_start, body.window_end, body.start_date, body.end_date)
    now = utcnow()
    lst = CyclicList(
        account_id=account.id or 0,
        api_key_id=principal.api_key_id,
        name=body.name,
        window_start=body.window_start,
        window_end=body.window_end,
        posts_per_day=body.posts_per_day,
        start_date=body.start_date,
        end_date=body.end_date,
        seed=body.seed if body.seed is not None else secrets.randbelow(2**62),
        created_at=now,
        updated_at=now,
    )
    session.add(lst)
    session.flush()
    for post in body.posts:
        _post(session, lst, post, principal)
    session.flush()
    cyclic.plan_list(session, lst, settings, now)
    return _out(session, lst, account)


@router.get("", response_model=list[CyclicListOut])
def list_lists(
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    account: str | None = None,
) -> list[CyclicListOut]:
    """The lists of the accounts the caller sees, with state, pause reason and next jobs."""
    query = (
        select(CyclicList, Account)
        .join(Account, Account.id == CyclicList.account_id)  # type: ignore[arg-type]
        .where(CyclicList.state != cyclic.DELETED, ownership.visible(principal))
    )
    if account:
        query = query.where(Account.username == account.lower())
    rows = session.exec(query.order_by(CyclicList.id)).all()  # type: ignore[arg-type]
    return _outs(session, [(lst, acc) for lst, acc in rows])


@router.get("/{list_id}", response_model=CyclicListOut)
def get_list(
    list_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> CyclicListOut:
    lst, account = _visible_list(session, principal, list_id)
    return _out(session, lst, account)


@router.patch("/{list_id}", response_model=CyclicListOut)
def edit_list(
    list_id: RowId,
    body: CyclicListPatch,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    settings: Settings = Depends(get_settings),
) -> CyclicListOut:
    """Change the settings; the list's jobs not yet on a phone are planned again."""
    lst, account = _visible_list(session, principal, list_id, lock=True)
    changes = body.model_dump(exclude_unset=True)
    if any(v is None for v in changes.values()):
        raise ApiError(422, "invalid_field", "a list setting cannot be null")
    merged = {
        k: changes.get(k, getattr(lst, k))
        for k in ("window_start", "window_end", "start_date", "end_date")
    }
    _check_times(
        merged["window_start"], merged["window_end"], merged["start_date"], merged["end_date"]
    )
    for field, value in changes.items():
        setattr(lst, field, value)
    session.add(lst)
    session.flush()
    cyclic.changed(session, lst, settings)
    return _out(session, lst, account)


@router.delete("/{list_id}", status_code=204)
def delete_list(
    list_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> Response:
    """Delete the list; its jobs not yet on a phone are cancelled (the others stay)."""
    lst, _ = _visible_list(session, principal, list_id, lock=True)
    cyclic.cancel_unstarted(session, lst, "cyclic list deleted")
    lst.state = cyclic.DELETED
    lst.updated_at = utcnow()
    session.add(lst)
    return Response(status_code=204)


@router.post("/{list_id}/posts", status_code=201, response_model=CyclicListOut)
def add_post(
    list_id: RowId,
    body: CyclicPostIn,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    settings: Settings = Depends(get_settings),
) -> CyclicListOut:
    """Add a post (validated like a job); the list re-plans."""
    lst, account = _visible_list(session, principal, list_id, lock=True)
    if len(cyclic.live_posts(session, lst)) >= MAX_POSTS:
        raise ApiError(422, "too_many_posts", f"a list holds at most {MAX_POSTS} posts")
    _post(session, lst, body, principal)
    session.flush()
    cyclic.changed(session, lst, settings)
    return _out(session, lst, account)


def _live_post(session: Session, lst: CyclicList, post_id: int) -> CyclicPost:
    post = session.get(CyclicPost, post_id)
    if post is None or post.list_id != lst.id or post.removed:
        raise ApiError(404, "cyclic_post_not_found", f"no post {post_id} in this list")
    return post


@router.patch("/{list_id}/posts/{post_id}", response_model=CyclicListOut)
def edit_post(
    list_id: RowId,
    post_id: RowId,
    body: CyclicPostPatch,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    settings: Settings = Depends(get_settings),
) -> CyclicListOut:
    """Change a post's caption, media or fit (checked like a job); the list re-plans, so its
    unpublished jobs carry the new content."""
    lst, account = _visible_list(session, principal, list_id, lock=True)
    post = _live_post(session, lst, post_id)
    changes = body.model_dump(exclude_unset=True)
    if any(v is None for v in changes.values()):
        raise ApiError(422, "invalid_field", "a post field cannot be null")
    if "caption" in changes:
        captions.check(post.kind, changes["caption"])
        post.caption = changes["caption"]
    if "media" in changes:
        post.media_ids = check_media(session, post.kind, changes["media"], principal)
    if "fit" in changes:
        post.fit = changes["fit"]
    session.add(post)
    session.flush()
    cyclic.changed(session, lst, settings)
    return _out(session, lst, account)


@router.delete("/{list_id}/posts/{post_id}", response_model=CyclicListOut)
def remove_post(
    list_id: RowId,
    post_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    settings: Settings = Depends(get_settings),
) -> CyclicListOut:
    """Remove a post; its unpublished jobs go and the list re-plans (it pauses with
    `too_few_posts` if it no longer has enough)."""
    lst, account = _visible_list(session, principal, list_id, lock=True)
    post = _live_post(session, lst, post_id)
    post.removed = True
    session.add(post)
    session.flush()
    if lst.state == cyclic.ACTIVE:
        cyclic.replan(session, lst, settings)
    return _out(session, lst, account)


@router.post("/{list_id}/pause", response_model=CyclicListOut)
def pause_list(
    list_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> CyclicListOut:
    """Pause the list (`paused_by_user`); its jobs not yet on a phone are cancelled."""
    lst, account = _visible_list(session, principal, list_id, lock=True)
    if lst.state != cyclic.ACTIVE:
        raise ApiError(409, "cyclic_list_paused", f"the list is paused ({lst.pause_reason})")
    cyclic.pause(
        session, lst, cyclic.Problem(cyclic.PAUSED_BY_USER, f"paused by {principal.actor}")
    )
    return _out(session, lst, account)


@router.post("/{list_id}/resume", response_model=CyclicListOut)
def resume_list(
    list_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    settings: Settings = Depends(get_settings),
) -> CyclicListOut:
    """Re-check the pause reasons (409 `cyclic_period_ended`, `cyclic_permissions_broke` or
    `cyclic_too_few_posts` if one still holds) and plan the list again."""
    lst, account = _visible_list(session, principal, list_id, lock=True)
    if lst.state == cyclic.ACTIVE:
        raise ApiError(409, "cyclic_list_active", "the list is not paused")
    cyclic.resume(session, lst, settings)
    return _out(session, lst, account)


def _plan_out(
    session: Session, lst: CyclicList, account: Account, day: date | None
) -> CyclicPlanOut:
    session.flush()
    day = day or cyclic.local_day(account, utcnow()) + timedelta(days=1)
    jobs = [job for _, job in cyclic.day_jobs(session, lst, day)]
    return CyclicPlanOut(
        list_id=lst.id or 0,
        day=day,
        timezone=account.timezone,
        state=lst.state,
        pause_reason=lst.pause_reason,
        jobs=job_outs(session, jobs),
    )


@router.get("/{list_id}/plan", response_model=CyclicPlanOut)
def get_plan(
    list_id: RowId,
    day: date | None = Query(default=None, description="a day of the account (default: tomorrow)"),
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> CyclicPlanOut:
    """The jobs planned for the account's next day (or `day`), times in the account's zone."""
    lst, account = _visible_list(session, principal, list_id)
    return _plan_out(session, lst, account, day)


@router.post("/{list_id}/plan", response_model=CyclicPlanOut)
def run_plan(
    list_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
    settings: Settings = Depends(get_settings),
) -> CyclicPlanOut:
    """Plan now what the background pass would (idempotent: days already planned stay as
    they are) and return the next day's jobs."""
    lst, account = _visible_list(session, principal, list_id, lock=True)
    cyclic.plan_list(session, lst, settings)
    return _plan_out(session, lst, account, None)
