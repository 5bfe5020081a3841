"""Chaos run: prints one JSON document.

Controller replicas (2 by default, separate `farm controller` processes on one PostgreSQL
database), agent processes (3 by default, each with its simulated phones on its own phone
host process), a loopback fault proxy between each agent and the replicas and one in front of
each phone host. Over N jobs it SIGKILLs agents at random moments of their flows (and starts
them again), kills and restarts a controller replica, cuts an agent's link for longer than the
lease TTL, drops single responses (completions, claims, events), blocks the database for 15 s
and unplugs phones. Then it drains and checks every job against the simulated profiles.

Reported: jobs, published, failed_with_code, lost (not final after the drain, or a final
state that disagrees with the profile: published but not posted, or posted but not
published), duplicates (a post on a profile more than once), time. Goal: lost 0, duplicates 0.

Usage: python bench/chaos.py [--jobs 500] [--agents 3] [--phones 2] [--replicas 2]
       [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--seed 1]

Only loopback: every process and proxy listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import yaml  # noqa: E402

from bench.faultproxy import FaultProxy  # noqa: E402

FARM = [sys.executable, "-c", "from controller.cli import main; main()"]
PHONE_HOST = """
import sys, uvicorn
from emulator.declared import build_sim_phone
from emulator.server import create_app
from farmcore.farmfile import load
farm = load(sys.argv[1]); agent = farm.agent(sys.argv[2]); speed = float(sys.argv[4])
phones = {d.serial: build_sim_phone(d, farm) for d in agent.devices}
for p in phones.values():
    p.speed = speed
uvicorn.run(create_app(phones), host="127.0.0.1", port=int(sys.argv[3]), log_level="warning")
"""
FINAL = {"published", "failed", "cancelled"}
PHONE_FAULTS = ["popup_notifications", "app_crash", "upload_failure", "connection_lost"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def new_postgres_database(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"chaos_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}", name


def drop_postgres_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ChaosFarm:
    """The processes of a farm on loopback, with the levers of the chaos run."""

    def __init__(
        self,
        tmp: Path,
        db_url: str,
        *,
        agents: int = 3,
        phones: int = 2,
        replicas: int = 2,
        lease_ttl: float = 4.0,
        speed: float = 4.0,
        phone_faults: bool = True,
    ) -> None:
        self.tmp = tmp
        self.db_url = db_url
        self.replica_ports = [free_port() for _ in range(replicas)]
        self.replica_urls = [f"http://127.0.0.1:{p}" for p in self.replica_ports]
        self.agent_names = [f"rack-{i}" for i in range(agents)]
        self.phone_ports = [free_port() for _ in range(agents)]
        self.phone_proxies = [
            FaultProxy([f"http://127.0.0.1:{p}"]).start() for p in self.phone_ports
        ]
        self.link_proxies = [FaultProxy(self.replica_urls).start() for _ in range(agents)]
        self.accounts: dict[str, tuple[int, str]] = {}  # username → (agent index, serial)
        agent_rows = []
        account_rows = []
        for i, name in enumerate(self.agent_names):
            devices = []
            for n in range(phones):
                serial = f"c{i}-{n}"
                username = f"chaos.{i}.{n}"
                self.accounts[username] = (i, serial)
                devices.append(
                    {
                        "serial": serial,
                        "driver": "sim",
                        "sim_url": self.phone_proxies[i].url,
                        "faults": {"script": PHONE_FAULTS if phone_faults else []},
                    }
                )
                account_rows.append({"username": username, "device": serial, "password": "pw"})
            agent_rows.append({"name": name, "poll_interval_s": 0.3, "devices": devices})
        self.config = tmp / "farm.yaml"
        self.config.write_text(
            yaml.safe_dump(
                {
                    "controller": {"url": self.replica_urls[0], "port": self.replica_ports[0]},
                    "agents": agent_rows,
                    "accounts": account_rows,
                }
            )
        )
        self.env = {
            **os.environ,
            "FARM_DATABASE_URL": db_url,
            "FARM_DATA_DIR": str(tmp / "var"),
            "FARM_DISPATCH_INTERVAL": "0.5",
            "FARM_LEASE_TTL": str(lease_ttl),
        }
        self.lease_ttl = lease_ttl
        self.speed = speed
        self.procs: dict[str, subprocess.Popen] = {}
        self.keys: dict[str, str] = {}
        self.counts: Counter[str] = Counter()

    # --- processes -------------------------------------------------------------------------

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        log = (self.tmp / f"{name}.log").open("a")
        self.procs[name] = subprocess.Popen(
            argv,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.tmp,
        )

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def start_replica(self, j: int) -> None:
        port = str(self.replica_ports[j])
        cmd = [*FARM, "controller", "--config", str(self.config), "--port", port]
        self._spawn(f"controller-{j}", cmd)
        wait_http(f"{self.replica_urls[j]}/healthz")

    def start_agent(self, i: int) -> None:
        name = self.agent_names[i]
        self._spawn(
            f"agent-{i}",
            [
                *FARM,
                "agent",
                "--config",
                str(self.config),
                "--name",
                name,
                "--controller",
                self.link_proxies[i].url,
            ],
            env={"FARM_AGENT_KEY": self.keys[name]},
        )

    def start(self) -> None:
        from controller.db import make_engine
        from controller.keys import create_api_key
        from controller.runtime import declare_farm
        from farmcore.farmfile import load

        for i, name in enumerate(self.agent_names):
            self._spawn(
                f"phones-{i}",
                [
                    sys.executable,
                    "-c",
                    PHONE_HOST,
                    str(self.config),
                    name,
                    str(self.phone_ports[i]),
                    str(self.speed),
                ],
            )
        self.start_replica(0)
        engine = make_engine(self.db_url)
        try:
            self.keys["ops"] = create_api_key(engine, "ops", "chaos")
            self.keys["scheduler"] = create_api_key(engine, "scheduler", "chaos")
            for name in self.agent_names:
                self.keys[name] = create_api_key(engine, "agent", name, agent=name)
        finally:
            engine.dispose()
        for j in range(1, len(self.replica_ports)):
            self.start_replica(j)
        for port in self.phone_ports:
            wait_http(f"http://127.0.0.1:{port}/phones")
        declare_farm(self.replica_urls[0], self.keys["ops"], load(self.config))
        for i in range(len(self.agent_names)):
            self.start_agent(i)

    def close(self) -> None:
        for name in list(self.procs):
            self.stop(name)
        for proxy in [*self.link_proxies, *self.phone_proxies]:
            proxy.stop()

    # --- the levers ------------------------------------------------------------------------

    def kill_agent(self, i: int, down_s: float = 1.0) -> None:
        self.stop(f"agent-{i}", signal.SIGKILL)
        time.sleep(down_s)
        self.start_agent(i)
        self.counts["agent_sigkills"] += 1

    def restart_replica(self, j: int, down_s: float = 2.0) -> None:
        self.stop(f"controller-{j}", signal.SIGKILL)
        time.sleep(down_s)
        self.start_replica(j)
        self.counts["replica_restarts"] += 1

    def cut_link(self, i: int, seconds: float) -> None:
        self.link_proxies[i].cut(True)
        time.sleep(seconds)
        self.link_proxies[i].cut(False)
        self.counts["link_cuts"] += 1

    def drop(self, i: int, path_part: str) -> None:
        self.link_proxies[i].drop(path_part)
        self.counts["responses_dropped_planned"] += 1

    def unplug(self, i: int, seconds: float) -> None:
        self.phone_proxies[i].cut(True)
        time.sleep(seconds)
        self.phone_proxies[i].cut(False)
        self.counts["phone_unplugs"] += 1

    def block_database(self, seconds: float) -> None:
        """Hold an exclusive lock on the job and lease tables: every request touching them
        waits (PostgreSQL only)."""
        import psycopg

        with psycopg.connect(self.db_url.replace("+psycopg", "")) as conn:
            conn.execute("LOCK TABLE job, lease IN ACCESS EXCLUSIVE MODE")
            time.sleep(seconds)
            conn.rollback()
        self.counts["database_blocks"] += 1

    # --- jobs ------------------------------------------------------------------------------

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.replica_urls[0],
            headers={"Authorization": f"Bearer {self.keys['scheduler']}"},
            timeout=60,
        )

    def submit(self, n: int) -> dict[int, tuple[str, str]]:
        """n feed jobs due now, spread over the accounts: job id → (account, caption)."""
        from media.samples import make_sample_image

        names = sorted(self.accounts)
        jobs: dict[int, tuple[str, str]] = {}
        with self.client() as http:
            media = []
            for k in range(min(4, n)):
                path = make_sample_image(self.tmp / f"m{k}.jpg", 1080, 1080, seed=k)
                with path.open("rb") as fh:
                    media.append(http.post("/v1/media", files={"file": fh}).json()["id"])
            now = datetime.now(UTC).isoformat()
            for k in range(n):
                account = names[k % len(names)]
                caption = f"chaos {uuid.uuid4().hex[:8]} #{k}"
                r = http.post(
                    "/v1/jobs",
                    json={
                        "account": account,
                        "kind": "feed",
                        "media": [media[k % len(media)]],
                        "caption": caption,
                        "scheduled_at": now,
                    },
                )
                r.raise_for_status()
                jobs[r.json()["id"]] = (account, caption)
        return jobs

    def states(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        wanted = set(ids)
        out: dict[int, dict[str, Any]] = {}
        for url in self.replica_urls:  # whichever replica answers
            try:
                with httpx.Client(
                    base_url=url,
                    headers={"Authorization": f"Bearer {self.keys['ops']}"},
                    timeout=30,
                ) as http:
                    params: dict[str, Any] = {"limit": 500}
                    while True:
                        page = http.get("/v1/jobs", params=params)
                        page.raise_for_status()
                        body = page.json()
                        out.update({j["id"]: j for j in body["jobs"] if j["id"] in wanted})
                        if not body.get("next_cursor"):
                            return out
                        params["cursor"] = body["next_cursor"]
            except httpx.HTTPError:
                continue
        return out

    def drain(self, ids: list[int], timeout: float) -> dict[int, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            jobs = self.states(ids)
            if len(jobs) == len(ids) and all(j["state"] in FINAL for j in jobs.values()):
                return jobs
            if time.monotonic() > deadline:
                return jobs
            time.sleep(1)

    def posts(self) -> Counter[tuple[str, str]]:
        """(account, caption) of every post on the simulated profiles, with its count."""
        seen: Counter[tuple[str, str]] = Counter()
        for username, (i, serial) in self.accounts.items():
            url = f"http://127.0.0.1:{self.phone_ports[i]}/phones/{serial}/published/{username}"
            for post in httpx.get(url, timeout=30).json():
                seen[(username, post["caption"])] += 1
        return seen

    def verdict(
        self, jobs: dict[int, tuple[str, str]], states: dict[int, dict[str, Any]]
    ) -> dict[str, Any]:
        posts = self.posts()
        lost = duplicates = published = failed = 0
        failed_codes: Counter[str] = Counter()
        for job_id, (account, caption) in jobs.items():
            state = states.get(job_id, {}).get("state")
            count = posts.get((account, caption), 0)
            duplicates += max(0, count - 1)
            if state == "published":
                published += 1
                lost += count == 0
            elif state == "failed":
                failed += 1
                failed_codes[states[job_id].get("error_code") or "?"] += 1
                lost += count > 0
            else:
                lost += 1
        return {
            "jobs": len(jobs),
            "published": published,
            "failed_with_code": failed,
            "failure_codes": dict(failed_codes),
            "lost": lost,
            "duplicates": duplicates,
            "not_final": sorted({s.get("state", "missing") for s in states.values()} - FINAL),
            "responses_dropped": sum(len(p.dropped) for p in self.link_proxies),
            "faults": dict(self.counts),
        }


def chaos_plan(farm: ChaosFarm, rng: random.Random, seconds: float, args: Any) -> None:
    """The faults, spread over roughly `seconds` of publishing."""
    agents = len(farm.agent_names)
    steps: list[tuple[float, str, Any]] = []
    for _ in range(args.agent_kills):
        steps.append((rng.uniform(0.05, 0.9) * seconds, "kill_agent", rng.randrange(agents)))
    for _ in range(args.replica_restarts):
        replica = rng.randrange(len(farm.replica_urls))
        steps.append((rng.uniform(0.1, 0.8) * seconds, "restart_replica", replica))
    for _ in range(args.link_cuts):
        steps.append((rng.uniform(0.1, 0.8) * seconds, "cut_link", rng.randrange(agents)))
    for _ in range(args.drops):
        what = rng.choice(["/complete", "/complete", "/agents/claim", "/events"])
        steps.append((rng.uniform(0.0, 0.9) * seconds, "drop", (rng.randrange(agents), what)))
    for _ in range(args.unplugs):
        steps.append((rng.uniform(0.1, 0.8) * seconds, "unplug", rng.randrange(agents)))
    if args.db_block_s > 0:
        steps.append((rng.uniform(0.2, 0.6) * seconds, "block_db", args.db_block_s))
    steps.sort(key=lambda s: s[0])
    started = time.monotonic()
    threads = []
    for at, what, arg in steps:
        time.sleep(max(0.0, started + at - time.monotonic()))
        if what == "kill_agent":
            fn, fargs = farm.kill_agent, (arg, rng.uniform(0.5, 2.0))
        elif what == "restart_replica":
            fn, fargs = farm.restart_replica, (arg,)
        elif what == "cut_link":
            fn, fargs = farm.cut_link, (arg, farm.lease_ttl * 1.5 + 1)
        elif what == "drop":
            fn, fargs = farm.drop, arg
        elif what == "unplug":
            fn, fargs = farm.unplug, (arg, rng.uniform(2, 6))
        else:
            fn, fargs = farm.block_database, (arg,)
        t = threading.Thread(target=fn, args=fargs, daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join(timeout=120)


def run(args: Any) -> dict[str, Any]:
    rng = random.Random(args.seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="igfarm-chaos-") as tmp:
        db_url, name = new_postgres_database(args.database_url)
        farm = ChaosFarm(
            Path(tmp),
            db_url,
            agents=args.agents,
            phones=args.phones,
            replicas=args.replicas,
            lease_ttl=args.lease_ttl,
            speed=args.speed,
        )
        try:
            farm.start()
            jobs = farm.submit(args.jobs)
            phones = args.agents * args.phones
            # a feed publish takes a few seconds of simulated app time per phone
            seconds = max(20.0, args.jobs / phones * 4.0 / args.speed * 2)
            chaos_plan(farm, rng, seconds, args)
            states = farm.drain(list(jobs), timeout=args.drain_s)
            result = farm.verdict(jobs, states)
        finally:
            farm.close()
            drop_postgres_database(args.database_url, name)
    result["time_s"] = round(time.monotonic() - started, 1)
    result["setup"] = {
        "replicas": args.replicas,
        "agents": args.agents,
        "phones_per_agent": args.phones,
        "lease_ttl_s": args.lease_ttl,
        "sim_speed": args.speed,
        "seed": args.seed,
    }
    return result


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=500)
    p.add_argument("--agents", type=int, default=3)
    p.add_argument("--phones", type=int, default=2, help="phones per agent")
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="an admin URL; the run creates and drops its own database",
    )
    p.add_argument("--lease-ttl", type=float, default=4.0)
    p.add_argument("--speed", type=float, default=4.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--agent-kills", type=int, default=3)
    p.add_argument("--replica-restarts", type=int, default=1)
    p.add_argument("--link-cuts", type=int, default=1)
    p.add_argument("--drops", type=int, default=6)
    p.add_argument("--unplugs", type=int, default=1)
    p.add_argument("--db-block-s", type=float, default=15.0)
    p.add_argument("--drain-s", type=float, default=600.0)
    return p


def main() -> None:
    result = run(parser().parse_args())
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    sys.exit(0 if result["lost"] == 0 and result["duplicates"] == 0 else 1)


if __name__ == "__main__":
    main()
