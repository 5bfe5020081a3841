"""The HTTP server and RemotePhone: a real socket, a real uvicorn, the same flows."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
import uvicorn

from emulator.accounts import SimAccount
from emulator.client import RemotePhone
from emulator.phone import SimPhone
from emulator.server import ServeConfig, build_phones, create_app
from flows.driver import Driver
from tests.emulator.conftest import SCAN, jpeg, sha
from tests.emulator.xmlui import tap, ui, wait_for, wait_gone

INSTAGRAM = "com.instagram.android"


@pytest.fixture(scope="module")
def server():
    phones = {
        "sim-1": SimPhone("sim-1", layout="legacy", speed=20, accounts=[SimAccount("remote_one")]),
        "sim-2": SimPhone("sim-2", layout="legacy", speed=20, accounts=[SimAccount("remote_two")]),
    }
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(phones), log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", phones
    srv.should_exit = True
    thread.join(timeout=5)
    sock.close()


def test_remote_phone_publishes_feed_image(server, tmp_path):
    base, phones = server
    local = tmp_path / "job.jpg"
    data = jpeg((10, 200, 10))
    local.write_bytes(data)
    with RemotePhone(base, "sim-1") as phone:
        assert isinstance(phone, Driver)
        phone.push_file(str(local), "/sdcard/DCIM/igfarm/job.jpg")
        out = phone.shell(SCAN.format(path="/sdcard/DCIM/igfarm/job.jpg"))
        assert "Broadcast completed" in out
        phone.app_start(INSTAGRAM)
        tap(phone, rid="creation_tab")
        tap(phone, rid="next_button_textview")
        tap(phone, rid="next_button_textview")
        tap(phone, rid="caption_input_text_view")
        phone.type_text("over http ✨")
        phone.press_key("back")
        tap(phone, rid="share_footer_button")
        wait_for(phone, rid="title_logo")
        wait_gone(phone, rid="row_pending_container")
        [post] = phone.published("remote_one")
        assert post.caption == "over http ✨"
        assert post.media_sha256 == [sha(data)]
        assert phones["sim-1"].published("remote_one")[0].media_sha256 == [sha(data)]
        png = phone.screenshot()
        assert png.startswith(b"\x89PNG")
        phone.swipe(540, 1800, 540, 900)
        phone.app_stop(INSTAGRAM)
        assert ui(phone).packages() == {"com.google.android.apps.nexuslauncher"}
        assert phone.state()["screen"] == "launcher"


def test_faults_over_http(server):
    base, _ = server
    with RemotePhone(base, "sim-2") as phone:
        plan = phone.set_faults(script=[("popup_notifications", "home")])
        assert plan["pending"] == [["popup_notifications", "home", {}]]
        phone.app_start(INSTAGRAM)
        assert ui(phone).has(text="Turn on notifications")
        tap(phone, text="Not now")
        phone.set_faults(script=[])
        assert phone.state()["faults"]["pending"] == []


def test_routes_and_errors(server):
    base, _ = server
    with httpx.Client(base_url=base) as http:
        serials = [p["serial"] for p in http.get("/phones").json()]
        assert serials == ["sim-1", "sim-2"]
        assert len(http.get("/faults").json()) >= 20
        assert http.post("/phones/nope/dump").status_code == 404
        assert http.post("/phones/sim-1/key", json={"key": "volume"}).status_code == 400
        bad = http.post("/phones/sim-1/faults", json={"script": [["nonsense"]]})
        assert bad.status_code == 422
        files = {"file": ("a.jpg", jpeg(), "image/jpeg")}
        ok = http.post("/phones/sim-2/push", data={"remote": "/sdcard/DCIM/x/a.jpg"}, files=files)
        assert ok.status_code == 200 and ok.json()["size"] > 0
        assert http.post("/phones/sim-2/push", content=b"x").status_code == 422
        assert http.get("/phones/sim-2/published").json() == []


def test_build_phones_from_config():
    phones = build_phones(ServeConfig(phones=3, accounts={"sim-2": ["a", "b"]}, seed=1))
    assert list(phones) == ["sim-1", "sim-2", "sim-3"]
    assert phones["sim-2"].app.session == ["a", "b"]
    assert phones["sim-1"].app.session == ["sim_sim_1"]
