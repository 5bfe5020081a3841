"""Processes on loopback with faults between them (bench/chaos.py's harness): the agent outlives
its controller, keeps every outcome in its outbox until answered, and a short chaos run ends
with every job final, agreeing with the simulated profiles, and nothing posted twice."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from bench.chaos import ChaosFarm, parser, run
from tests.conftest import postgres_available

pytestmark = [pytest.mark.slow]


def _log_events(path: Path) -> list[str]:
    import json

    out = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            out.append(json.loads(line).get("event", ""))
        except ValueError:
            continue
    return out


@pytest.mark.timeout(420)
def test_lost_answer_and_controller_restart_settle_each_job_once(tmp_path: Path) -> None:
    farm = ChaosFarm(
        tmp_path,
        f"sqlite:///{tmp_path}/var/farm.db",
        agents=1,
        phones=1,
        replicas=1,
        phone_faults=False,
    )
    try:
        farm.start()
        # the controller's answer to the first completion never reaches the agent
        farm.drop(0, "/complete")
        first = farm.submit(1)
        states = farm.drain(list(first), timeout=120)
        assert [s["state"] for s in states.values()] == ["published"]
        assert farm.link_proxies[0].dropped and "/complete" in farm.link_proxies[0].dropped[0]
        job_id = next(iter(first))
        with farm.client() as http:
            events = http.get(f"/v1/jobs/{job_id}").json()["events"]
        to_states = [e["to_state"] for e in events if e["type"] == "state"]
        assert to_states.count("published") == 1 and "unknown" not in to_states, to_states

        # the controller goes away and comes back: the agent waits (one line each way)
        farm.stop("controller-0", signal.SIGKILL)
        time.sleep(farm.lease_ttl * 2)
        assert farm.procs["agent-0"].poll() is None, "the agent exited without its controller"
        farm.start_replica(0)
        second = farm.submit(1)
        states = farm.drain(list(second), timeout=120)
        assert [s["state"] for s in states.values()] == ["published"]
        assert farm.procs["agent-0"].poll() is None
        verdict = farm.verdict({**first, **second}, farm.states([*first, *second]))
        assert verdict["lost"] == 0 and verdict["duplicates"] == 0, verdict
    finally:
        farm.close()
    events = _log_events(tmp_path / "agent-0.log")
    assert events.count("controller_unreachable") == 1, events
    assert events.count("controller_reachable") == 1, events
    assert "complete_pending" in events


@pytest.mark.postgres
@pytest.mark.timeout(900)
def test_short_chaos_run_loses_nothing_and_posts_nothing_twice() -> None:
    if not postgres_available():
        pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 (.ci/run starts it)")
    args = parser().parse_args(
        [
            "--jobs", "24",
            "--agents", "2",
            "--phones", "2",
            "--replicas", "2",
            "--agent-kills", "1",
            "--replica-restarts", "1",
            "--link-cuts", "1",
            "--drops", "3",
            "--unplugs", "0",
            "--db-block-s", "0",
            "--drain-s", "300",
        ]
    )  # fmt: skip
    result = run(args)
    assert result["faults"].get("agent_sigkills") == 1
    assert result["faults"].get("replica_restarts") == 1
    assert result["lost"] == 0 and result["duplicates"] == 0, result
    assert result["published"] + result["failed_with_code"] == result["jobs"]
