"""Load shapes that used to starve the controller, as behaviour (never speed): a burst of a few
hundred leases at once against a small pool completes with no 5xx and no job leased twice;
two replicas on one PostgreSQL share the work; the controller stops on SIGTERM under load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlmodel import Session, func, select

from controller.config import Settings
from controller.db import make_engine, migrate
from controller.keys import create_api_key
from controller.models import Account, Device, Job, Lease, MediaAsset
from controller.runtime import ControllerThread, free_port
from controller.security import SecretBox
from controller.timeutil import utcnow
from tests.conftest import drop_postgres_database, fresh_postgres_database

ROOT = Path(__file__).resolve().parents[2]


def seed_farm(url: str, secrets: list[str], agents: int, phones: int, jobs_per_phone: int = 1):
    """Phones, one account each and jobs already due, written straight to the database."""
    engine = make_engine(url)
    box = SecretBox(secrets)
    now = utcnow()
    with Session(engine) as session:
        asset = MediaAsset(
            sha256="ab" * 32, media_type="image", format="jpeg", width=1080, height=1080, bytes=1
        )
        session.add(asset)
        session.flush()
        password = box.encrypt("pw")
        for a in range(agents):
            for p in range(phones):
                serial = f"a{a}-p{p}"
                device = Device(serial=serial, driver="sim")
                session.add(device)
                session.flush()
                account = Account(username=f"u{a}_{p}", password_enc=password, device_id=device.id)
                session.add(account)
                session.flush()
                for n in range(jobs_per_phone):
                    session.add(
                        Job(
                            kind="feed",
                            account_id=account.id,
                            caption=f"post {serial} {n}",
                            media_ids=[asset.id],
                            scheduled_at=now - timedelta(seconds=1),
                        )
                    )
        session.commit()
    engine.dispose()


def agent_keys(engine: sa.Engine, n: int) -> list[str]:
    """One agent key per agent `rack-<a>` (an agent key is bound to its agent's name)."""
    return [create_api_key(engine, "agent", f"rack-{a}", agent=f"rack-{a}") for a in range(n)]


class FakeAgent:
    """An agent speaking the protocol over HTTP whose phones publish instantly."""

    def __init__(self, url: str, key: str, name: str, serials: list[str]) -> None:
        self.http = httpx.Client(base_url=url, timeout=120)
        self.name = name
        self.serials = serials
        self.statuses: list[int] = []
        r = self.http.post(
            "/v1/agents/register",
            json={"name": name, "devices": [{"serial": s} for s in serials]},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert r.status_code == 200, r.text
        self.http.headers["Authorization"] = f"Bearer {r.json()['token']}"

    def post(self, path: str, body: dict) -> httpx.Response:
        r = self.http.post(path, json=body)
        self.statuses.append(r.status_code)
        return r

    def heartbeat(self) -> None:
        self.post("/v1/agents/heartbeat", {"devices": [{"serial": s} for s in self.serials]})

    def run_lease(self, lease: dict) -> None:
        self.post(f"/v1/leases/{lease['token']}/events", {"type": "started"})
        self.post(f"/v1/leases/{lease['token']}/complete", {"outcome": "published"})


def _publish_all(url: str, agents: list[FakeAgent], per_phone_claims: bool, until: float) -> None:
    """Every phone claims at once (one request per phone when `per_phone_claims`: the most
    concurrent requests), then runs what it got; repeated until nothing is due."""

    def phone(agent: FakeAgent, serial: str) -> int:
        r = agent.post("/v1/agents/claim", {"idle": [serial]})
        leases = r.json()["leases"] if r.status_code == 200 else []
        for lease in leases:
            agent.run_lease(lease)
        return len(leases)

    def whole_agent(agent: FakeAgent) -> int:
        r = agent.post("/v1/agents/claim", {"idle": agent.serials, "wait_s": 1})
        leases = r.json()["leases"] if r.status_code == 200 else []
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(agent.run_lease, leases))
        return len(leases)

    with ThreadPoolExecutor(64) as pool:
        while time.monotonic() < until:
            for agent in agents:
                agent.heartbeat()
            if per_phone_claims:
                got = sum(
                    pool.map(lambda x: phone(*x), [(a, s) for a in agents for s in a.serials])
                )
            else:
                got = sum(pool.map(whole_agent, agents))
            if not got and _left(url) == 0:
                return


def _left(url: str) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        n = session.exec(
            select(func.count()).select_from(Job).where(Job.state != "published")
        ).one()
    engine.dispose()
    return n


def _check_outcome(url: str, agents: list[FakeAgent], jobs: int) -> None:
    statuses = [s for a in agents for s in a.statuses]
    assert not [s for s in statuses if s >= 500], "5xx answers during the burst"
    engine = make_engine(url)
    with Session(engine) as session:
        states = session.exec(select(Job.state, func.count()).group_by(Job.state)).all()
        assert dict(states) == {"published": jobs}
        per_job = session.exec(
            select(Lease.job_id, func.count())
            .where(Lease.purpose == "publish")
            .group_by(Lease.job_id)
        ).all()
        assert len(per_job) == jobs and {n for _, n in per_job} == {1}, "a job leased twice"
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "per_phone_claims", [True, False], ids=["claim-per-phone", "claim-per-agent"]
)
def test_a_burst_of_leases_against_a_small_pool_completes(
    migrated_database_url: str, tmp_path: Path, per_phone_claims: bool
) -> None:
    """The shape that deadlocked (every worker thread waiting for a connection held by a
    request waiting for a thread): 240 phones, all due at once, 4 database slots."""
    if not migrated_database_url.startswith("postgresql"):
        pytest.skip("the burst is a PostgreSQL shape; SQLite serialises writers anyway")
    secrets = [Fernet.generate_key().decode()]
    seed_farm(migrated_database_url, secrets, agents=12, phones=20)
    settings = Settings(
        data_dir=tmp_path / "var",
        database_url=migrated_database_url,
        secret_keys=secrets,
        db_slots=4,
    )
    controller = ControllerThread(settings)
    controller.start()
    try:
        keys = agent_keys(controller.app.state.engine, 12)
        agents = [
            FakeAgent(controller.url, keys[a], f"rack-{a}", [f"a{a}-p{p}" for p in range(20)])
            for a in range(12)
        ]
        _publish_all(migrated_database_url, agents, per_phone_claims, time.monotonic() + 240)
    finally:
        controller.stop()
    _check_outcome(migrated_database_url, agents, 240)


@pytest.mark.postgres
def test_two_replicas_share_the_work_and_lease_no_job_twice(tmp_path: Path) -> None:
    """Two controllers on one database, started at the same moment on one data dir; agents
    split between them; every job published once."""
    url, admin, name = fresh_postgres_database()
    try:
        data_dir = tmp_path / "var"
        settings = [Settings(data_dir=data_dir, database_url=url, db_slots=4) for _ in range(2)]
        replicas: list[ControllerThread] = []
        errors: list[BaseException] = []

        def start(s: Settings) -> None:
            try:
                replicas.append(ControllerThread(s))
            except BaseException as exc:  # pragma: no cover - what the test looks for
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(s,)) for s in settings]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert (data_dir / "secret.keys").exists()
        secrets = replicas[0].app.state.secrets.keys
        assert replicas[1].app.state.secrets.keys == secrets
        for r in replicas:
            r.start()
        try:
            seed_farm(url, secrets, agents=6, phones=10, jobs_per_phone=2)
            keys = agent_keys(replicas[0].app.state.engine, 6)
            agents = [
                FakeAgent(
                    replicas[a % 2].url, keys[a], f"rack-{a}", [f"a{a}-p{p}" for p in range(10)]
                )
                for a in range(6)
            ]
            _publish_all(url, agents, False, time.monotonic() + 240)
        finally:
            for r in replicas:
                r.stop()
        _check_outcome(url, agents, 120)
    finally:
        sa.create_engine(url).dispose()
        drop_postgres_database(admin, name)


@pytest.mark.postgres
def test_controller_stops_on_sigterm_under_load(tmp_path: Path) -> None:
    """`farm controller` with long-poll claims and heartbeats in flight exits on SIGTERM."""
    url, admin, name = fresh_postgres_database()
    proc = None
    try:
        migrate(url)
        data_dir = tmp_path / "var"
        secrets = [Fernet.generate_key().decode()]
        seed_farm(url, secrets, agents=4, phones=10)
        engine = make_engine(url)
        keys = agent_keys(engine, 4)
        engine.dispose()
        port = free_port()
        env = os.environ | {
            "FARM_DATABASE_URL": url,
            "FARM_DATA_DIR": str(data_dir),
            "FARM_SECRET_KEYS": secrets[0],
            "FARM_DB_SLOTS": "4",
        }
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "farm"), "controller", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "controller did not start"
            time.sleep(0.2)
        agents = [
            FakeAgent(base, keys[a], f"rack-{a}", [f"a{a}-p{p}" for p in range(10)])
            for a in range(4)
        ]
        stop = threading.Event()

        def load(agent: FakeAgent) -> None:
            while not stop.is_set():
                try:
                    agent.heartbeat()
                    agent.post("/v1/agents/claim", {"idle": [], "wait_s": 25})
                except httpx.HTTPError:
                    return

        workers = [threading.Thread(target=load, args=(a,), daemon=True) for a in agents * 5]
        for w in workers:
            w.start()
        time.sleep(2)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        stop.set()
        assert time.monotonic() - started < 20
        assert code in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once it has stopped
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
        drop_postgres_database(admin, name)


def test_phones_per_agent_come_from_configuration(api) -> None:  # type: ignore[no-untyped-def]
    """More than the old hard-coded 64 phones register, heartbeat and claim; the configured
    limit is a 422 `too_many_devices`."""
    serials = tuple(f"rack-p{n:03d}" for n in range(100))
    token = api.register_agent("big-rack", serials)
    agent = {"Authorization": f"Bearer {token}"}
    r = api.client.post(
        "/v1/agents/heartbeat",
        json={"devices": [{"serial": s, "battery": 80} for s in serials]},
        headers=agent,
    )
    assert r.status_code == 200, r.text
    r = api.client.post("/v1/agents/claim", json={"idle": list(serials)}, headers=agent)
    assert r.status_code == 200 and r.json() == {"leases": []}
    api.client.app.state.settings.max_phones_per_agent = 50  # type: ignore[attr-defined]
    r = api.client.post("/v1/agents/claim", json={"idle": list(serials)}, headers=agent)
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_many_devices"
    r = api.client.post(
        "/v1/agents/register",
        json={"name": "big-rack", "devices": [{"serial": s} for s in serials]},
        headers=api.as_("agent"),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_many_devices"


def test_two_replicas_create_one_key_file(tmp_path: Path) -> None:
    """Controllers started at the same moment on one data dir agree on one key."""
    from controller.security import load_or_create_keys

    barrier = threading.Barrier(8)
    keys: list[list[str]] = []

    def start() -> None:
        barrier.wait()
        keys.append(load_or_create_keys([], tmp_path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({tuple(k) for k in keys}) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["secret.keys"]


def test_an_idle_keep_alive_connection_outlives_the_clients_expiry(tmp_path: Path) -> None:
    """The server keeps an idle connection open longer than httpx keeps its own (5 s): with
    both at 5 s, a request sent on a connection the server was closing that same moment was
    reset ("connection reset by peer", seen in the burst above)."""
    import http.client

    controller = ControllerThread(Settings(data_dir=tmp_path / "var", secret_keys=[]))
    controller.start()
    try:
        conn = http.client.HTTPConnection(controller.host, controller.port, timeout=10)
        conn.request("GET", "/healthz")
        assert conn.getresponse().read() is not None
        sock = conn.sock
        time.sleep(httpx.Limits().keepalive_expiry + 1.5)  # past the client's expiry
        conn.request("GET", "/healthz")  # the same connection, still open on the server
        response = conn.getresponse()
        response.read()
        assert response.status == 200 and conn.sock is sock
        conn.close()
    finally:
        controller.stop()
