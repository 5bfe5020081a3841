"""Bodies are bounded: a caller without a valid key gets 401 before a byte of its body is
read, an oversized body 413 by its Content-Length or as soon as the stream passes the cap."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import FastAPI

from controller.config import Settings
from tests.controller.conftest import Api

CHUNK = 64 * 1024


def _call(
    app: FastAPI,
    method: str,
    path: str,
    *,
    key: str | None,
    chunks: int,
    declared: int | None,
    content_type: bytes = b"application/json",
    prefix: bytes = b"",
) -> tuple[int, dict[str, Any], int]:
    """Send `chunks` chunks of 64 KiB straight to the ASGI app; returns status, JSON body and
    how many chunks the app pulled."""
    pulled = 0
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled >= chunks:
            return {"type": "http.disconnect"}
        pulled += 1
        body = prefix + b"x" * (CHUNK - len(prefix)) if pulled == 1 else b"x" * CHUNK
        return {"type": "http.request", "body": body, "more_body": pulled < chunks}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    headers = [(b"content-type", content_type)]
    if declared is None:
        headers.append((b"transfer-encoding", b"chunked"))
    else:
        headers.append((b"content-length", str(declared).encode()))
    if key:
        headers.append((b"authorization", f"Bearer {key}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "app": app,
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return start["status"], json.loads(body), pulled


def test_unauthenticated_body_is_refused_unread(api: Api) -> None:
    app = api.client.app
    for path, ctype in (("/v1/jobs", b"application/json"), ("/v1/media", b"multipart/form-data")):
        for declared in (1024**3, None):  # a declared 1 GB, and a chunked stream
            status, body, pulled = _call(
                app, "POST", path, key=None, chunks=1000, declared=declared, content_type=ctype
            )
            assert status == 401 and body["error"]["code"] == "unauthorized"
            assert pulled == 0
        status, body, pulled = _call(
            app, "POST", path, key="fk_scheduler_forged", chunks=10, declared=None
        )
        assert (status, pulled) == (401, 0)


def test_declared_oversize_is_refused_unread(api: Api, settings: Settings) -> None:
    app = api.client.app
    status, body, pulled = _call(
        app, "POST", "/v1/jobs", key=api.keys["scheduler"], chunks=1000, declared=1024**3
    )
    assert (status, body["error"]["code"], pulled) == (413, "payload_too_large", 0)
    status, body, pulled = _call(
        app,
        "POST",
        "/v1/media",
        key=api.keys["scheduler"],
        chunks=1000,
        declared=settings.max_upload_bytes + 10**6,
        content_type=b"multipart/form-data; boundary=x",
    )
    assert (status, body["error"]["code"], pulled) == (413, "file_too_large", 0)


def test_streamed_oversize_is_cut_at_the_cap(api: Api, settings: Settings) -> None:
    app = api.client.app
    settings.max_json_bytes = 4 * CHUNK
    status, body, pulled = _call(
        app, "POST", "/v1/jobs", key=api.keys["scheduler"], chunks=1000, declared=None
    )
    assert (status, body["error"]["code"]) == (413, "payload_too_large")
    assert pulled == 5  # the chunk that passed the cap, not one more
    settings.max_upload_bytes = 8 * CHUNK
    status, body, pulled = _call(
        app,
        "POST",
        "/v1/media",
        key=api.keys["scheduler"],
        chunks=1000,
        declared=None,
        content_type=b"multipart/form-data; boundary=xyz",
        prefix=(
            b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n'
            b"Content-Type: image/jpeg\r\n\r\n"
        ),
    )
    assert (status, body["error"]["code"]) == (413, "file_too_large")
    assert pulled <= 8 + 2
    assert not [p for p in settings.media_dir.rglob("*") if p.is_file()]


def test_caps_per_route(settings: Settings) -> None:
    from controller.limits import cap_for

    assert cap_for(settings, "POST", "/v1/media").limit > settings.max_upload_bytes
    assert cap_for(settings, "POST", "/v1/jobs:batch").limit == settings.max_batch_bytes
    assert cap_for(settings, "POST", "/v1/leases/7/complete").limit == settings.max_evidence_bytes
    assert cap_for(settings, "PATCH", "/v1/jobs/7").limit == settings.max_json_bytes


def test_small_bodies_still_work(api: Api) -> None:
    api.device()
    api.account()
    media = api.upload()
    api.job([media])
    r = api.client.post("/v1/jobs", content=b"{}", headers={"Content-Type": "application/json"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
