"""Cyclic lists: pre-loaded posts published automatically and at random inside a daily window.

A list belongs to one account. Each day from `start_date` to `end_date` (days of the
account's time zone) the planner turns `posts_per_day` of its posts into ordinary jobs at
random times between `window_start` and `window_end` (local wall-clock times, DST-correct),
each post at most once that day, the times at least the account's pacing gap apart. The jobs
are normal jobs: dispatch, pacing, retries, approvals and webhooks apply to them.

When the planner runs (the once-per-farm background pass, and on demand: creating, editing
or resuming a list), it materialises every day not planned yet among today (only the part of
the window still ahead) and tomorrow. A list pauses, and its jobs not yet handed to a phone
are cancelled, when:

- `period_ended`: the account's day is past `end_date`;
- `permissions_broke`: the account is not `active` (needs_auth, challenge, disabled, deleted);
- `too_few_posts`: it has fewer posts than `posts_per_day`, or `posts_per_day` posts do not
  fit in the window with the account's pacing gap.

Resuming re-checks those reasons and re-plans (a new plan revision). Planning is idempotent:
each (list, revision, day, post) makes one job at most (`uq_cyclic_job_slot`), the list row
is locked while planned, and the background pass runs only in the elected replica.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import structlog
from sqlmodel import Session, func, select

from controller import accounts, lifecycle, teams
from controller.config import Settings
from controller.deps import key_is_live
from controller.errors import ApiError
from controller.models import (
    Account,
    ApiKey,
    CyclicJob,
    CyclicList,
    CyclicPost,
    Job,
    JobEvent,
)
from controller.timeutil import utcnow
from controller.timezones import zone
from farmcore.vocab import AccountState, JobState

log = structlog.get_logger()
PERIOD_ENDED = "period_ended"
PERMISSIONS_BROKE = "permissions_broke"
TOO_FEW_POSTS = "too_few_posts"
PAUSED_BY_USER = "paused_by_user"
REASONS = (PERIOD_ENDED, PERMISSIONS_BROKE, TOO_FEW_POSTS, PAUSED_BY_USER)
ACTIVE, PAUSED, DELETED = "active", "paused", "deleted"
LEAD_S = 60  # a time planned for today is at least this far ahead of now
# jobs of a list that are not on a phone yet: a pause or a re-plan cancels them
UNSTARTED = (JobState.SCHEDULED, JobState.PENDING_APPROVAL, JobState.PAUSED)


@dataclass(frozen=True)
class Problem:
    """Why a list cannot run: one of the pause reasons and what to do about it."""

    reason: str
    detail: str


def actor(lst: CyclicList) -> str:
    return f"cyclic:{lst.id}"


def local_day(account: Account, now: datetime) -> date:
    """The account's calendar day at `now`."""
    return now.astimezone(zone(account.timezone)).date()


def _instant(day: date, wall: time, tz: ZoneInfo, *, later: bool) -> datetime:
    """The UTC instant of a wall-clock time on `day`. In a spring-forward gap the time does
    not exist: the start of a window moves to after the gap, its end to before it. In the
    repeated autumn hour the start takes the first occurrence, the end the second."""
    first = datetime.combine(day, wall, tzinfo=tz).replace(fold=0)
    second = first.replace(fold=1)
    a, b = first.astimezone(UTC), second.astimezone(UTC)
    if a.astimezone(tz).replace(tzinfo=None) != first.replace(tzinfo=None):
        # nonexistent: fold=0 reads it with the offset before the gap (a later instant)
        return min(a, b) if later else max(a, b)
    return max(a, b) if later else min(a, b)


def window_utc(day: date, start: time, end: time, tz_name: str) -> tuple[datetime, datetime]:
    """The window of `day` in the zone, as UTC instants (its length changes across DST)."""
    tz = zone(tz_name)
    return _instant(day, start, tz, later=False), _instant(day, end, tz, later=True)


def gap_seconds(account: Account, settings: Settings) -> int:
    """The account's pacing gap (its own, else the farm's), whole seconds."""
    gap, _cap = accounts.pacing(account, settings)
    return max(0, math.ceil(gap))


def _wall_seconds(start: time, end: time) -> int:
    return (end.hour * 3600 + end.minute * 60 + end.second) - (
        start.hour * 3600 + start.minute * 60 + start.second
    )


def live_posts(session: Session, lst: CyclicList) -> list[CyclicPost]:
    return list(
        session.exec(
            select(CyclicPost)
            .where(CyclicPost.list_id == lst.id, CyclicPost.removed == sa.false())
            .order_by(CyclicPost.id)  # type: ignore[arg-type]
        ).all()
    )


def problem(
    session: Session,
    lst: CyclicList,
    account: Account,
    settings: Settings,
    now: datetime,
    *,
    check_posts: bool = True,
) -> Problem | None:
    """The first reason the list cannot run now, or None."""
    today = local_day(account, now)
    if today > lst.end_date:
        return Problem(PERIOD_ENDED, f"the list's period ended on {lst.end_date.isoformat()}")
    if account.state != AccountState.ACTIVE:
        why = f": {account.state_reason}" if account.state_reason else ""
        return Problem(
            PERMISSIONS_BROKE,
            f"account {account.username} is {account.state}{why}; re-authenticate it, then resume",
        )
    if lst.api_key_id is not None:
        key = session.get(ApiKey, lst.api_key_id)
        if key is None or not key_is_live(key):
            return Problem(
                PERMISSIONS_BROKE,
                "the API key that made the list was revoked or expired (or its sub-user "
                "deleted); another key must make the list again",
            )
    if not check_posts:
        return None
    count = session.exec(
        select(func.count())
        .select_from(CyclicPost)
        .where(CyclicPost.list_id == lst.id, CyclicPost.removed == sa.false())
    ).one()
    if count < lst.posts_per_day:
        return Problem(
            TOO_FEW_POSTS,
            f"the list has {count} post(s) for {lst.posts_per_day} a day: add posts or lower "
            "posts_per_day",
        )
    gap = gap_seconds(account, settings)
    if (lst.posts_per_day - 1) * gap > _wall_seconds(lst.window_start, lst.window_end):
        return Problem(
            TOO_FEW_POSTS,
            f"{lst.posts_per_day} posts a day at least {gap / 60:g} min apart do not fit in "
            f"{lst.window_start:%H:%M}-{lst.window_end:%H:%M}: widen the window, lower "
            "posts_per_day or the account's pacing",
        )
    return None


def pick_times(
    rng: random.Random,
    lo: datetime,
    hi: datetime,
    count: int,
    gap: int,
    fixed: list[datetime] | None = None,
) -> list[datetime]:
    """Up to `count` random instants in [lo, hi] (whole seconds), at least `gap` seconds from
    each other and from the `fixed` ones; fewer when no more fit. Sorted."""
    start, end = math.ceil(lo.timestamp()), math.floor(hi.timestamp())
    if count <= 0 or end < start:
        return []
    segments = [(start, end)]
    for f in sorted(math.floor(x.timestamp()) for x in fixed or []):
        if gap <= 0:
            continue
        cut = []
        for s, t in segments:
            if s <= f + gap - 1 and t >= f - gap + 1:  # overlaps (f - gap, f + gap)
                if s <= f - gap:
                    cut.append((s, f - gap))
                if f + gap <= t:
                    cut.append((f + gap, t))
            else:
                cut.append((s, t))
        segments = cut
    capacity = [((t - s) // gap + 1) if gap > 0 else (t - s + 1) for s, t in segments]
    count = min(count, sum(capacity))
    counts = [0] * len(segments)
    for _ in range(count):
        open_ = [i for i in range(len(segments)) if counts[i] < capacity[i]]
        weights = [segments[i][1] - segments[i][0] + 1 for i in open_]
        counts[rng.choices(open_, weights=weights)[0]] += 1
    out: list[int] = []
    for (s, t), k in zip(segments, counts, strict=True):
        if not k:
            continue
        slack = (t - s) - (k - 1) * gap
        offsets = sorted(rng.randint(0, slack) for _ in range(k))
        out.extend(s + off + i * gap for i, off in enumerate(offsets))
    return [datetime.fromtimestamp(x, UTC) for x in sorted(out)]


def day_jobs(session: Session, lst: CyclicList, day: date) -> list[tuple[CyclicJob, Job]]:
    """The list's jobs of `day` that still count (not cancelled), by time."""
    rows = session.exec(
        select(CyclicJob, Job)
        .join(Job, Job.id == CyclicJob.job_id)  # type: ignore[arg-type]
        .where(
            CyclicJob.list_id == lst.id,
            CyclicJob.day == day,
            Job.state != JobState.CANCELLED,
        )
        .order_by(Job.scheduled_at, Job.id)  # type: ignore[arg-type]
    ).all()
    return [(cj, job) for cj, job in rows]


def needs_approval(session: Session, lst: CyclicList, account: Account) -> bool:
    """A list's jobs await approval as a job would: the account requires it, or the list was
    made by a team's sub-user without `direct_publish` (read at each planning)."""
    if account.approval_required:
        return True
    seat = teams.seat_of(session, lst.api_key_id) if lst.api_key_id is not None else None
    return seat is not None and not seat.direct_publish


def _make_job(
    session: Session,
    lst: CyclicList,
    account: Account,
    post: CyclicPost,
    day: date,
    when: datetime,
) -> Job:
    approval = needs_approval(session, lst, account)
    state = JobState.PENDING_APPROVAL if approval else JobState.SCHEDULED
    job = Job(
        kind=post.kind,
        account_id=account.id or 0,
        caption=post.caption,
        media_ids=list(post.media_ids),
        fit=post.fit,
        scheduled_at=when,
        timezone=account.timezone,
        state=state,
        approval_required=approval,
        api_key_id=lst.api_key_id,
        idempotency_key=f"cyclic:{lst.id}:{lst.revision}:{day.isoformat()}:{post.id}",
    )
    session.add(job)
    session.flush()
    session.add(
        CyclicJob(
            list_id=lst.id or 0,
            job_id=job.id or 0,
            post_id=post.id or 0,
            day=day,
            revision=lst.revision,
        )
    )
    session.add(
        JobEvent(
            job_id=job.id or 0,
            type="state",
            from_state=None,
            to_state=state,
            actor=actor(lst),
            reason=f"planned by cyclic list {lst.name!r} for {day.isoformat()}",
        )
    )
    return job


def plan_day(
    session: Session,
    lst: CyclicList,
    account: Account,
    posts: list[CyclicPost],
    day: date,
    now: datetime,
    gap: int,
    rng: random.Random,
) -> list[Job]:
    """Make the jobs `day` still lacks: random times in its window (after now + LEAD_S),
    spaced by `gap`, each post at most once that day (counting the day's jobs already made)."""
    lo, hi = window_utc(day, lst.window_start, lst.window_end, account.timezone)
    lo = max(lo, now + timedelta(seconds=LEAD_S))
    existing = day_jobs(session, lst, day)
    used = {cj.post_id for cj, _ in existing}
    available = [p for p in posts if p.id not in used]
    need = min(lst.posts_per_day - len(existing), len(available))
    times = pick_times(rng, lo, hi, need, gap, [job.scheduled_at for _, job in existing])
    chosen = rng.sample(available, len(times))
    return [
        _make_job(session, lst, account, post, day, when)
        for when, post in zip(times, chosen, strict=True)
    ]


def _rng_for(lst: CyclicList, day: date) -> random.Random:
    return random.Random(f"{lst.seed}:{lst.revision}:{day.isoformat()}")


def plan_list(
    session: Session,
    lst: CyclicList,
    settings: Settings,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> list[Job]:
    """Plan the days of an active list not planned yet (today's rest and tomorrow); a list
    that cannot run is paused instead. The caller holds the list's row lock."""
    now = now or utcnow()
    if lst.state != ACTIVE:
        return []
    account = session.get(Account, lst.account_id)
    assert account is not None
    today = local_day(account, now)
    tomorrow = today + timedelta(days=1)
    days = [
        d
        for d in (today, tomorrow)
        if lst.start_date <= d <= lst.end_date
        and (lst.last_planned_day is None or d > lst.last_planned_day)
    ]
    found = problem(session, lst, account, settings, now, check_posts=bool(days))
    if found is not None:
        pause(session, lst, found, now=now)
        return []
    made: list[Job] = []
    if days:
        posts = live_posts(session, lst)
        gap = gap_seconds(account, settings)
        for day in days:
            made += plan_day(session, lst, account, posts, day, now, gap, rng or _rng_for(lst, day))
    if lst.last_planned_day is None or lst.last_planned_day < tomorrow:
        lst.last_planned_day = tomorrow
        lst.updated_at = now
        session.add(lst)
    return made


def cancel_unstarted(session: Session, lst: CyclicList, reason: str) -> int:
    """Cancel the list's jobs not yet handed to a phone; returns how many."""
    jobs = session.exec(
        select(Job)
        .join(CyclicJob, CyclicJob.job_id == Job.id)  # type: ignore[arg-type]
        .where(CyclicJob.list_id == lst.id, Job.state.in_(UNSTARTED))  # type: ignore[attr-defined]
        .order_by(Job.id)  # type: ignore[arg-type]
        .with_for_update()
    ).all()
    for job in jobs:
        lifecycle.move(session, job, JobState.CANCELLED, actor=actor(lst), reason=reason)
    return len(jobs)


def pause(session: Session, lst: CyclicList, why: Problem, *, now: datetime | None = None) -> None:
    """Pause the list for `why` and cancel its jobs not yet on a phone."""
    lst.state = PAUSED
    lst.pause_reason = why.reason
    lst.pause_detail = why.detail[:300]
    lst.updated_at = now or utcnow()
    session.add(lst)
    cancel_unstarted(session, lst, f"cyclic list paused: {why.reason}")


def replan(
    session: Session,
    lst: CyclicList,
    settings: Settings,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> list[Job]:
    """Drop the list's jobs not yet on a phone and plan today's rest and tomorrow again
    (a new revision: the day's jobs already published still count)."""
    now = now or utcnow()
    cancel_unstarted(session, lst, "cyclic list re-planned")
    lst.revision += 1
    lst.last_planned_day = None
    lst.updated_at = now
    session.add(lst)
    session.flush()
    return plan_list(session, lst, settings, now, rng)


def resume(
    session: Session,
    lst: CyclicList,
    settings: Settings,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> list[Job]:
    """Re-check the pause reasons (409 `cyclic_<reason>` if one still holds), then re-plan."""
    now = now or utcnow()
    account = session.get(Account, lst.account_id)
    assert account is not None
    found = problem(session, lst, account, settings, now)
    if found is not None:
        raise ApiError(409, f"cyclic_{found.reason}", found.detail)
    lst.state, lst.pause_reason, lst.pause_detail = ACTIVE, "", ""
    return replan(session, lst, settings, now, rng)


def changed(
    session: Session, lst: CyclicList, settings: Settings, now: datetime | None = None
) -> None:
    """After an edit of the list or its posts: an active list re-plans; one paused for too few
    posts resumes by itself once it has enough."""
    now = now or utcnow()
    if lst.state == ACTIVE:
        replan(session, lst, settings, now)
    elif lst.state == PAUSED and lst.pause_reason == TOO_FEW_POSTS:
        account = session.get(Account, lst.account_id)
        assert account is not None
        if problem(session, lst, account, settings, now) is None:
            lst.state, lst.pause_reason, lst.pause_detail = ACTIVE, "", ""
            replan(session, lst, settings, now)


def locked(session: Session, list_id: int) -> CyclicList | None:
    """The list with its row locked (PostgreSQL), so two planners never plan it at once."""
    return session.exec(
        select(CyclicList).where(CyclicList.id == list_id).with_for_update()
    ).first()


def _due(
    start: date, end: date, planned: date | None, tz_name: str, account_state: str, now: datetime
) -> bool:
    """Does a list need the planner now: a day to plan, or a reason to pause?"""
    today = now.astimezone(zone(tz_name)).date()
    if today > end or account_state != AccountState.ACTIVE:
        return True
    return any(
        start <= d <= end and (planned is None or d > planned)
        for d in (today, today + timedelta(days=1))
    )


def run_pass(
    session: Session,
    settings: Settings,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> int:
    """The background pass: plan (or pause) every active list that needs it; returns the jobs
    made. One read of the active lists finds those; each is then planned and committed on
    its own, its row locked meanwhile (a row another planner holds is skipped)."""
    now = now or utcnow()
    rows = session.exec(
        select(
            CyclicList.id,
            CyclicList.start_date,
            CyclicList.end_date,
            CyclicList.last_planned_day,
            Account.timezone,
            Account.state,
        )
        .join(Account, Account.id == CyclicList.account_id)  # type: ignore[arg-type]
        .where(CyclicList.state == ACTIVE)
        .order_by(CyclicList.id)  # type: ignore[arg-type]
    ).all()
    made = 0
    for list_id, start, end, planned, tz_name, account_state in rows:
        if not _due(start, end, planned, tz_name, account_state, now):
            continue
        try:
            lst = session.exec(
                select(CyclicList)
                .where(CyclicList.id == list_id, CyclicList.state == ACTIVE)
                .with_for_update(skip_locked=True)
            ).first()
            if lst is not None:
                count = len(plan_list(session, lst, settings, now, rng))
                session.commit()  # each list on its own: its lock is held only while planned
                made += count
        except sa.exc.IntegrityError:
            # another planner made the same slot first (uq_cyclic_job_slot): nothing to add
            session.rollback()
            log.info("cyclic_plan_raced", list_id=list_id)
    return made


def cyclic_refs(session: Session, job_ids: list[int]) -> dict[int, int]:
    """job id -> the cyclic list that made it, for the jobs among `job_ids` a list made."""
    if not job_ids:
        return {}
    rows = session.exec(
        select(CyclicJob.job_id, CyclicJob.list_id).where(CyclicJob.job_id.in_(job_ids))  # type: ignore[attr-defined]
    ).all()
    return dict(rows)
