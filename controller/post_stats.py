"""Post statistics: the counters (likes, comments, views) of an account's posts, read on its
phone by a `stats` lease, stored in `PostStat`, matched to the farm's published jobs, and
summarised for the API, the CLI, the console and the CSV export.

Every reading is kept (one row per post per reading): a post's history shows how its
engagement grows after publishing, and it costs little (`stats_max_posts` rows per account
every `stats_interval_s`). Summaries and `engagement_by_job` use the latest reading per post.

A reading names its post by `post_ref` (a hash of the caption's head, see `flows.stats`); it
is matched to a published job of the account whose caption head (the job's marker, its first
60 characters, the same the verification flow looks for) is in the caption the phone showed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import structlog
from sqlmodel import Session, func, select

from controller import accounts
from controller.errors import ApiError
from controller.models import Account, Job, Lease, PostStat
from controller.timeutil import utcnow
from farmcore.codes import FLOW_CODES
from farmcore.protocol import CompleteIn, PostReadingIn
from farmcore.vocab import JobState, LeasePurpose, LeaseState, Outcome, PostKind

log = structlog.get_logger()
MARKER_CHARS = 60  # the job's marker: its caption's first 60 characters (controller.leases)
VIEWS_WEIGHT = 0.05  # a view says less than a like: 20 plays count as one engagement
TOP_POSTS = 5
CSV_COLUMNS = (
    "read_at",
    "account",
    "job_id",
    "kind",
    "post_ref",
    "caption",
    "posted_at",
    "likes",
    "comments",
    "views",
)
# a spreadsheet runs a cell starting with one of these as a formula (CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def engagement(likes: int | None, comments: int | None, views: int | None) -> int:
    """One number for a post: likes + comments + views weighted low."""
    return (likes or 0) + (comments or 0) + round((views or 0) * VIEWS_WEIGHT)


# --- storing readings ------------------------------------------------------------------------


STORY_SKEW = timedelta(minutes=2)  # phone clock vs the controller's, and the posting delay


def _story_unit(age_s: int) -> int:
    """The resolution of a story's age as the viewer writes it (`5m`, `3h`)."""
    return 60 if age_s < 3600 else 3600 if age_s < 86400 else 86400


def _match_story(
    reading: PostReadingIn, jobs: list[Job], taken: set[int], now: datetime
) -> Job | None:
    """The story job published when the viewer's age says (it has no caption): the age has
    the unit's resolution, so the item went out between `now - age - unit` and `now - age`."""
    if reading.age_s is None:
        return None
    newest = now - timedelta(seconds=reading.age_s) + STORY_SKEW
    oldest = newest - timedelta(seconds=_story_unit(reading.age_s)) - 2 * STORY_SKEW
    fits = [
        j
        for j in jobs
        if j.kind == PostKind.STORY
        and j.id not in taken
        and j.published_at is not None
        and oldest <= j.published_at <= newest
    ]
    return min(fits, key=lambda j: (j.published_at, j.id or 0)) if fits else None


def _match_jobs(
    session: Session, account_id: int, readings: list[PostReadingIn], now: datetime
) -> dict[int, Job]:
    """{index of a reading: the published job it shows}, one job per reading at most."""
    jobs = list(
        session.exec(
            select(Job)
            .where(Job.account_id == account_id, Job.state == JobState.PUBLISHED)
            .order_by(Job.published_at.desc(), Job.id.desc())  # type: ignore[union-attr]
        ).all()
    )
    taken: set[int] = set()
    out: dict[int, Job] = {}
    for i, reading in enumerate(readings):
        if reading.kind == PostKind.STORY:
            story = _match_story(reading, jobs, taken, now)
            if story is not None:
                out[i] = story
                taken.add(story.id or 0)
            continue
        shown = _norm(reading.caption)
        if not shown:
            continue
        for job in jobs:
            marker = _norm(job.caption.strip()[:MARKER_CHARS])
            if job.kind == PostKind.STORY or job.id in taken or not marker:
                continue
            if job.kind != _job_kind(reading.kind, job.kind):
                continue
            if marker in shown:
                out[i] = job
                taken.add(job.id or 0)
                break
    return out


def _job_kind(reading_kind: str, job_kind: str) -> str:
    """A grid shows a video feed post and a reel alike in some builds: accept either."""
    if {reading_kind, job_kind} <= {PostKind.FEED, PostKind.REEL}:
        return job_kind
    return reading_kind


def _ref(reading: PostReadingIn, job: Job | None) -> str:
    if job is not None and reading.kind == PostKind.STORY:
        return f"s:job{job.id}"
    return reading.post_ref


def record(
    session: Session,
    account: Account,
    readings: list[PostReadingIn],
    *,
    lease_token: int | None = None,
    now: datetime | None = None,
) -> list[PostStat]:
    """Store one reading per post, matched to the account's published jobs. Caller commits."""
    now = now or utcnow()
    matched = _match_jobs(session, account.id or 0, readings, now)
    rows = []
    for i, reading in enumerate(readings):
        job = matched.get(i)
        row = PostStat(
            account_id=account.id or 0,
            job_id=job.id if job is not None else None,
            kind=reading.kind,
            # a story has no caption: once matched, its job names it across readings
            post_ref=_ref(reading, job),
            caption=reading.caption[:200],
            posted_at=job.published_at if job is not None else None,
            likes=reading.likes,
            comments=reading.comments,
            views=reading.views,
            read_at=now,
            lease_token=lease_token,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def complete_stats_lease(
    session: Session,
    lease: Lease,
    body: CompleteIn,
    close: Callable[[Session, Lease], None],
) -> tuple[None, str]:
    """A stats lease's outcome: the readings are stored (`stats_read`), or the failure is
    logged (an account-level code holds the account, as a verification's does). Returns
    (None, the account's state). A repeated completion changes nothing."""
    account = session.get(Account, lease.account_id)
    if account is None:
        raise ApiError(404, "account_not_found", "the account of this stats lease is gone")
    if body.outcome not in (Outcome.STATS_READ, Outcome.FAILED):
        raise ApiError(422, "invalid_outcome", f"{body.outcome} does not settle a stats lease")
    if lease.state == LeaseState.DONE:  # the agent re-sends an outcome it got no answer for
        stored = session.exec(
            select(func.count()).select_from(PostStat).where(PostStat.lease_token == lease.token)
        ).one()
        if (stored > 0) != (body.outcome == Outcome.STATS_READ and bool(body.readings)):
            raise ApiError(409, "stale_lease", f"lease {lease.token} was already settled")
        return None, account.state
    if lease.state != LeaseState.ACTIVE:
        raise ApiError(409, "stale_lease", f"lease {lease.token} is no longer current")
    close(session, lease)  # done, its phone idle again (controller.leases owns how)
    if body.outcome == Outcome.STATS_READ:
        rows = record(session, account, body.readings, lease_token=lease.token)
        log.info(
            "stats_read",
            account=account.username,
            posts=len(rows),
            matched=sum(1 for r in rows if r.job_id is not None),
        )
    else:
        kind = FLOW_CODES.get(body.error_code or "")
        if kind is not None and kind.holds_account is not None:
            why = f"{kind.code}: {body.error_message or kind.description}"
            accounts.hold(session, account, kind.holds_account, why)
        log.warning("stats_failed", account=account.username, error_code=body.error_code)
    return None, account.state


# --- reading them back -----------------------------------------------------------------------


def _latest_ids(where: Iterable[sa.ColumnElement[bool]], by: sa.ColumnElement) -> sa.Select:
    """The ids of the latest reading per `by` among the rows matching `where`."""
    return select(func.max(PostStat.id)).where(*where).group_by(by)


def engagement_by_job(session: Session, account_id: int, since: datetime) -> dict[int, int]:
    """{job id: engagement} for the account's jobs published at or after `since`, from each
    job's latest reading (likes + comments + views weighted low, see `engagement`)."""
    latest = _latest_ids(
        [
            PostStat.account_id == account_id,
            PostStat.job_id.is_not(None),  # type: ignore[union-attr]
            PostStat.posted_at >= since,  # type: ignore[operator]
        ],
        PostStat.job_id,  # type: ignore[arg-type]
    )
    rows = session.exec(select(PostStat).where(PostStat.id.in_(latest))).all()  # type: ignore[union-attr]
    return {r.job_id: engagement(r.likes, r.comments, r.views) for r in rows if r.job_id}


def job_history(session: Session, job_id: int) -> list[PostStat]:
    """Every reading of a job's post, oldest first."""
    return list(
        session.exec(
            select(PostStat)
            .where(PostStat.job_id == job_id)
            .order_by(PostStat.read_at, PostStat.id)  # type: ignore[arg-type]
        ).all()
    )


def latest_per_post(session: Session, account_id: int) -> list[PostStat]:
    """The latest reading of each post of the account, newest reading first."""
    latest = _latest_ids([PostStat.account_id == account_id], PostStat.post_ref)  # type: ignore[arg-type]
    return list(
        session.exec(
            select(PostStat)
            .where(PostStat.id.in_(latest))  # type: ignore[union-attr]
            .order_by(PostStat.read_at.desc(), PostStat.id)  # type: ignore[attr-defined]
        ).all()
    )


@dataclass
class KindTotals:
    posts: int = 0
    likes: int = 0
    comments: int = 0
    views: int = 0

    def add(self, row: PostStat) -> None:
        self.posts += 1
        self.likes += row.likes or 0
        self.comments += row.comments or 0
        self.views += row.views or 0


def summary(session: Session, account: Account) -> dict:
    """Totals, totals per kind and the top posts, from the latest reading of each post."""
    rows = latest_per_post(session, account.id or 0)
    total = KindTotals()
    per_kind: dict[str, KindTotals] = {}
    for row in rows:
        total.add(row)
        per_kind.setdefault(row.kind, KindTotals()).add(row)
    top = sorted(rows, key=lambda r: (-engagement(r.likes, r.comments, r.views), r.id or 0))
    return {
        "account": account.username,
        "last_read_at": max((r.read_at for r in rows), default=None),
        "totals": vars(total),
        "per_kind": {k: vars(v) for k, v in sorted(per_kind.items())},
        "top_posts": top[:TOP_POSTS],
        "posts": rows,
    }


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting with =, +, -, @, a tab or a carriage
    return is prefixed with a single quote, so it is never run as a formula."""
    text = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_export(session: Session, account: Account) -> str:
    """Every reading of the account's posts, oldest first, as CSV (formula-safe cells)."""
    rows = session.exec(
        select(PostStat)
        .where(PostStat.account_id == account.id)
        .order_by(PostStat.read_at, PostStat.id)  # type: ignore[arg-type]
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        values = (
            r.read_at,
            account.username,
            r.job_id,
            r.kind,
            r.post_ref,
            r.caption,
            r.posted_at,
            r.likes,
            r.comments,
            r.views,
        )
        writer.writerow([csv_cell(v) for v in values])
    return out.getvalue()


# --- when a phone reads them (the dispatcher) ------------------------------------------------


def last_reads(session: Session, account_ids: list[int]) -> dict[int, datetime]:
    """{account id: when its last stats lease was opened} (any outcome: a failed reading
    waits for the interval too, instead of being retried at every idle moment)."""
    if not account_ids:
        return {}
    rows = session.execute(
        select(Lease.account_id, func.max(Lease.created_at))
        .where(
            Lease.account_id.in_(account_ids),  # type: ignore[union-attr]
            Lease.purpose == LeasePurpose.STATS,
        )
        .group_by(Lease.account_id)
    ).all()
    return {a: t for a, t in rows if a is not None}
