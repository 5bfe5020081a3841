"""Whole-farm benchmark: prints one JSON document.

A controller (uvicorn, SQLite by default or `--database-url postgresql://…`) and one agent
with N simulated phones publish M feed jobs that all fall due at once. Reported: wall time
from due to the last publish, jobs per minute, lateness (due → published) p50/p95/max, and
the API's own `/v1/status` figures. The phones run at `--speed` (simulated app time), so the
numbers measure the controller, the agent and the flows, not Instagram's upload time.

Usage: python bench/farm.py [--phones 10] [--jobs 60] [--speed 4] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and bench/flows.py would hide
# the `flows` package: drop that folder before importing the project.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import httpx  # noqa: E402

from controller.logs import configure as configure_logs  # noqa: E402
from controller.runtime import LocalFarm  # noqa: E402
from farmcore.farmfile import FarmConfig  # noqa: E402
from media.samples import make_sample_image  # noqa: E402


def _farm(phones: int) -> FarmConfig:
    devices = [{"serial": f"bench-{n:02d}", "driver": "sim"} for n in range(phones)]
    accounts = [
        {"username": f"bench.{n:02d}", "device": f"bench-{n:02d}", "password": "pw"}
        for n in range(phones)
    ]
    return FarmConfig.model_validate(
        {
            "agents": [{"name": "bench", "poll_interval_s": 0.2, "devices": devices}],
            "accounts": accounts,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=60)
    parser.add_argument("--speed", type=float, default=4.0, help="simulated app speed")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    configure_logs("WARNING")  # JSON logs to stderr; stdout carries only the result

    farm_config = _farm(args.phones)
    with tempfile.TemporaryDirectory(prefix="igfarm-bench-") as tmp:
        overrides: dict[str, object] = {"dispatch_interval_s": 0.5}
        if args.database_url:
            overrides["database_url"] = args.database_url
        farm = LocalFarm(farm_config, Path(tmp) / "var", settings_overrides=overrides)
        farm.start()
        for phone in farm.phones.values():
            phone.speed = args.speed  # type: ignore[attr-defined]
        try:
            headers = {"Authorization": f"Bearer {farm.keys['scheduler']}"}
            with httpx.Client(base_url=farm.controller.url, headers=headers, timeout=60) as http:
                media = []
                for n in range(args.jobs):
                    path = make_sample_image(Path(tmp) / f"{n}.jpg", 1080, 1080, seed=n)
                    with path.open("rb") as fh:
                        media.append(http.post("/v1/media", files={"file": fh}).json()["id"])
                due = datetime.now(UTC) + timedelta(seconds=2)
                submit_started = time.monotonic()
                ids = []
                for n in range(args.jobs):
                    r = http.post(
                        "/v1/jobs",
                        json={
                            "account": f"bench.{n % args.phones:02d}",
                            "kind": "feed",
                            "media": [media[n]],
                            "caption": f"bench {n}",
                            "scheduled_at": due.isoformat(),
                        },
                    )
                    r.raise_for_status()
                    ids.append(r.json()["id"])
                submit_s = time.monotonic() - submit_started
                while True:
                    page = http.get("/v1/jobs", params={"limit": 500}).json()["jobs"]
                    done = [j for j in page if j["state"] in ("published", "failed")]
                    if len(done) == len(ids):
                        break
                    time.sleep(0.5)
                status = http.get("/v1/status").json()
        finally:
            farm.stop()

    lateness = sorted(
        (datetime.fromisoformat(j["published_at"]) - due).total_seconds()
        for j in page
        if j["published_at"]
    )
    last = max(lateness) if lateness else None
    quantiles = statistics.quantiles(lateness, n=20) if len(lateness) > 1 else [None] * 19
    json.dump(
        {
            "database": (args.database_url or "sqlite").split(":")[0],
            "phones": args.phones,
            "jobs": args.jobs,
            "sim_speed": args.speed,
            "published": sum(1 for j in page if j["state"] == "published"),
            "failed": sum(1 for j in page if j["state"] == "failed"),
            "submit_jobs_per_s": round(args.jobs / submit_s, 1),
            "due_to_last_publish_s": round(last, 2) if last is not None else None,
            "jobs_per_minute": round(60 * len(lateness) / last, 1) if last else None,
            "lateness_p50_s": round(statistics.median(lateness), 2) if lateness else None,
            "lateness_p95_s": round(quantiles[18], 2) if quantiles[18] is not None else None,
            "status_endpoint": status,
        },
        sys.stdout,
        indent=2,
        default=str,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
