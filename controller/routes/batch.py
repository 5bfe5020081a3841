"""`POST /v1/jobs:batch`: up to 500 jobs in one CSV or JSON request, reported per row."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from controller import batch
from controller.config import Settings
from controller.deps import Principal, get_session, get_settings, require
from controller.errors import ApiError, describe_validation
from controller.schemas import BatchIn, BatchOut

router = APIRouter(prefix="/v1", tags=["jobs"])

_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": BatchIn.model_json_schema(),
                "example": {
                    "all_or_nothing": False,
                    "jobs": [
                        {
                            "account": "acme.shop",
                            "kind": "feed",
                            "media": ["<media id>"],
                            "caption": "New arrivals",
                            "scheduled_at": "2026-12-01T09:30:00+01:00",
                            "idempotency_key": "order-1001",
                        }
                    ],
                },
            },
            "text/csv": {"schema": {"type": "string"}, "example": batch.CSV_TEMPLATE},
        },
    }
}


async def _read_capped(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "payload_too_large", f"batch body exceeds {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "payload_too_large", f"batch body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/jobs:batch", response_model=BatchOut, openapi_extra=_BODY)
async def submit_batch(
    request: Request,
    all_or_nothing: bool = Query(default=False, description="CSV: undo every row on any error"),
    settings: Settings = Depends(get_settings),
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> BatchOut:
    """Submit up to 500 jobs as JSON (`{"jobs": [...], "all_or_nothing": false}`) or CSV
    (`Content-Type: text/csv`, template: `farm jobs template`). Each row is `created`,
    `duplicate` (its `idempotency_key` was seen with the same content) or `error` with a code;
    rows are numbered from 1. With `all_or_nothing` any error creates nothing: 422
    `batch_rejected` with the rows in `error.details.rows`."""
    raw = await _read_capped(request, settings.max_batch_bytes)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("text/csv", "application/csv"):
        rows = batch.rows_from_csv(raw)
        strict = all_or_nothing
    elif content_type in ("application/json", ""):
        try:
            parsed = BatchIn.model_validate_json(raw or b"null")
        except ValidationError as exc:
            code, message = describe_validation(exc.errors())
            raise ApiError(422, code, message) from None
        rows, strict = parsed.jobs, parsed.all_or_nothing or all_or_nothing
    else:
        raise ApiError(415, "unsupported_media_type", "send application/json or text/csv")
    if not rows:
        raise ApiError(422, "empty_batch", "the batch has no rows")
    return await _in_thread(session, rows, principal, strict, settings)


async def _in_thread(
    session: Session, rows: list, principal: Principal, strict: bool, settings: Settings
) -> BatchOut:
    def work() -> BatchOut:
        return batch.submit_rows(session, rows, principal, all_or_nothing=strict, settings=settings)

    return await run_in_threadpool(work)
