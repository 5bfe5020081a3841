"""Listing load: prints one JSON document.

A `farm controller` process (SQLite by default, `--database-url postgresql://…` for an admin
URL under which the run creates and drops its own database) with `--jobs` jobs; `--clients`
threads list pages of 100 jobs (`GET /v1/jobs?limit=100`, a scheduler key) for `--seconds`
while one writer submits a job every `--write-interval` seconds and the dispatcher ticks.
Reported per database: requests per second, latency p50/p99/max, errors (any non-200 or
transport failure), and the writes done meanwhile.

Usage: python bench/load.py [--clients 20] [--seconds 20] [--jobs 300]
       [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--both]
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench.chaos import (  # noqa: E402
    FARM,
    drop_postgres_database,
    free_port,
    new_postgres_database,
    wait_http,
)

ACCOUNTS = 10


def _farm_yaml(path: Path, port: int) -> None:
    import yaml

    devices = [{"serial": f"load-{n}", "driver": "sim"} for n in range(ACCOUNTS)]
    accounts = [
        {"username": f"load.{n}", "device": f"load-{n}", "password": "pw"} for n in range(ACCOUNTS)
    ]
    path.write_text(
        yaml.safe_dump(
            {
                "controller": {"url": f"http://127.0.0.1:{port}", "port": port},
                "agents": [{"name": "load", "devices": devices}],
                "accounts": accounts,
            }
        )
    )


def measure(db_url: str, args: Any, tmp: Path) -> dict[str, Any]:
    from controller.db import make_engine
    from controller.keys import create_api_key
    from controller.runtime import declare_farm
    from farmcore.farmfile import load
    from media.samples import make_sample_image

    port = free_port()
    config = tmp / "farm.yaml"
    _farm_yaml(config, port)
    env = {
        **os.environ,
        "FARM_DATABASE_URL": db_url,
        "FARM_DATA_DIR": str(tmp / "var"),
        "FARM_DISPATCH_INTERVAL": "1",
    }
    log = (tmp / "controller.log").open("w")
    proc = subprocess.Popen(
        [*FARM, "controller", "--config", str(config), "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/healthz")
        engine = make_engine(db_url)
        ops = create_api_key(engine, "ops", "load")
        scheduler = create_api_key(engine, "scheduler", "load")
        engine.dispose()
        declare_farm(url, ops, load(config))
        headers = {"Authorization": f"Bearer {scheduler}"}
        later = datetime.now(UTC) + timedelta(days=1)
        with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
            image = make_sample_image(tmp / "a.jpg", 1080, 1080, seed=1)
            with image.open("rb") as fh:
                media = http.post("/v1/media", files={"file": fh}).json()["id"]

            def submit(n: int) -> httpx.Response:
                return http.post(
                    "/v1/jobs",
                    json={
                        "account": f"load.{n % ACCOUNTS}",
                        "kind": "feed",
                        "media": [media],
                        "caption": f"load {n} {uuid.uuid4().hex[:6]}",
                        "scheduled_at": (later + timedelta(minutes=n)).isoformat(),
                    },
                )

            for n in range(args.jobs):
                submit(n).raise_for_status()

            stop = threading.Event()
            latencies: list[float] = []
            errors: list[str] = []
            writes = [0]
            lock = threading.Lock()

            def client() -> None:
                with httpx.Client(base_url=url, headers=headers, timeout=120) as c:
                    while not stop.is_set():
                        t0 = time.monotonic()
                        try:
                            r = c.get("/v1/jobs", params={"limit": 100})
                            ok = r.status_code == 200 and len(r.json()["jobs"]) == 100
                            why = f"{r.status_code}"
                        except httpx.HTTPError as exc:
                            ok, why = False, type(exc).__name__
                        took = time.monotonic() - t0
                        with lock:
                            latencies.append(took)
                            if not ok:
                                errors.append(why)

            def writer() -> None:
                n = args.jobs
                while not stop.wait(args.write_interval):
                    try:
                        if submit(n).status_code == 201:
                            writes[0] += 1
                    except httpx.HTTPError:
                        pass
                    n += 1

            threads = [threading.Thread(target=client) for _ in range(args.clients)]
            if args.write_interval > 0:
                threads.append(threading.Thread(target=writer))
            started = time.monotonic()
            for t in threads:
                t.start()
            time.sleep(args.seconds)
            stop.set()
            for t in threads:
                t.join(timeout=180)
            elapsed = time.monotonic() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    lat = sorted(latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [lat[0] if lat else 0.0] * 99
    return {
        "database": db_url.split(":")[0].split("+")[0],
        "clients": args.clients,
        "page": 100,
        "seconds": round(elapsed, 1),
        "requests": len(lat),
        "req_per_s": round(len(lat) / elapsed, 1),
        "p50_s": round(statistics.median(lat), 3) if lat else None,
        "p99_s": round(q[98], 3) if lat else None,
        "max_s": round(lat[-1], 3) if lat else None,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "writes_meanwhile": writes[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--write-interval", type=float, default=0.2)
    parser.add_argument("--database-url", default=None, help="PostgreSQL admin URL")
    parser.add_argument("--both", action="store_true", help="SQLite, then PostgreSQL")
    args = parser.parse_args()
    pg_admin = args.database_url or (
        "postgresql://postgres@127.0.0.1:5432/postgres" if args.both else None
    )
    results = []
    if args.both or not pg_admin:
        with tempfile.TemporaryDirectory(prefix="igfarm-load-") as tmp:
            results.append(measure(f"sqlite:///{tmp}/var/farm.db", args, Path(tmp)))
    if pg_admin:
        db_url, name = new_postgres_database(pg_admin)
        try:
            with tempfile.TemporaryDirectory(prefix="igfarm-load-") as tmp:
                results.append(measure(db_url, args, Path(tmp)))
        finally:
            drop_postgres_database(pg_admin, name)
    json.dump(results if len(results) > 1 else results[0], sys.stdout, indent=2)
    sys.stdout.write("\n")
    sys.exit(0 if all(r["errors"] == 0 for r in results) else 1)


if __name__ == "__main__":
    main()
