"""Cyclic-list planner cost: prints one JSON document.

`--lists` active lists (five per account, five accounts per phone, `--posts` posts each,
`--per-day` a day, window 09:00-21:00 Europe/Madrid) on a fresh database; then the
background pass (`controller.cyclic.run_pass`) with a fake clock: once when every list's next
day is to be planned (the first pass after midnight), then twice at rest (the pass that runs
every dispatch interval and finds nothing to do). Reported: seconds and jobs made per pass.

Usage: python bench/cyclic.py [--lists 500] [--posts 4] [--per-day 3]
       [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from datetime import time as wall
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session  # noqa: E402

from bench.chaos import drop_postgres_database, new_postgres_database  # noqa: E402
from controller import cyclic  # noqa: E402
from controller.config import Settings  # noqa: E402
from controller.db import make_engine, migrate  # noqa: E402
from controller.models import Account, CyclicList, CyclicPost, Device, MediaAsset  # noqa: E402


def seed(url: str, lists: int, posts: int, per_day: int) -> None:
    engine = make_engine(url)
    with Session(engine) as s:
        asset = MediaAsset(
            sha256="0" * 64, media_type="image", format="jpeg", width=1080, height=1080, bytes=1
        )
        s.add(asset)
        s.flush()
        made = 0
        while made < lists:
            device = Device(serial=f"bench-{made}")
            s.add(device)
            s.flush()
            for a in range(5):
                account = Account(
                    username=f"bench{made}_{a}", device_id=device.id or 0, timezone="Europe/Madrid"
                )
                s.add(account)
                s.flush()
                for n in range(5):
                    if made >= lists:
                        break
                    lst = CyclicList(
                        account_id=account.id or 0,
                        name=f"list {made}",
                        window_start=wall(9),
                        window_end=wall(21),
                        posts_per_day=per_day,
                        start_date=date(2027, 1, 1),
                        end_date=date(2027, 12, 31),
                        seed=n,
                    )
                    s.add(lst)
                    s.flush()
                    for _ in range(posts):
                        s.add(CyclicPost(list_id=lst.id or 0, kind="feed", media_ids=[asset.id]))
                    made += 1
        s.commit()
    engine.dispose()


def run(url: str, lists: int, posts: int, per_day: int) -> dict:
    migrate(url)
    seed(url, lists, posts, per_day)
    engine = make_engine(url)
    settings = Settings(database_url=url)
    passes = []
    for label, now in (
        ("plan the next day", datetime(2027, 3, 1, 21, 0, tzinfo=UTC)),
        ("at rest", datetime(2027, 3, 1, 21, 5, tzinfo=UTC)),
        ("at rest again", datetime(2027, 3, 1, 21, 6, tzinfo=UTC)),
    ):
        started = time.perf_counter()
        with Session(engine) as s:
            made = cyclic.run_pass(s, settings, now)
            s.commit()
        passes.append(
            {"pass": label, "jobs": made, "seconds": round(time.perf_counter() - started, 4)}
        )
    engine.dispose()
    return {
        "database": url.split(":", 1)[0],
        "lists": lists,
        "posts": posts,
        "per_day": per_day,
        "passes": passes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=int, default=500)
    parser.add_argument("--posts", type=int, default=4)
    parser.add_argument("--per-day", type=int, default=3)
    parser.add_argument("--database-url", help="a PostgreSQL admin URL (default: SQLite)")
    args = parser.parse_args()
    if args.database_url:
        url, name = new_postgres_database(args.database_url.replace("+psycopg", ""))
        try:
            report = run(
                url.replace("postgresql://", "postgresql+psycopg://", 1),
                args.lists,
                args.posts,
                args.per_day,
            )
        finally:
            drop_postgres_database(args.database_url.replace("+psycopg", ""), name)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-cyclic-") as tmp:
            report = run(f"sqlite:///{Path(tmp) / 'farm.db'}", args.lists, args.posts, args.per_day)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
