"""Controller at scale: prints one JSON document per configuration.

`farm controller` (1 or more replicas, separate processes) on PostgreSQL (a fresh database,
dropped afterwards) or SQLite; K fake agents speaking the real agent protocol over HTTP with P
phones each, whose phones publish instantly (so every figure is the controller's); J jobs due
over a window of W seconds, spread evenly. Reported: dispatch lag (due → leased) p50/p95/p99,
lateness (due → published), claims/s against the due rate, controller CPU seconds per job,
request latency per route, errors by status, double leases, peak controller RSS.

Usage:
  python bench/scale.py --agents 20 --phones-per-agent 50 --jobs 3000 --window 60 [--replicas 2]
  python bench/scale.py --sweep 100,300,1000 --plot docs/scale.png --table   # README's table

The fake agents run in this process (threads), on the same machine as the controller: on a
small machine they compete for the same cores, so the figures are an upper bound on the
controller's cost and noisy from run to run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from controller.db import make_engine, migrate  # noqa: E402
from controller.keys import create_api_key  # noqa: E402
from controller.models import Account, Device, Job, Lease, MediaAsset  # noqa: E402
from controller.runtime import free_port  # noqa: E402
from controller.security import SecretBox  # noqa: E402
from controller.timeutil import utcnow  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
HEARTBEAT_S = 15.0
CLAIM_WAIT_S = 10.0


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, max(0, round(q * len(values)) - 1))], 3)


def proc_stats(pid: int) -> tuple[float, int]:
    """(CPU seconds user+system, peak RSS bytes) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / tick
    hwm = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) * 1024
    return cpu, hwm


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter[str] = Counter()

    def call(self, http: httpx.Client, route: str, path: str, body: dict) -> httpx.Response | None:
        started = time.monotonic()
        try:
            r = http.post(path, json=body)
            status = str(r.status_code)
        except httpx.HTTPError as exc:
            r, status = None, type(exc).__name__
        with self.lock:
            self.latency[route].append(time.monotonic() - started)
            self.statuses[status] += 1
        return r


class FakeAgent:
    """Registers, heartbeats all its phones in one request, long-polls claims for all its idle
    phones at once, and runs each lease instantly (started, then published)."""

    def __init__(self, url: str, key: str, name: str, serials: list[str], rec: Recorder) -> None:
        self.http = httpx.Client(base_url=url, timeout=60, limits=httpx.Limits(max_connections=8))
        self.serials = serials
        self.rec = rec
        self.busy: set[str] = set()
        self.stop = threading.Event()
        r = self.http.post(
            "/v1/agents/register",
            json={"name": name, "devices": [{"serial": s} for s in serials]},
            headers={"Authorization": f"Bearer {key}"},
        )
        r.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {r.json()['token']}"
        self.pool = ThreadPoolExecutor(4)

    def heartbeat(self) -> None:
        body = {"devices": [{"serial": s, "status": "idle", "battery": 90} for s in self.serials]}
        self.rec.call(self.http, "heartbeat", "/v1/agents/heartbeat", body)

    def _run(self, lease: dict) -> None:
        token = lease["token"]
        self.rec.call(self.http, "events", f"/v1/leases/{token}/events", {"type": "started"})
        self.rec.call(
            self.http, "complete", f"/v1/leases/{token}/complete", {"outcome": "published"}
        )
        self.busy.discard(lease["device"])

    def claim_loop(self) -> None:
        while not self.stop.is_set():
            idle = [s for s in self.serials if s not in self.busy]
            r = self.rec.call(
                self.http, "claim", "/v1/agents/claim", {"idle": idle, "wait_s": CLAIM_WAIT_S}
            )
            if r is None or r.status_code != 200:
                self.stop.wait(0.5)
                continue
            for lease in r.json()["leases"]:
                self.busy.add(lease["device"])
                self.pool.submit(self._run, lease)

    def heartbeat_loop(self) -> None:
        while not self.stop.wait(HEARTBEAT_S):
            self.heartbeat()


def seed(url: str, secrets: list[str], agents: int, per_agent: int, jobs: int, start, window):
    engine = make_engine(url)
    box = SecretBox(secrets)
    phones = agents * per_agent
    with Session(engine) as session:
        asset = MediaAsset(
            sha256="ab" * 32, media_type="image", format="jpeg", width=1080, height=1080, bytes=1
        )
        session.add(asset)
        session.flush()
        password = box.encrypt("pw")
        devices = [Device(serial=f"a{a}-p{p}") for a in range(agents) for p in range(per_agent)]
        session.add_all(devices)
        session.flush()
        accounts = [
            Account(username=f"u{d.id}", password_enc=password, device_id=d.id) for d in devices
        ]
        session.add_all(accounts)
        session.flush()
        for n in range(jobs):
            account = accounts[n % phones]
            session.add(
                Job(
                    kind="feed",
                    account_id=account.id,
                    caption=f"post {n}",
                    media_ids=[asset.id],
                    scheduled_at=start + timedelta(seconds=window * n / jobs),
                )
            )
        session.commit()
    engine.dispose()


def run(args: argparse.Namespace, agents: int, per_agent: int, jobs: int, replicas: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="igfarm-scale-"))
    admin = None
    if args.sqlite:
        url = f"sqlite:///{tmp / 'farm.db'}"
    else:
        name = f"igfarm_scale_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    sa_url = url.replace("postgresql://", "postgresql+psycopg://")
    secrets = [Fernet.generate_key().decode()]
    (tmp / "farm.yaml").write_text("pacing: {min_gap_minutes: 0, daily_cap: 0}\n")
    procs: list[subprocess.Popen] = []
    fake: list[FakeAgent] = []
    try:
        migrate(sa_url)
        engine = make_engine(sa_url)
        # an agent key is bound to one agent name: one per fake agent
        keys = [
            create_api_key(engine, "agent", f"rack-{a}", agent=f"rack-{a}") for a in range(agents)
        ]
        ops_key = create_api_key(engine, "ops", "bench-ops")
        engine.dispose()
        env = os.environ | {
            "FARM_DATABASE_URL": url,
            "FARM_DATA_DIR": str(tmp / "var"),
            "FARM_SECRET_KEYS": secrets[0],
        }
        ports = [free_port() for _ in range(replicas)]
        farm_bin = str(Path(sys.executable).parent / "farm")
        for port in ports:
            cmd = [farm_bin, "controller", "-c", str(tmp / "farm.yaml"), "--port", str(port)]
            log_file = (tmp / f"controller-{port}.log").open("w")
            procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log_file))
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        for u in urls:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{u}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"controller {u} did not start")
                time.sleep(0.2)
        start = utcnow() + timedelta(seconds=args.lead)
        seed(sa_url, secrets, agents, per_agent, jobs, start, args.window)
        rec = Recorder()
        for a in range(agents):
            serials = [f"a{a}-p{p}" for p in range(per_agent)]
            fake.append(FakeAgent(urls[a % replicas], keys[a], f"rack-{a}", serials, rec))
        for agent in fake:
            agent.heartbeat()
        threads = []
        for agent in fake:
            for target in (agent.claim_loop, agent.heartbeat_loop):
                t = threading.Thread(target=target, daemon=True)
                t.start()
                threads.append(t)
        wait_s = (start - utcnow()).total_seconds()
        if wait_s > 0:
            time.sleep(wait_s)
        batch: dict[str, object] = {}
        if args.batch_rows:
            rows = min(args.batch_rows, agents * per_agent * 10)
            t = threading.Thread(
                target=_batch,
                args=(urls[0], ops_key, rows, agents * per_agent, args.window / 4, batch),
                daemon=True,
            )
            t.start()
            threads.append(t)
        cpu0 = [proc_stats(p.pid)[0] for p in procs]
        rec.latency.clear()
        rec.statuses.clear()
        engine = make_engine(sa_url)
        deadline = time.monotonic() + args.window + args.drain
        done = 0
        while time.monotonic() < deadline:
            time.sleep(1)
            with Session(engine) as session:
                done = session.exec(
                    select(sa.func.count()).select_from(Job).where(Job.state == "published")
                ).one()
            if done >= jobs:
                break
        stats = [proc_stats(p.pid) for p in procs]
        cpu = sum(s[0] for s in stats) - sum(cpu0)
        for agent in fake:
            agent.stop.set()
        with Session(engine) as session:
            rows = session.exec(
                select(Job.scheduled_at, Job.published_at, Lease.created_at)
                .join(Lease, Lease.job_id == Job.id)
                .where(Lease.purpose == "publish")
            ).all()
            per_job = Counter(
                session.exec(select(Lease.job_id).where(Lease.purpose == "publish")).all()
            )
        engine.dispose()
        lag = [(leased - due).total_seconds() for due, _, leased in rows]
        late = [(pub - due).total_seconds() for due, pub, _ in rows if pub is not None]
        leased_at = sorted(leased for _, _, leased in rows)
        span = (leased_at[-1] - start).total_seconds() if leased_at else 0
        return {
            "phones": agents * per_agent,
            "agents": agents,
            "phones_per_agent": per_agent,
            "replicas": replicas,
            "database": "sqlite" if args.sqlite else "postgresql",
            "jobs": jobs,
            "window_s": args.window,
            "published": done,
            "dispatch_lag_s": {"p50": pct(lag, 0.5), "p95": pct(lag, 0.95), "p99": pct(lag, 0.99)},
            "lateness_s": {"p50": pct(late, 0.5), "p95": pct(late, 0.95), "p99": pct(late, 0.99)},
            "claims_per_s": round(len(rows) / span, 2) if span > 0 else None,
            "due_per_s": round(jobs / args.window, 2),
            "controller_cpu_s": round(cpu, 2),
            "controller_cpu_ms_per_job": round(1000 * cpu / max(done, 1), 2),
            "request_latency_s": {
                route: {"n": len(v), "p50": pct(v, 0.5), "p99": pct(v, 0.99)}
                for route, v in sorted(rec.latency.items())
            },
            "statuses": dict(rec.statuses),
            "errors_5xx": sum(n for s, n in rec.statuses.items() if s.startswith("5")),
            "double_leases": sum(1 for n in per_job.values() if n > 1),
            "peak_rss_mb": [round(s[1] / 2**20, 1) for s in stats],
            "controller_errors": _log_errors(tmp),
            "mean_lag_s": round(statistics.fmean(lag), 3) if lag else None,
            "batch": batch or None,
        }
    finally:
        for agent in fake:
            agent.stop.set()
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        for agent in fake:
            agent.pool.shutdown(wait=False, cancel_futures=True)
            agent.http.close()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _batch(url: str, key: str, rows: int, phones: int, after_s: float, out: dict) -> None:
    """`after_s` into the window (under the agents' load), one `POST /v1/jobs:batch` of `rows`
    jobs due tomorrow over the seeded accounts; its time and status go to `out`."""
    time.sleep(after_s)
    due = (utcnow() + timedelta(days=1)).isoformat()
    jobs = [
        {
            "account": f"u{1 + n % phones}",
            "kind": "feed",
            "media": ["ab" * 32],
            "caption": f"batch {n}",
            "scheduled_at": due,
        }
        for n in range(rows)
    ]
    started = time.monotonic()
    r = httpx.post(
        f"{url}/v1/jobs:batch",
        json={"jobs": jobs},
        headers={"Authorization": f"Bearer {key}"},
        timeout=300,
    )
    out |= {
        "rows": rows,
        "seconds": round(time.monotonic() - started, 3),
        "status": r.status_code,
        "created": r.json().get("created") if r.status_code == 200 else None,
    }


def _log_errors(folder: Path) -> dict[str, int]:
    """Error lines of the controllers' logs by event (the first of each kept in errors.txt
    in the run's folder, which is left in place)."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for path in folder.glob("controller-*.log"):
        for line in path.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("level") in ("error", "critical"):
                event = str(entry.get("event"))
                counts[event] += 1
                first.setdefault(event, line)
    if first:  # the first line of each, with its traceback, beside the logs
        (folder / "errors.txt").write_text("\n".join(first.values()) + "\n")
        counts["see " + str(folder / "errors.txt")] = 0
    return dict(counts)


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for replicas in sorted({r["replicas"] for r in results}):
        rs = sorted((r for r in results if r["replicas"] == replicas), key=lambda r: r["phones"])
        x = [r["phones"] for r in rs]
        label = f"{replicas} replica{'s' if replicas > 1 else ''}"
        ax1.plot(x, [r["dispatch_lag_s"]["p99"] for r in rs], "o-", label=f"p99, {label}")
        ax1.plot(x, [r["dispatch_lag_s"]["p50"] for r in rs], "s--", label=f"p50, {label}")
        ax2.plot(x, [r["controller_cpu_ms_per_job"] for r in rs], "o-", label=label)
    ax1.set(xlabel="phones", ylabel="dispatch lag due→leased (s)", xscale="log", yscale="log")
    ax1.set_title("dispatch lag (3 jobs per phone due in a minute)")
    ax2.set(xlabel="phones", ylabel="controller CPU ms per published job", xscale="log")
    ax2.set_title("controller CPU per job")
    ax2.set_ylim(bottom=0)
    for ax in (ax1, ax2):
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def _batch_cell(r: dict) -> str:
    b = r.get("batch") or {}
    if not b:
        return "—"
    if b.get("status") != 200:
        return f"{b.get('rows')} rows: HTTP {b.get('status')}"
    return f"{b['rows']} rows in {b['seconds']} s"


def table(results: list[dict]) -> str:
    lines = [
        "| phones (agents × phones) | replicas | jobs | published | dispatch lag p50 / p95 / p99 "
        "| claims/s (of due/s) | CPU ms/job | 5xx | double leases | peak RSS | jobs:batch |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lag = r["dispatch_lag_s"]
        lines.append(
            f"| {r['phones']} ({r['agents']}×{r['phones_per_agent']}) | {r['replicas']} "
            f"| {r['jobs']} | {r['published']} | {lag['p50']} / {lag['p95']} / {lag['p99']} s "
            f"| {r['claims_per_s']} of {r['due_per_s']} | {r['controller_cpu_ms_per_job']} "
            f"| {r['errors_5xx']} | {r['double_leases']} "
            f"| {' + '.join(str(m) for m in r['peak_rss_mb'])} MB | {_batch_cell(r)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--phones-per-agent", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=None, help="default: 3 per phone")
    parser.add_argument("--window", type=float, default=60.0, help="seconds the jobs fall due over")
    parser.add_argument("--lead", type=float, default=8.0, help="seconds before the first is due")
    parser.add_argument(
        "--drain", type=float, default=30.0, help="seconds allowed after the window"
    )
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument(
        "--batch-rows",
        type=int,
        default=500,
        help="one jobs:batch of this many rows a quarter into the window (0: none)",
    )
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument(
        "--sweep",
        default=None,
        help="phone counts, e.g. 100,300,1000 (50 phones per agent; a count may end in "
        "'x2' for two replicas: 3000x2)",
    )
    parser.add_argument("--plot", type=Path, default=None, help="PNG of the sweep")
    parser.add_argument("--table", action="store_true", help="also print a Markdown table")
    parser.add_argument(
        "--from-json", type=Path, default=None, help="plot/table earlier results (JSON lines)"
    )
    args = parser.parse_args()
    from controller.logs import configure as configure_logs

    configure_logs("WARNING")
    configs = []
    if args.sweep:
        for item in args.sweep.split(","):
            phones, _, reps = item.partition("x")
            n = int(phones)
            per_agent = min(50, n // 10) or 1
            configs.append((n // per_agent, per_agent, 3 * n, int(reps or 1)))
    else:
        jobs = args.jobs or 3 * args.agents * args.phones_per_agent
        configs.append((args.agents, args.phones_per_agent, jobs, args.replicas))
    results = []
    if args.from_json:
        configs = []
        results = [json.loads(line) for line in args.from_json.read_text().splitlines() if line]
    for agents, per_agent, jobs, replicas in configs:
        result = run(args, agents, per_agent, jobs, replicas)
        results.append(result)
        print(json.dumps(result), flush=True)
    if args.plot:
        plot(results, args.plot)
    if args.table:
        print(table(results))


if __name__ == "__main__":
    main()
