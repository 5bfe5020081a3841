"""Agent identity: an agent key registers only as its own agent, a phone stays with the agent
that first declared it until ops move it, and keys can be listed, revoked and expire."""

from __future__ import annotations

from datetime import timedelta

from controller.keys import create_api_key
from controller.models import ApiKey
from controller.timeutil import utcnow
from tests.controller.conftest import Api


def _key(api: Api, agent: str) -> dict[str, str]:
    key = create_api_key(api.client.app.state.engine, "agent", f"key-{agent}", agent=agent)  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {key}"}


def _register(api: Api, headers: dict[str, str], name: str, serials: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return api.client.post(
        "/v1/agents/register",
        json={"name": name, "devices": [{"serial": s} for s in serials]},
        headers=headers,
    )


def test_agent_key_cannot_register_as_another_agent(api: Api, caplog) -> None:  # type: ignore[no-untyped-def]
    token = api.register_agent("rack-1", ("sim-01",))
    r = _register(api, _key(api, "rack-2"), "rack-1", ("sim-02",))
    assert r.status_code == 403 and r.json()["error"]["code"] == "agent_name_mismatch"
    assert "token" not in r.json()
    # the real rack-1 still works
    r = api.client.post(
        "/v1/agents/heartbeat",
        json={"devices": [{"serial": "sim-01"}]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text


def test_unbound_agent_key_is_refused(api: Api) -> None:
    from sqlmodel import Session

    from controller.security import hash_token

    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        session.add(
            ApiKey(
                name="old", role="agent", key_hash=hash_token("fk_agent_old"), prefix="fk_agent_old"
            )
        )
        session.commit()
    r = _register(api, {"Authorization": "Bearer fk_agent_old"}, "rack-1", ())
    assert r.status_code == 403 and r.json()["error"]["code"] == "agent_key_unbound"


def test_phone_of_another_agent_is_refused_until_ops_move_it(api: Api) -> None:
    api.device("sim-01")
    api.account("acme.shop", "sim-01")
    token = api.register_agent("rack-1", ("sim-01",))
    rack2 = _key(api, "rack-2")
    r = _register(api, rack2, "rack-2", ("sim-02", "sim-01"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "device_owned_by_another_agent"
    assert "sim-01" in r.json()["error"]["message"]
    devices = {d["serial"]: d for d in api.client.get("/v1/devices", headers=api.as_("ops")).json()}
    assert devices["sim-01"]["agent"] == "rack-1"
    # rack-1 keeps its phone: heartbeat and claim still work
    h1 = {"Authorization": f"Bearer {token}"}
    assert (
        api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=h1).status_code
        == 200
    )

    # a scheduler may not move phones; ops may
    move = {"agent": "rack-2"}
    r = api.client.post("/v1/devices/sim-01/move", json=move, headers=api.as_("scheduler"))
    assert r.status_code == 403
    r = api.client.post("/v1/devices/nope/move", json=move, headers=api.as_("ops"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "device_not_found"
    r = api.client.post("/v1/devices/sim-01/move", json=move, headers=api.as_("ops"))
    assert r.status_code == 200 and r.json()["agent"] == "rack-2"
    r = _register(api, rack2, "rack-2", ("sim-01",))
    assert r.status_code == 200, r.text
    # and now the old agent is the one refused
    r = api.client.post("/v1/agents/claim", json={"idle": ["sim-01"]}, headers=h1)
    assert r.status_code == 422 and r.json()["error"]["code"] == "device_not_registered"


def test_login_lease_password_goes_only_to_the_phone_owner(api: Api) -> None:
    api.device("sim-01")
    api.account("acme.shop", "sim-01")
    token = api.register_agent("rack-1", ("sim-01",))
    thief = _key(api, "rack-9")
    r = api.client.post(
        "/v1/accounts/acme.shop/reauth", json={"login": True}, headers=api.as_("ops")
    )
    assert r.status_code == 200, r.text
    assert _register(api, thief, "rack-9", ("sim-01",)).status_code == 409
    r = api.client.post(
        "/v1/agents/claim",
        json={"idle": ["sim-01"]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200


def test_keys_list_revoke_and_expiry(api: Api) -> None:
    ops = api.as_("ops")
    r = api.client.post("/v1/keys", json={"role": "agent", "name": "host-3"}, headers=ops)
    assert r.status_code == 422 and r.json()["error"]["code"] == "agent_name_required"
    r = api.client.post(
        "/v1/keys", json={"role": "agent", "name": "host-3", "agent": "rack-3"}, headers=ops
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["key"].startswith("fk_agent_") and created["agent"] == "rack-3"
    agent_key = {"Authorization": f"Bearer {created['key']}"}
    r = _register(api, agent_key, "rack-3", ())
    assert r.status_code == 200
    agent_token = {"Authorization": f"Bearer {r.json()['token']}"}
    assert (
        api.client.post("/v1/agents/claim", json={"idle": []}, headers=agent_token).status_code
        == 200
    )

    listed = api.client.get("/v1/keys", headers=ops).json()
    assert {k["name"] for k in listed} >= {"host-3", "test-scheduler"}
    assert all("key" not in k and "key_hash" not in k for k in listed)
    assert api.client.get("/v1/keys", headers=api.as_("scheduler")).status_code == 403

    r = api.client.post(f"/v1/keys/{created['id']}/revoke", headers=ops)
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    # at once: the key, and the agent token it registered
    assert _register(api, agent_key, "rack-3", ()).status_code == 401
    r = api.client.post("/v1/agents/claim", json={"idle": []}, headers=agent_token)
    assert r.status_code == 401
    assert api.client.post("/v1/keys/99999/revoke", headers=ops).status_code == 404

    r = api.client.post(
        "/v1/keys", json={"role": "scheduler", "name": "temp", "expires_in": "1h"}, headers=ops
    )
    assert r.status_code == 201
    temp = {"Authorization": f"Bearer {r.json()['key']}"}
    assert api.client.get("/v1/jobs", headers=temp).status_code == 200
    from sqlmodel import Session

    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        row = session.get(ApiKey, r.json()["id"])
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
        session.commit()
    assert api.client.get("/v1/jobs", headers=temp).status_code == 401
    statuses = {k["name"]: k["status"] for k in api.client.get("/v1/keys", headers=ops).json()}
    assert statuses["temp"] == "expired" and statuses["host-3"] == "revoked"
    r = api.client.post(
        "/v1/keys", json={"role": "ops", "name": "x", "expires_in": "soon"}, headers=ops
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_value"
    for huge in ({"expires_in": "99999999999d"}, {"expires_at": "9999-12-31T23:59:59-14:00"}):
        r = api.client.post("/v1/keys", json={"role": "ops", "name": "x", **huge}, headers=ops)
        assert r.status_code == 422, r.text
