"""The agent's outbox and its patience: outcomes survive until the controller answers them,
and an absent controller is waited for (one log line per change), never a reason to exit."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from structlog.testing import capture_logs

from controller.runtime import free_port
from device_agent.agent import DeviceAgent
from device_agent.outbox import Outbox
from farmcore.client import ControllerError
from farmcore.farmfile import FarmConfig
from farmcore.protocol import CompleteIn, CompleteOut


class FakeClient:
    def __init__(self, answers: list[object]) -> None:
        self.answers = answers
        self.sent: list[tuple[int, CompleteIn]] = []

    def complete(self, token: int, body: CompleteIn) -> CompleteOut:
        self.sent.append((token, body))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return CompleteOut(job_id=1, state=str(answer))


def test_outcome_stays_until_answered_and_leaves_on_a_definitive_refusal(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "outbox")
    body = CompleteIn(outcome="failed", error_code="upload_failed", stats={"dumps": 3})
    box.put(7, body)
    box.put(9, CompleteIn(outcome="published"))
    assert box.tokens() == [7, 9]
    # a restarted agent finds them on disk, whole
    assert Outbox(tmp_path / "outbox").tokens() == [7, 9]
    client = FakeClient([ControllerError(0, "unreachable", "down")])
    assert box.flush(client) == 2  # stops at the first that cannot go
    assert box.tokens() == [7, 9]
    client = FakeClient([ControllerError(503, "database_unavailable", "x"), "scheduled"])
    assert box.send(client, 7) is None and box.send(client, 7) is True
    assert client.sent[0] == (7, body) and client.sent[1] == (7, body)
    client = FakeClient([ControllerError(409, "stale_lease", "gone")])
    with capture_logs() as logs:
        assert box.send(client, 9) is False
    assert box.tokens() == []
    assert [e["event"] for e in logs] == ["outbox_dropped"]


def test_agent_waits_for_an_absent_controller_with_one_log_line(tmp_path: Path) -> None:
    farm = FarmConfig.model_validate(
        {"agents": [{"name": "lonely", "poll_interval_s": 0.1, "devices": [{"serial": "s-1"}]}]}
    )
    agent = DeviceAgent(
        farm,
        farm.agents[0],
        api_key="fk_agent_x",
        work_dir=tmp_path / "agent",
        controller_url=f"http://127.0.0.1:{free_port()}",  # nobody listens there
    )
    stop = threading.Event()
    with capture_logs() as logs:
        thread = threading.Thread(target=agent.run, args=(stop,), daemon=True)
        thread.start()
        time.sleep(3.0)  # several attempts with backoff
        assert thread.is_alive(), "the agent gave up on its controller"
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    events = [e["event"] for e in logs]
    assert events.count("controller_unreachable") == 1, events
