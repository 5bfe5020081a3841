"""Batch submission: up to 500 jobs from CSV or JSON, each row reported on its own.

The CSV has a header row; columns (order free, only the first five required):

    account,kind,media,scheduled_at,caption,timezone,fit,approval_required,idempotency_key

`media` holds one or more media ids separated by `|` (carousel items in order). Empty cells
mean "not given". `farm jobs template` prints `CSV_TEMPLATE`.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from controller.config import Settings
from controller.deps import Principal
from controller.errors import ApiError, describe_validation
from controller.schemas import BatchOut, BatchRow, JobError, JobIn
from controller.submission import create_job, prior_submission

MAX_ROWS = 500
REQUIRED_COLUMNS = ("account", "kind", "media", "scheduled_at")
COLUMNS = (
    *REQUIRED_COLUMNS,
    "caption",
    "timezone",
    "fit",
    "approval_required",
    "idempotency_key",
)
CSV_TEMPLATE = (
    ",".join(COLUMNS)
    + "\n"
    + "acme.shop,feed,<media id>,2026-12-01T09:30:00+01:00,New arrivals,,pad,false,order-1001\n"
    + "acme.shop,carousel,<media id>|<media id>|<media id>,2026-12-01 18:00,Lookbook,"
    + "Europe/Madrid,crop,false,order-1002\n"
    + "acme.shop,story,<media id>,2026-12-02T08:00:00Z,,,pad,true,order-1003\n"
)
TRUE = {"true", "1", "yes", "y"}
FALSE = {"false", "0", "no", "n", ""}


def rows_from_csv(raw: bytes) -> list[dict[str, Any]]:
    """Parse the CSV body into job dicts; header problems are a 422 for the whole request."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(422, "invalid_csv", "the CSV is not UTF-8") from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = [h.strip() for h in (reader.fieldnames or [])]
        unknown = [h for h in header if h not in COLUMNS]
        if unknown:
            raise ApiError(422, "unknown_column", f"unknown CSV column(s): {', '.join(unknown)}")
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise ApiError(422, "missing_column", f"CSV lacks column(s): {', '.join(missing)}")
        reader.fieldnames = header
        rows = []
        for record in reader:
            if len(rows) >= MAX_ROWS:
                raise ApiError(422, "batch_too_large", f"at most {MAX_ROWS} rows per batch")
            rows.append(_row(record))
        return rows
    except csv.Error as exc:
        raise ApiError(422, "invalid_csv", f"CSV line {reader.line_num}: {exc}") from None


def _row(record: dict[str | Any, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in record.items():
        if key is None or not isinstance(value, str):
            row["__extra__"] = True  # more cells than header columns
            continue
        value = value.strip()
        if value == "" and key != "approval_required":
            continue
        if key == "media":
            row[key] = [m for m in value.replace("|", " ").split() if m]
        elif key == "approval_required":
            flag = value.lower()
            row[key] = True if flag in TRUE else False if flag in FALSE else value
        else:
            row[key] = value
    return row


def submit_rows(
    session: Session,
    rows: list[dict[str, Any]],
    principal: Principal,
    *,
    all_or_nothing: bool,
    settings: Settings | None = None,
) -> BatchOut:
    """Create each row's job. With `all_or_nothing`, any error undoes them all (422
    `batch_rejected`, rows reported); otherwise good rows are kept."""
    results: list[BatchRow] = []
    seen: dict[tuple[str, ...], Any] = {}  # accounts and media checked for earlier rows
    for number, row in enumerate(rows, start=1):
        try:
            if not isinstance(row, dict):
                raise ApiError(422, "invalid_row", "a row must be a JSON object")
            if row.get("__extra__"):
                raise ApiError(422, "invalid_row", "more cells than header columns")
            fields = dict(row)
            key = fields.pop("idempotency_key", None)
            if key is not None and (not isinstance(key, str) or not 0 < len(key) <= 200):
                raise ApiError(422, "invalid_field", "idempotency_key: 1 to 200 characters")
            try:
                body = JobIn.model_validate(fields)
            except ValidationError as exc:
                code, message = describe_validation(exc.errors())
                raise ApiError(422, code, message) from None
            duplicate = prior_submission(session, principal, key, body) is not None
            job = create_job(session, body, principal, key, settings, seen)
            results.append(
                BatchRow(row=number, status="duplicate" if duplicate else "created", job_id=job.id)
            )
        except ApiError as exc:
            if exc.status == 409 and exc.code == "duplicate_submission":
                raise
            results.append(
                BatchRow(
                    row=number, status="error", error=JobError(code=exc.code, message=exc.message)
                )
            )
    errors = sum(1 for r in results if r.status == "error")
    if all_or_nothing and errors:
        session.rollback()
        for r in results:
            if r.status == "created":
                r.status, r.job_id = "not_created", None
        raise ApiError(
            422,
            "batch_rejected",
            f"{errors} row(s) have errors; nothing was created (all_or_nothing)",
            rows=[r.model_dump(exclude_none=True) for r in results],
        )
    return BatchOut(
        created=sum(1 for r in results if r.status == "created"),
        duplicates=sum(1 for r in results if r.status == "duplicate"),
        errors=errors,
        rows=results,
    )
