"""The dispatcher's background pass, called directly: which devices get work."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from controller import dispatcher
from controller.models import Device, Job, Lease
from controller.timeutil import utcnow
from tests.controller.conftest import Api


def _pass(api: Api) -> int:
    app = api.client.app  # type: ignore[attr-defined]
    with Session(app.state.engine) as session:
        created = dispatcher.dispatch(session, app.state.settings)
        session.commit()
    return created


def _set_device(api: Api, serial: str, **values: object) -> None:
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        device = session.exec(select(Device).where(Device.serial == serial)).one()
        for name, value in values.items():
            setattr(device, name, value)
        session.add(device)
        session.commit()


def test_background_pass_leases_only_to_idle_fresh_devices(api: Api) -> None:
    for serial, username in (("sim-01", "a.one"), ("sim-02", "a.two"), ("sim-03", "a.three")):
        api.device(serial)
        api.account(username, serial)
    api.register_agent("rack", ("sim-01", "sim-02", "sim-03"))
    for n, username in enumerate(("a.one", "a.two", "a.three", "a.one")):
        api.job([api.upload(seed=n)], account=username, caption=f"job {n}")
    _set_device(api, "sim-02", status="low_battery")
    _set_device(api, "sim-03", last_seen_at=utcnow() - timedelta(hours=1))

    assert _pass(api) == 1
    assert _pass(api) == 0  # sim-01 is busy now; the others are not fit
    with Session(api.client.app.state.engine) as session:  # type: ignore[attr-defined]
        leases = session.exec(select(Lease)).all()
        assert [(lease.device_id, lease.job_id) for lease in leases] == [(1, 1)]
        states = [j.state for j in session.exec(select(Job).order_by(Job.id)).all()]
    assert states == ["leased", "scheduled", "scheduled", "scheduled"]

    _set_device(api, "sim-02", status="idle", last_seen_at=utcnow())
    assert _pass(api) == 1
