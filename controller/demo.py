"""`farm demo`: a fresh farm on a temporary database publishes sample jobs end to end."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from controller.runtime import LocalFarm
from farmcore.farmfile import FarmConfig
from farmcore.vocab import PostKind, values

TERMINAL = {"published", "failed", "cancelled"}
DEMO_KINDS = values(PostKind)


@dataclass
class DemoJob:
    id: int
    account: str
    kind: str
    caption: str
    items: int


def _sample(folder: Path, job_no: int, item: int, kind: str) -> Path:
    """Generated media, different for every job and item: a clip for reels, else a photo."""
    from media.samples import make_sample_image, make_sample_video

    seed = job_no * 100 + item
    if kind == "reel":
        return make_sample_video(folder / f"job{job_no}.mp4", 4, 720, 1280, seed=seed)
    height = 1080 + 90 * (job_no % 4)
    return make_sample_image(folder / f"job{job_no}-{item}.jpg", 1440, height, seed=seed)


def _upload_samples(
    http: httpx.Client, folder: Path, job_no: int, count: int, kind: str
) -> list[str]:
    ids = []
    for item in range(count):
        path = _sample(folder, job_no, item, kind)
        with path.open("rb") as fh:
            response = http.post("/v1/media", files={"file": (path.name, fh)})
        response.raise_for_status()
        ids.append(response.json()["id"])
    return ids


def submit_jobs(
    http: httpx.Client, farm: FarmConfig, folder: Path, count: int, kinds: tuple[str, ...]
) -> list[DemoJob]:
    """Submit `count` jobs round-robin over the accounts, due one second apart."""
    jobs = []
    start = datetime.now(UTC) + timedelta(seconds=2)
    for n in range(count):
        account = farm.accounts[n % len(farm.accounts)]
        kind = kinds[n % len(kinds)]
        items = 3 if kind == "carousel" else 1
        media_ids = _upload_samples(http, folder, n, items, kind)
        # stories carry no caption on Instagram
        caption = (
            "" if kind == "story" else f"igfarm demo post {n + 1}: {kind} for {account.username}"
        )
        body = {
            "account": account.username,
            "kind": kind,
            "media": media_ids,
            "caption": caption,
            "scheduled_at": (start + timedelta(seconds=n)).isoformat(),
        }
        response = http.post("/v1/jobs", json=body, headers={"Idempotency-Key": f"demo-{n}"})
        response.raise_for_status()
        jobs.append(DemoJob(response.json()["id"], account.username, kind, caption, items))
    return jobs


def wait_for(http: httpx.Client, jobs: list[DemoJob], timeout_s: float) -> list[dict]:
    deadline = time.monotonic() + timeout_s
    while True:
        states = [http.get(f"/v1/jobs/{j.id}").json() for j in jobs]
        if all(s["state"] in TERMINAL for s in states) or time.monotonic() > deadline:
            return states
        time.sleep(0.5)


def profile_problems(farm_run: LocalFarm, jobs: list[DemoJob]) -> list[str]:
    """Each simulated profile must hold exactly the submitted posts, each once."""
    problems = []
    accounts = {j.account for j in jobs}
    by_account = {a.username: a.device for a in farm_run.farm.accounts if a.username in accounts}
    for username, serial in sorted(by_account.items()):
        published = farm_run.phones[serial].published(username)  # type: ignore[attr-defined]
        expected = sorted((j.caption, j.kind, j.items) for j in jobs if j.account == username)
        actual = sorted((p.caption, p.kind, p.item_count) for p in published)
        if actual != expected:
            problems.append(
                f"{username}: profile has {len(actual)} new posts, expected {len(expected)}"
                f" ({[c for c, _, _ in actual]} vs {[c for c, _, _ in expected]})"
            )
    return problems


def _seconds(due: str, done: str | None) -> str:
    if not done:
        return "-"
    delta = datetime.fromisoformat(done) - datetime.fromisoformat(due)
    return f"{delta.total_seconds():.1f}"


def render_table(states: list[dict]) -> str:
    header = f"{'job':>4}  {'account':<18} {'device':<10} {'kind':<9} {'state':<10} due→published"
    lines = [header, "-" * len(header)]
    for s in states:
        lines.append(
            f"{s['id']:>4}  {s['account']:<18} {s['device']:<10} {s['kind']:<9} "
            f"{s['state']:<10} {_seconds(s['scheduled_at_utc'], s['published_at']):>8} s"
            + (f"  ({s['error']['code']})" if s.get("error") else "")
        )
    return "\n".join(lines)


def show_cyclic_list(http: httpx.Client, farm: FarmConfig, folder: Path) -> list[str]:
    """A cyclic list on the first account (three photos, two a day between 09:00 and 21:00 of
    its zone, from tomorrow for a week): the lines of its next day's jobs."""
    account = farm.accounts[0]
    media = [_upload_samples(http, folder, 900 + n, 1, "feed")[0] for n in range(3)]
    zone = ZoneInfo(account.timezone)
    tomorrow = datetime.now(UTC).astimezone(zone).date() + timedelta(days=1)
    body = {
        "account": account.username,
        "name": "demo evergreen",
        "window_start": "09:00",
        "window_end": "21:00",
        "posts_per_day": 2,
        "start_date": tomorrow.isoformat(),
        "end_date": (tomorrow + timedelta(days=6)).isoformat(),
        "seed": 13,
        "posts": [
            {"kind": "feed", "media": [m], "caption": f"igfarm demo evergreen {n + 1}"}
            for n, m in enumerate(media)
        ],
    }
    created = http.post("/v1/cyclic-lists", json=body)
    created.raise_for_status()
    lst = created.json()
    plan = http.get(f"/v1/cyclic-lists/{lst['id']}/plan").json()
    lines = [
        f"cyclic list {lst['id']} on {lst['account']} ({plan['timezone']}): "
        f"{lst['posts_per_day']} of {len(lst['posts'])} posts a day, "
        f"{lst['window_start']}-{lst['window_end']}, {lst['state']}; next day {plan['day']}:"
    ]
    for job in plan["jobs"]:
        lines.append(
            f"  job {job['id']:>3}  {job['scheduled_at']}  {job['kind']}  {job['caption']}"
        )
    return lines


def run_demo(
    farm: FarmConfig, *, jobs: int, kinds: tuple[str, ...], timeout_s: float, echo=print
) -> bool:  # type: ignore[no-untyped-def]
    """Run the demo; True when every job published and every profile is exactly right (and
    the extra, failing job's notification mail was caught)."""
    from controller import demo_notify
    from controller.mailcatch import MailCatcher

    with tempfile.TemporaryDirectory(prefix="igfarm-demo-") as tmp, MailCatcher() as mail:
        data_dir = Path(tmp)
        local = LocalFarm(
            demo_notify.with_faulty_phone(farm),
            data_dir / "var",
            settings_overrides={
                "dispatch_interval_s": 0.5,
                "min_gap_s": 0,
                "daily_cap": 0,
                **demo_notify.mail_settings(mail),
            },
        )
        local.start()
        local.settings.public_url = local.controller.url
        try:
            echo(
                f"controller on {local.controller.url}, {len(local.phones) - 1} simulated phones"
                " (+1 for the notification demo)"
            )
            headers = {"Authorization": f"Bearer {local.keys['scheduler']}"}
            with httpx.Client(base_url=local.controller.url, headers=headers, timeout=60) as http:
                demo_notify.subscribe(http)
                submitted = submit_jobs(http, farm, data_dir, jobs, kinds)
                failing = demo_notify.submit_failing(http, data_dir)
                echo(f"submitted {len(submitted)} jobs; waiting for them to publish")
                states = wait_for(http, submitted, timeout_s)
                cyclic_lines = show_cyclic_list(http, farm, data_dir)
                echo(render_table(states))
                for line in cyclic_lines:
                    echo(line)
                mailed = demo_notify.report(http, mail, failing, 30, echo)
            problems = profile_problems(local, submitted)
        finally:
            local.stop()
    for problem in problems:
        echo(f"profile mismatch: {problem}")
    published = sum(1 for s in states if s["state"] == "published")
    echo(f"published {published}/{len(states)}")
    return published == len(states) and not problems and mailed
