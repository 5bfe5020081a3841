"""The job state machine as a table: walk every pair of states, and every user action."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from controller import lifecycle
from controller.errors import ApiError
from controller.models import Job
from controller.timeutil import utcnow
from farmcore.vocab import JobState
from tests.controller.conftest import Api


@pytest.fixture
def session() -> Iterator[Session]:
    engine = sa.create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        yield session


def _job(state: str, **fields: object) -> Job:
    return Job(id=1, kind="feed", account_id=1, state=state, **fields)


def test_the_table_covers_every_state_and_names_who_takes_each_edge() -> None:
    assert set(lifecycle.TRANSITIONS) == set(JobState)
    assert all(edge.by for edge in lifecycle.EDGES)
    assert not lifecycle.TRANSITIONS[JobState.PUBLISHED]
    assert not lifecycle.TRANSITIONS[JobState.CANCELLED]
    # verification records an event on the `unknown` job; it never leases it again
    assert JobState.LEASED not in lifecycle.TRANSITIONS[JobState.UNKNOWN]


@pytest.mark.parametrize(("source", "target"), list(itertools.product(JobState, JobState)))
def test_walk_every_pair(session: Session, source: JobState, target: JobState) -> None:
    job = _job(source)
    if lifecycle.can_move(source, target):
        event = lifecycle.move(session, job, target, actor="test")
        assert (event.from_state, event.to_state, job.state) == (source, target, target)
    else:
        with pytest.raises(ApiError) as refused:
            lifecycle.move(session, job, target, actor="test")
        assert refused.value.code == "illegal_transition" and job.state == source


@pytest.mark.parametrize("edge", [e for e in lifecycle.EDGES if e.action], ids=str)
def test_every_user_action_takes_its_edge(session: Session, edge: lifecycle.Edge) -> None:
    later = utcnow() + timedelta(hours=1)
    awaiting = edge.target == JobState.PENDING_APPROVAL
    job = _job(edge.source, scheduled_at=later, approval_required=awaiting, attempts=2)
    job.error_code = "timeout"
    assert edge.action is not None
    lifecycle.act(session, job, edge.action, actor="test")
    assert job.state == edge.target


def test_actions_outside_their_edges_are_illegal(session: Session) -> None:
    for action, state in itertools.product(sorted(lifecycle.ACTIONS), JobState):
        declared = any(e.action == action and e.source == state for e in lifecycle.EDGES)
        if declared:
            continue
        with pytest.raises(ApiError) as refused:
            lifecycle.act(session, _job(state), action, actor="test")
        assert refused.value.code == "illegal_transition"


def test_side_effects_live_on_their_edges(session: Session) -> None:
    past = utcnow() - timedelta(hours=1)
    failed = _job(JobState.FAILED, attempts=3, scheduled_at=past, error_code="timeout")
    lifecycle.act(session, failed, "retry", actor="test")
    assert (failed.attempts, failed.error_code) == (0, None) and failed.scheduled_at > past
    approved = _job(JobState.SCHEDULED, approval_required=True, approved_at=past)
    lifecycle.move(session, approved, JobState.PENDING_APPROVAL, actor="test")
    assert approved.approved_at is None
    late = _job(JobState.PAUSED, approval_required=True, scheduled_at=past)
    with pytest.raises(ApiError) as refused:
        lifecycle.act(session, late, "resume", actor="test")
    assert refused.value.code == "reschedule_required"


def test_a_page_of_jobs_costs_the_same_queries_whatever_its_length(api: Api) -> None:
    api.device("sim-01")
    api.account("shop.one", "sim-01")
    media = api.upload()
    for day in range(1, 9):
        api.job([media], account="shop.one", when=f"2030-01-0{day}T12:00:00Z")
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    def queries(limit: int) -> int:
        statements.clear()
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            r = api.client.get("/v1/jobs", params={"limit": limit}, headers=api.as_("scheduler"))
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        assert r.status_code == 200 and len(r.json()["jobs"]) == limit
        return len(statements)

    assert queries(2) == queries(8)
