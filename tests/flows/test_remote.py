"""Flows over HTTP: the simulated phone behind its server, driven through RemotePhone."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from emulator.accounts import SimAccount
from emulator.client import RemotePhone
from emulator.faults import FaultPlan
from emulator.phone import SimPhone
from emulator.server import create_app
from flows import FlowError, publish, verify_post
from tests.flows.sim import POLL_S, SPEED, stage


@pytest.fixture(scope="module")
def remote() -> Iterator[tuple[str, SimPhone]]:
    phone = SimPhone("sim-remote", speed=SPEED, accounts=[SimAccount("remote_one")])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app({"sim-remote": phone}), log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", phone
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


def test_publish_and_verify_over_http(remote: tuple[str, SimPhone]) -> None:
    base, local = remote
    job = stage(local, "carousel", ["image", "image"], username="remote_one")
    with RemotePhone(base, "sim-remote") as phone:
        stats = publish(phone, job.request, job.on_point_of_no_return, poll_s=POLL_S)
        assert verify_post(phone, "remote_one", job.request.marker, 2, poll_s=POLL_S)
    (post,) = local.published("remote_one")
    assert post.media_sha256 == job.sha256
    assert stats.screens[0] == "wrong_app"  # the phone started on the launcher


def test_failure_over_http_carries_evidence(remote: tuple[str, SimPhone]) -> None:
    base, local = remote
    local.set_faults(FaultPlan.script(["action_blocked"]))
    job = stage(local, "feed", ["image"], username="remote_one")
    with RemotePhone(base, "sim-remote") as phone, pytest.raises(FlowError) as err:
        publish(phone, job.request, job.on_point_of_no_return, poll_s=POLL_S)
    assert err.value.code == "action_blocked"
    assert err.value.evidence.screenshot_png and err.value.evidence.screenshot_png[:4] == b"\x89PNG"
    assert len(local.published("remote_one")) == 1  # only the first test's post
