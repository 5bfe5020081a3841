"""Best time to post: when an account's audience is active, and the hour a "best" job gets.

Where the activity comes from, best first:
1. `insights`: the app's "Most active times" (Insights of a professional account), read on the
   account's phone by an insights lease (`flows/insights.py`) and stored in `AudienceActivity`;
2. `estimate`: the engagement of the account's own published posts, per local hour and weekday
   (`estimate`, a pure function);
3. `default`: no data at all: a curve peaking at `Settings.best_time_default_hour` (18:00 local).

Hours are local to the account's time zone (the phone shows Insights in its own time, which is
the account's); weekdays count from Monday (0). A job submitted with `scheduled_at: "best"` is
resolved here once, at submission, to the top of the best local hour in its range that is not
in the past and keeps the account's pacing (minimum gap, daily cap) against its other jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from controller import accounts
from controller.config import Settings
from controller.errors import ApiError
from controller.models import Account, AudienceActivity, Job
from controller.timeutil import utcnow
from farmcore.vocab import AudienceSource, JobState

HOURS = 24
DAYS = 7
DEFAULT_RANGE = timedelta(days=7)  # "best" with no range: within the coming week
LEAD = timedelta(minutes=5)  # the earliest candidate is at least this far ahead
HISTORY = timedelta(days=90)  # posts older than this say little about the audience now
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Activity:
    """Relative activity per local hour (24) and weekday (7, Monday first), 0–100."""

    by_hour: list[float]
    by_weekday: list[float]
    source: AudienceSource
    read_at: datetime | None = None
    note: str = ""


# --- pure functions ----------------------------------------------------------------------------


def _scaled(values: list[float]) -> list[float]:
    """The values scaled so that the largest is 100 (all zero stays all zero)."""
    top = max(values, default=0.0)
    if top <= 0:
        return [0.0 for _ in values]
    return [round(100.0 * v / top, 2) for v in values]


def estimate(posts: Iterable[tuple[datetime, float]], tz: ZoneInfo) -> Activity | None:
    """The audience's activity guessed from the account's published posts: each post weighs its
    engagement at its local hour (half of it at the neighbouring hours: people come a little
    before and after) and at its local weekday. None when nothing has any engagement."""
    by_hour = [0.0] * HOURS
    by_weekday = [0.0] * DAYS
    total = 0.0
    for published_at, engagement in posts:
        weight = float(engagement)
        if weight <= 0:
            continue
        local = published_at.astimezone(tz)
        by_hour[local.hour] += weight
        by_hour[(local.hour - 1) % HOURS] += weight / 2
        by_hour[(local.hour + 1) % HOURS] += weight / 2
        by_weekday[local.weekday()] += weight
        total += weight
    if total <= 0:
        return None
    return Activity(_scaled(by_hour), _scaled(by_weekday), AudienceSource.ESTIMATE)


def default_activity(hour: int) -> Activity:
    """No data at all: activity falls off linearly with the distance (around the clock) from
    `hour`, every weekday alike."""
    by_hour = [float(HOURS // 2 - min((h - hour) % HOURS, (hour - h) % HOURS)) for h in range(24)]
    return Activity(_scaled(by_hour), [100.0] * DAYS, AudienceSource.DEFAULT)


def score(activity: Activity, local: datetime) -> float:
    """How good a local hour is: its hour's activity, weighted by its weekday's (the hour
    dominates; a quiet weekday halves it at most)."""
    top_hour = max(activity.by_hour, default=0.0) or 1.0
    top_day = max(activity.by_weekday, default=0.0) or 1.0
    hour = activity.by_hour[local.hour] / top_hour
    day = activity.by_weekday[local.weekday()] / top_day
    return hour * (0.5 + 0.5 * day)


def candidates(tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The tops of the local hours in [start, end), as UTC times (a local hour skipped by a
    clock change is left out; a repeated one counts once)."""
    local = start.astimezone(tz).replace(tzinfo=None)
    wall = local.replace(minute=0, second=0, microsecond=0)
    if wall < local:
        wall += timedelta(hours=1)
    out: list[datetime] = []
    seen: set[datetime] = set()
    while True:
        aware = wall.replace(tzinfo=tz, fold=0)
        utc = aware.astimezone(UTC)
        if utc >= end:
            break
        exists = utc.astimezone(tz).replace(tzinfo=None) == wall
        if exists and utc >= start and utc not in seen:
            out.append(utc)
            seen.add(utc)
        wall += timedelta(hours=1)
    return out


def choose(
    activity: Activity,
    tz: ZoneInfo,
    start: datetime,
    end: datetime,
    blocked: Callable[[datetime], bool] = lambda _: False,
) -> datetime | None:
    """The best candidate hour in [start, end) (UTC) not `blocked`; the earliest of equals.
    If pacing blocks every hour, the best hour regardless (the dispatcher still paces it).
    None when the range holds no hour at all."""
    hours = candidates(tz, start, end)
    if not hours:
        return None
    free = [h for h in hours if not blocked(h)] or hours
    return max(free, key=lambda h: (score(activity, h.astimezone(tz)), -h.timestamp()))


# --- reading and storing -------------------------------------------------------------------


def _engagement(session: Session, account_id: int) -> dict[int, int]:
    """Engagement of the account's published jobs (job id → likes + comments + …).

    MERGE POINT: wire to `controller.post_stats.engagement_by_job(session, account_id, since)`
    when post statistics land. Until then {}: every published post weighs 1 (posting history
    as a weak signal)."""
    return {}


def published_posts(
    session: Session, account: Account, now: datetime
) -> list[tuple[datetime, float]]:
    """(published_at, engagement) of the account's posts of the last `HISTORY`."""
    jobs = session.exec(
        select(Job.id, Job.published_at).where(
            Job.account_id == account.id,
            Job.state == JobState.PUBLISHED,
            Job.published_at >= now - HISTORY,  # type: ignore[operator]
        )
    ).all()
    engagement = _engagement(session, account.id or 0)
    return [(at, float(engagement.get(job_id or 0, 1))) for job_id, at in jobs if at is not None]


def stored(session: Session, account: Account) -> AudienceActivity | None:
    return session.exec(
        select(AudienceActivity).where(AudienceActivity.account_id == account.id)
    ).first()


def activity_for(
    session: Session, account: Account, settings: Settings, now: datetime | None = None
) -> Activity:
    """The best knowledge of the account's audience: its Insights reading, else the estimate
    from its posts (computed now, so it follows the latest posts), else the default."""
    now = now or utcnow()
    row = stored(session, account)
    if row is not None and row.source == AudienceSource.INSIGHTS and row.by_hour and row.by_weekday:
        return Activity(
            list(row.by_hour),
            list(row.by_weekday),
            AudienceSource.INSIGHTS,
            row.read_at,
            row.note,
        )
    tz = ZoneInfo(account.timezone)
    guess = estimate(published_posts(session, account, now), tz)
    note = row.note if row is not None else ""
    if guess is not None:
        return Activity(guess.by_hour, guess.by_weekday, guess.source, now, note)
    fallback = default_activity(settings.best_time_default_hour)
    return Activity(fallback.by_hour, fallback.by_weekday, fallback.source, None, note)


def _row(session: Session, account: Account) -> AudienceActivity:
    row = stored(session, account)
    if row is None:
        row = AudienceActivity(account_id=account.id or 0)
        session.add(row)
    return row


def store_reading(
    session: Session, account: Account, by_hour: list[float], by_weekday: list[float]
) -> AudienceActivity:
    """The phone read the app's Most active times. Caller commits."""
    row = _row(session, account)
    row.source = AudienceSource.INSIGHTS
    row.by_hour = _scaled([float(v) for v in by_hour])
    row.by_weekday = _scaled([float(v) for v in by_weekday])
    row.read_at = utcnow()
    row.note = ""
    row.refresh_requested_at = None
    session.add(row)
    return row


def store_unavailable(
    session: Session, account: Account, settings: Settings, note: str
) -> AudienceActivity:
    """The app shows no Insights for the account: keep the estimate (or nothing, for the
    default) and do not ask the phone again before the refresh interval. Caller commits."""
    row = _row(session, account)
    now = utcnow()
    guess = estimate(published_posts(session, account, now), ZoneInfo(account.timezone))
    row.source = AudienceSource.ESTIMATE if guess is not None else AudienceSource.DEFAULT
    row.by_hour = guess.by_hour if guess is not None else None
    row.by_weekday = guess.by_weekday if guess is not None else None
    row.read_at = now
    row.note = note[:300]
    row.refresh_requested_at = None
    session.add(row)
    return row


def mark_attempted(session: Session, account: Account) -> None:
    """An insights lease opened for the account (a lost one is tried again only later)."""
    row = _row(session, account)
    row.attempted_at = utcnow()
    session.add(row)


def request_refresh(session: Session, account: Account) -> AudienceActivity:
    """Ask for a new reading on the account's phone (like a login request): the dispatcher
    opens an insights lease when the phone is idle and nothing is due soon."""
    row = _row(session, account)
    row.refresh_requested_at = utcnow()
    session.add(row)
    return row


# --- resolving "best" ----------------------------------------------------------------------


def _range(
    tz: ZoneInfo, within: date | tuple[datetime, datetime] | None, now: datetime
) -> tuple[datetime, datetime]:
    """[start, end) in UTC: a local day, a given range, or the coming week; never before
    `now + LEAD`."""
    earliest = now + LEAD
    if within is None:
        return earliest, earliest + DEFAULT_RANGE
    if isinstance(within, tuple):
        start, end = within
    else:
        start = datetime.combine(within, time(0), tzinfo=tz).astimezone(UTC)
        end = datetime.combine(within + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    if end <= start:
        raise ApiError(422, "invalid_best_within", "best_within ends before it starts")
    return max(start, earliest), end


def _pacing_blocker(
    session: Session, account: Account, settings: Settings, tz: ZoneInfo
) -> Callable[[datetime], bool]:
    """True for an hour too close to another job of the account, or on a local day that
    already has the daily cap of jobs."""
    gap_s, cap = accounts.pacing(account, settings)
    if gap_s <= 0 and cap <= 0:
        return lambda _: False
    planned = [
        at
        for (at,) in session.execute(
            select(Job.scheduled_at).where(
                Job.account_id == account.id,
                Job.state.in_(  # type: ignore[attr-defined]
                    (JobState.SCHEDULED, JobState.PENDING_APPROVAL, JobState.PAUSED)
                ),
            )
        ).all()
    ]
    per_day: dict[date, int] = {}
    for at in planned:
        day = at.astimezone(tz).date()
        per_day[day] = per_day.get(day, 0) + 1

    def blocked(when: datetime) -> bool:
        if cap > 0 and per_day.get(when.astimezone(tz).date(), 0) >= cap:
            return True
        return gap_s > 0 and any(abs((when - at).total_seconds()) < gap_s for at in planned)

    return blocked


def resolve(
    session: Session,
    account: Account,
    settings: Settings,
    within: date | tuple[datetime, datetime] | None = None,
    now: datetime | None = None,
) -> tuple[datetime, AudienceSource]:
    """The UTC time a "best" job of the account gets, and where its activity came from."""
    now = now or utcnow()
    tz = ZoneInfo(account.timezone)
    start, end = _range(tz, within, now)
    activity = activity_for(session, account, settings, now)
    chosen = choose(activity, tz, start, end, _pacing_blocker(session, account, settings, tz))
    if chosen is None:
        raise ApiError(
            422,
            "best_within_past",
            "best_within has no whole hour left in the future to post at",
        )
    return chosen, activity.source
