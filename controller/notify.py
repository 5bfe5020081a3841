"""Wakeups between transactions, threads and replicas.

- A transaction that opens a lease for an agent (`lease_opened`) or changes what may be
  dispatched (`work_changed`: a job scheduled, a lease ended) records it in its session; when
  it commits, the waiting long-poll claims of that agent and the dispatcher loop wake. On
  PostgreSQL the wakeup is a `NOTIFY igfarm_wake` sent inside the transaction (delivered at
  commit, to every replica's listener); on SQLite it is an in-process event.
- `DispatchLoop` runs the dispatcher's pass in a background thread of every replica: right
  away when woken, when the next job falls due, and at least every dispatch interval.
- `Leader` elects one replica for the passes that must not run twice (sweep, webhooks,
  approvals, offline devices) with a PostgreSQL session advisory lock; a replica that dies
  releases it with its connection, and another takes over at its next tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import weakref
from collections import defaultdict
from collections.abc import Callable

import anyio
import sqlalchemy as sa
import structlog
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from controller.models import Job
from farmcore.vocab import JobState

log = structlog.get_logger()
CHANNEL = "igfarm_wake"
LEADER_LOCK_KEY = 0x1F4A_2D10  # pg advisory lock id of the background-pass leader
_AGENTS = "igfarm_wake_agents"
_DISPATCH = "igfarm_wake_dispatch"


class Wakeups:
    """What one controller process wakes: long-poll claims per agent and its dispatch loop."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self._generation: dict[int, int] = defaultdict(int)
        self._events: dict[int, asyncio.Event] = {}
        self.dispatch = threading.Event()

    # --- the event loop side (claims) ------------------------------------------------------

    def bind_loop(self) -> None:
        self.loop = asyncio.get_running_loop()

    def generation(self, agent_id: int) -> int:
        return self._generation[agent_id]

    async def wait(self, agent_id: int, since: int, timeout: float) -> bool:
        """Until the agent is woken after generation `since`, or `timeout`; True if woken."""
        if self._generation[agent_id] != since:
            return True
        ev = self._events.get(agent_id)
        if ev is None:
            ev = self._events[agent_id] = asyncio.Event()
        with anyio.move_on_after(timeout):
            await ev.wait()
        return self._generation[agent_id] != since

    def _wake_agents(self, agent_ids: list[int]) -> None:
        for agent_id in agent_ids:
            self._generation[agent_id] += 1
            ev = self._events.pop(agent_id, None)
            if ev is not None:
                ev.set()

    def wake_all(self) -> None:
        """Shutdown: every waiting claim answers now."""
        self._deliver(list(self._events))

    # --- any thread ---------------------------------------------------------------------------

    def _deliver(self, agent_ids: list[int]) -> None:
        if not agent_ids or self.loop is None or self.loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            self.loop.call_soon_threadsafe(self._wake_agents, agent_ids)

    def on_commit(self, agent_ids: list[int], dispatch: bool) -> None:
        self._deliver(agent_ids)
        if dispatch:
            self.dispatch.set()

    def on_payload(self, payload: str) -> None:
        """A NOTIFY from any replica: `d` wakes the dispatcher, `a:1,2` the agents' claims."""
        agents: list[int] = []
        for part in payload.split(";"):
            if part == "d":
                self.dispatch.set()
            elif part.startswith("a:"):
                agents += [int(x) for x in part[2:].split(",") if x.isdigit()]
        self._deliver(agents)


_registry: weakref.WeakKeyDictionary[sa.Engine, Wakeups] = weakref.WeakKeyDictionary()


def attach(engine: sa.Engine) -> Wakeups:
    """The wakeups of the process for the transactions of `engine`."""
    wakeups = _registry.get(engine)
    if wakeups is None:
        wakeups = _registry[engine] = Wakeups()
    return wakeups


# --- recording in a transaction ------------------------------------------------------------


def lease_opened(session: OrmSession, agent_id: int) -> None:
    session.info.setdefault(_AGENTS, set()).add(agent_id)


def work_changed(session: OrmSession) -> None:
    session.info[_DISPATCH] = True


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _ctx: object) -> None:
    if session.info.get(_DISPATCH):
        return
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Job) and obj.state in (JobState.SCHEDULED, JobState.UNKNOWN):
            session.info[_DISPATCH] = True
            return


def _engine_of(session: OrmSession) -> sa.Engine | None:
    try:
        bind = session.get_bind()
    except Exception:
        return None
    return bind if isinstance(bind, sa.Engine) else getattr(bind, "engine", None)


@event.listens_for(OrmSession, "before_commit")
def _before_commit(session: OrmSession) -> None:
    session.flush()  # the final flush, so `after_flush` has seen every job
    agents = sorted(session.info.get(_AGENTS) or ())
    dispatch = bool(session.info.get(_DISPATCH))
    if not agents and not dispatch:
        return
    engine = _engine_of(session)
    if engine is None or engine.dialect.name != "postgresql":
        return
    parts = (["d"] if dispatch else []) + ([f"a:{','.join(map(str, agents))}"] if agents else [])
    session.execute(sa.text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": ";".join(parts)})


@event.listens_for(OrmSession, "after_commit")
def _after_commit(session: OrmSession) -> None:
    agents = sorted(session.info.pop(_AGENTS, None) or ())
    dispatch = bool(session.info.pop(_DISPATCH, False))
    if not agents and not dispatch:
        return
    engine = _engine_of(session)
    wakeups = _registry.get(engine) if engine is not None else None
    if wakeups is not None:
        wakeups.on_commit(agents, dispatch)


@event.listens_for(OrmSession, "after_soft_rollback")
def _after_rollback(session: OrmSession, _previous: object) -> None:
    session.info.pop(_AGENTS, None)
    session.info.pop(_DISPATCH, None)


# --- threads -------------------------------------------------------------------------------


class Listener(threading.Thread):
    """PostgreSQL only: LISTEN on the wake channel and hand each payload to the wakeups."""

    def __init__(self, url: str, wakeups: Wakeups) -> None:
        super().__init__(name="pg-listen", daemon=True)
        self.url = url
        self.wakeups = wakeups
        self.stop = threading.Event()

    def run(self) -> None:
        import psycopg

        url = self.url.replace("postgresql+psycopg://", "postgresql://")
        delay = 0.5
        while not self.stop.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    delay = 0.5
                    # a wakeup lost while reconnecting is made up by the dispatcher's own timer
                    self.wakeups.dispatch.set()
                    while not self.stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            self.wakeups.on_payload(note.payload)
            except Exception as exc:
                if self.stop.is_set():
                    return
                log.warning("listen_failed", error=str(exc)[:200], retry_in=delay)
                self.stop.wait(delay)
                delay = min(delay * 2, 10)


class DispatchLoop(threading.Thread):
    """The dispatcher's pass in the background: when woken (a job scheduled, a lease ended, a
    NOTIFY from another replica), when the next job falls due, and every `interval` at least."""

    MIN_GAP_S = 0.05  # passes woken in a burst are coalesced

    def __init__(self, engine: sa.Engine, settings: object, wakeups: Wakeups) -> None:
        super().__init__(name="dispatcher", daemon=True)
        self.engine = engine
        self.settings = settings
        self.wakeups = wakeups
        self.stop = threading.Event()
        self.passes = 0

    def run(self) -> None:
        from controller import dispatcher
        from controller.db import session_scope
        from controller.timeutil import utcnow

        interval = float(getattr(self.settings, "dispatch_interval_s", 1.0))
        reads_at = 0.0  # when this loop's pass last handed out phone reads
        while not self.stop.is_set():
            self.wakeups.dispatch.clear()
            delay = interval
            try:
                reads = time.monotonic() - reads_at >= dispatcher.READS_EVERY_S
                if reads:
                    reads_at = time.monotonic()
                with session_scope(self.engine) as session:
                    result = dispatcher.run_pass(session, self.settings, reads=reads)  # type: ignore[arg-type]
                with session_scope(self.engine) as session:
                    due = dispatcher.next_due(session)
                self.passes += 1
                if result.skipped:
                    delay = 0.05
                if due is not None:
                    delay = min(delay, max(0.0, (due - utcnow()).total_seconds()) + 0.002)
            except Exception:
                log.exception("background_job_failed", job="dispatch")
            time.sleep(self.MIN_GAP_S)
            if not self.stop.is_set():
                self.wakeups.dispatch.wait(delay)

    def close(self) -> None:
        self.stop.set()
        self.wakeups.dispatch.set()
        self.join(timeout=10)


class Leader:
    """Who runs the passes that must run once per farm. SQLite: this process (one host).
    PostgreSQL: the replica holding the session advisory lock `LEADER_LOCK_KEY`."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._conn: sa.Connection | None = None
        self._lock = threading.Lock()

    def is_leader(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            return True
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = self.engine.connect().execution_options(
                        isolation_level="AUTOCOMMIT"
                    )
                held = self._conn.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        "AND pid = pg_backend_pid() AND objid = :k AND granted"
                    ),
                    {"k": LEADER_LOCK_KEY},
                ).scalar_one()
                if held:
                    return True
                got = self._conn.execute(
                    sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": LEADER_LOCK_KEY}
                ).scalar_one()
                if got:
                    log.info("leader_elected")
                return bool(got)
            except Exception as exc:
                log.warning("leader_check_failed", error=str(exc)[:200])
                self._drop()
                return False

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.invalidate()
                self._conn.close()
            except Exception:
                pass
        self._conn = None

    def close(self) -> None:
        with self._lock:
            self._drop()  # the database session ends: the advisory lock is released


def guarded(leader: Leader, fn: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        return fn() if leader.is_leader() else None

    return run
