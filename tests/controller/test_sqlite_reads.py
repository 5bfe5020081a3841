"""On SQLite a GET reads its snapshot without the write lock: a writer holding the lock (the
dispatcher, a completion) does not make a listing wait, and no listing makes a writer wait."""

from __future__ import annotations

import sqlite3
import time

import pytest

from tests.controller.conftest import Api


def test_listing_jobs_does_not_wait_for_the_write_lock(api: Api) -> None:
    url = api.client.app.state.settings.database_url  # type: ignore[attr-defined]
    if not url.startswith("sqlite"):
        pytest.skip("the write lock is SQLite's")
    api.device()
    api.account()
    job = api.job([api.upload()])
    writer = sqlite3.connect(url.split("///", 1)[1], isolation_level=None, timeout=1)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another writer holds the lock …
        started = time.monotonic()
        r = api.client.get("/v1/jobs", headers=api.as_("scheduler"))
        took = time.monotonic() - started
        assert r.status_code == 200, r.text
        assert [j["id"] for j in r.json()["jobs"]] == [job["id"]]
        assert took < 5, f"the listing waited {took:.1f} s for the write lock"
        one = api.client.get(f"/v1/jobs/{job['id']}", headers=api.as_("scheduler"))
        assert one.status_code == 200
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    # a write still takes the lock at its start (read-then-write stays serialised)
    r = api.client.post(f"/v1/jobs/{job['id']}/pause", headers=api.as_("scheduler"))
    assert r.status_code == 200, r.text
