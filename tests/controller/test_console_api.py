"""Device actions (drain, quarantine, release, reboot), the agent's side of them, and the read
routes the console needs: errors with fixes, the pulse, thumbnails, a job's failure view, the
status page's figures and incidents."""

from __future__ import annotations

import base64

from flows.errors import ERROR_KINDS
from flows.fixes import FIXES
from tests.conftest import jpeg_bytes
from tests.controller.conftest import Api

DUMP = """<?xml version='1.0' encoding='UTF-8'?>
<hierarchy rotation="0">
  <node index="0" text="" resource-id="" class="android.widget.FrameLayout"
        package="com.instagram.android" content-desc="" clickable="false" bounds="[0,0][1080,2400]">
    <node index="0" text="Update Instagram" resource-id="com.instagram.android:id/update_wall_title"
          class="android.widget.TextView" package="com.instagram.android" content-desc=""
          clickable="false" bounds="[40,800][1040,900]" />
  </node>
</hierarchy>"""


def _agent(api: Api, serials: tuple[str, ...] = ("sim-01",)) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.register_agent(serials=serials)}"}


def _claim(api: Api, headers: dict[str, str]) -> list[dict]:
    r = api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["leases"]


def test_drained_and_quarantined_phones_take_no_work_until_released(api: Api) -> None:
    api.device()
    api.account()
    agent = _agent(api)
    ops = api.as_("ops")
    api.job([api.upload()])
    r = api.client.post("/v1/devices/sim-01/drain", json={"reason": "cable swap"}, headers=ops)
    assert r.status_code == 200, r.text
    assert r.json()["mode"] == "draining" and "cable swap" in r.json()["mode_reason"]
    assert _claim(api, agent) == []
    # a drained phone cannot be drained again from quarantine without a release
    r = api.client.post("/v1/devices/sim-01/quarantine", headers=ops)
    assert r.json()["mode"] == "quarantined"
    r = api.client.post("/v1/devices/sim-01/drain", headers=ops)
    assert r.status_code == 409 and r.json()["error"]["code"] == "device_quarantined"
    assert _claim(api, agent) == []
    listed = api.client.get("/v1/devices", headers=api.as_("scheduler")).json()[0]
    assert listed["mode"] == "quarantined" and listed["mode_reason"]
    r = api.client.post("/v1/devices/sim-01/release", headers=ops)
    assert r.json()["mode"] == "active" and r.json()["mode_reason"] == ""
    r = api.client.post("/v1/devices/sim-01/release", headers=ops)
    assert r.status_code == 409 and r.json()["error"]["code"] == "device_not_held"
    assert len(_claim(api, agent)) == 1


def test_device_actions_are_for_ops_only_and_name_the_device(api: Api) -> None:
    api.device()
    r = api.client.post("/v1/devices/sim-01/drain", headers=api.as_("scheduler"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = api.client.post("/v1/devices/nope/drain", headers=api.as_("ops"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "device_not_found"
    r = api.client.post("/v1/devices/sim-01/drain", json={"why": 1}, headers=api.as_("ops"))
    assert r.status_code == 422


def test_reboot_goes_through_the_agent(api: Api) -> None:
    api.device()
    ops = api.as_("ops")
    r = api.client.post("/v1/devices/sim-01/reboot", headers=ops)
    assert r.status_code == 409 and r.json()["error"]["code"] == "device_offline"
    agent = _agent(api)
    r = api.client.post("/v1/devices/sim-01/reboot", headers=ops)
    assert r.status_code == 200 and r.json()["reboot_requested_at"]
    commands = api.client.get("/v1/agents/commands", headers=agent).json()["devices"]
    assert commands == [{"serial": "sim-01", "mode": "active", "reboot": True}]
    r = api.client.post(
        "/v1/agents/devices/sim-01/report", json={"event": "rebooted"}, headers=agent
    )
    assert r.status_code == 204
    assert (
        api.client.get("/v1/agents/commands", headers=agent).json()["devices"][0]["reboot"] is False
    )


def test_agent_quarantines_its_phone_with_the_reason(api: Api) -> None:
    api.device()
    api.device("sim-02")
    agent = _agent(api)
    body = {"event": "quarantine", "reason": "4 device-level failures in a row"}
    r = api.client.post("/v1/agents/devices/sim-01/report", json=body, headers=agent)
    assert r.status_code == 204
    device = api.client.get("/v1/devices", headers=api.as_("ops")).json()[0]
    assert device["mode"] == "quarantined" and "4 device-level" in device["mode_reason"]
    # not its phone: answered as if it did not exist
    r = api.client.post("/v1/agents/devices/sim-02/report", json=body, headers=agent)
    assert r.status_code == 404
    incidents = api.client.get("/v1/status/page").json()["incidents"]
    assert [i["kind"] for i in incidents] == ["phone_quarantined"]


def test_errors_carry_meaning_and_fix(api: Api) -> None:
    errors = {
        e["code"]: e for e in api.client.get("/v1/errors", headers=api.as_("scheduler")).json()
    }
    assert set(ERROR_KINDS) <= set(errors)
    assert all(FIXES[c] for c in ERROR_KINDS)
    assert errors["action_blocked"]["account_level"] is True
    assert errors["video_too_long"]["fix"]


def test_pulse_changes_when_a_job_moves(api: Api) -> None:
    api.device()
    api.account()
    h = api.as_("scheduler")
    first = api.client.get("/v1/console/pulse", headers=h).json()["version"]
    assert api.client.get("/v1/console/pulse", headers=h).json()["version"] == first
    job = api.job([api.upload()], when="2030-01-01T00:00:00+00:00")
    second = api.client.get("/v1/console/pulse", headers=h).json()["version"]
    assert second != first
    api.client.post(f"/v1/jobs/{job['id']}/pause", headers=h)
    assert api.client.get("/v1/console/pulse", headers=h).json()["version"] != second


def test_thumbnail_is_a_small_jpeg(api: Api) -> None:
    media = api.upload(width=1080, height=1350)
    r = api.client.get(f"/v1/media/{media}/thumbnail", headers=api.as_("scheduler"))
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    from io import BytesIO

    from PIL import Image

    assert max(Image.open(BytesIO(r.content)).size) <= 160
    r = api.client.get(f"/v1/media/{'0' * 64}/thumbnail", headers=api.as_("scheduler"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "media_not_found"


def test_failure_view_has_meaning_fix_evidence_and_highlight(api: Api) -> None:
    api.device()
    api.account()
    agent = _agent(api)
    job = api.job([api.upload()])
    lease = _claim(api, agent)[0]
    png = base64.b64encode(jpeg_bytes(100, 100, 1)).decode()
    r = api.client.post(
        f"/v1/leases/{lease['token']}/complete",
        json={
            "outcome": "failed",
            "error_code": "app_update_required",
            "error_message": "the app demands an update",
            "evidence": {"screenshot_png_b64": png, "hierarchy_xml": DUMP},
        },
        headers=agent,
    )
    assert r.status_code == 200 and r.json()["state"] == "failed"
    failure = api.client.get(f"/v1/jobs/{job['id']}/failure", headers=api.as_("scheduler")).json()
    assert failure["error"]["code"] == "app_update_required"
    assert failure["error"]["meaning"] == ERROR_KINDS["app_update_required"].description
    assert failure["error"]["fix"] == FIXES["app_update_required"]
    [item] = failure["evidence"]
    assert (
        item["screenshot"] == f"{lease['token']}.png"
        and item["hierarchy"] == f"{lease['token']}.xml"
    )
    assert item["screen"] == "update_wall" and item["highlight"] == ["[40,800][1040,900]"]
    # another scheduler key's view: as if the job did not exist
    api.client.patch(
        "/v1/accounts/acme.shop", json={"owner": "test-scheduler"}, headers=api.as_("ops")
    )
    r = api.client.get(f"/v1/jobs/{job['id']}/failure", headers=api.as_("scheduler_b"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "job_not_found"


def test_status_page_figures_over_hour_and_day(api: Api) -> None:
    api.device()
    api.account()
    agent = _agent(api)
    job = api.job([api.upload()])
    lease = _claim(api, agent)[0]
    api.client.post(
        f"/v1/leases/{lease['token']}/complete", json={"outcome": "published"}, headers=agent
    )
    data = api.client.get("/v1/status/page").json()
    feed = next(k for k in data["kinds"] if k["kind"] == "feed")
    assert feed["hour"]["published"] == feed["day"]["published"] == 1
    assert feed["hour"]["success_rate"] == 1.0 and feed["hour"]["delay_p50_s"] > 0
    assert data["phones_total"] == 1 and data["phones_online"] == 1
    assert job["id"]


def test_pulse_ignores_other_keys_accounts(api: Api) -> None:
    api.device()
    api.account()
    ops = api.as_("ops")
    api.client.patch("/v1/accounts/acme.shop", json={"owner": "test-scheduler"}, headers=ops)
    other = api.as_("scheduler_b")
    before = api.client.get("/v1/console/pulse", headers=other).json()["version"]
    api.job([api.upload()], when="2030-01-01T00:00:00+00:00")
    assert api.client.get("/v1/console/pulse", headers=other).json()["version"] == before
