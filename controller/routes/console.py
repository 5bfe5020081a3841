"""The ops console (`/console`, also `/dashboard`) and the public status page (`/status`):
static pages that read the JSON API with the user's own key, plus the few read routes they
need that the API did not have: the error registry with fixes, a change pulse for live
updates, media thumbnails, a job's failure evidence with the elements to highlight, and the
status page's figures."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, PlainTextResponse, Response
from pydantic import BaseModel
from sqlmodel import Session, func, select

from controller import ownership, statuspage
from controller.config import Settings
from controller.deps import Principal, get_session, get_settings, require
from controller.errors import ApiError, not_found
from controller.models import Account, Device, Job, JobEvent, MediaAsset
from controller.routes.media import media_path
from flows.errors import ERROR_KINDS
from flows.fixes import FIXES
from media.errors import ERROR_CODES

router = APIRouter()
STATIC = Path(__file__).resolve().parent.parent / "console"
ASSETS = {
    "console.js": "text/javascript",
    "notifications.js": "text/javascript",
    "console.css": "text/css",
    "status.js": "text/javascript",
    "team.js": "text/javascript",
    "cyclic.js": "text/javascript",
}


class ErrorInfo(BaseModel):
    code: str
    meaning: str
    fix: str
    retryable: bool
    account_level: bool


class Pulse(BaseModel):
    version: str


class EvidenceItem(BaseModel):
    lease: int | None
    at: str
    reason: str
    screenshot: str | None
    hierarchy: str | None
    screen: str | None = None
    highlight: list[str] = []  # bounds strings ("[l,t][r,b]") of the elements to highlight


class FailureOut(BaseModel):
    job_id: int
    state: str
    error: ErrorInfo | None
    message: str | None
    evidence: list[EvidenceItem]


def _page(name: str) -> FileResponse:
    return FileResponse(
        STATIC / name, media_type="text/html", headers={"Cache-Control": "no-cache"}
    )


@router.get("/console", include_in_schema=False)
def console_page() -> FileResponse:
    """The console: calendar, actions, failures, phones, accounts, uploads."""
    return _page("index.html")


@router.get("/status", include_in_schema=False)
def status_html() -> FileResponse:
    """The public status page (no key)."""
    return _page("status.html")


@router.get("/console/template.csv", include_in_schema=False)
def csv_template() -> PlainTextResponse:
    from controller.batch import CSV_TEMPLATE

    return PlainTextResponse(
        CSV_TEMPLATE,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="igfarm-batch-template.csv"'},
    )


@router.get("/console/{asset}", include_in_schema=False)
def console_asset(asset: str) -> FileResponse:
    if asset not in ASSETS:
        raise not_found("asset", asset)
    return FileResponse(
        STATIC / asset, media_type=ASSETS[asset], headers={"Cache-Control": "no-cache"}
    )


@router.get("/v1/status/page", response_model=statuspage.StatusPageOut, tags=["status"])
def status_page(
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
) -> statuspage.StatusPageOut:
    """The status page's figures (no key): per kind the publishing delay p50/p95 and success
    rate over the last hour and day, phones online, open incidents."""
    return statuspage.status_page(session, settings)


def error_info(code: str | None) -> ErrorInfo | None:
    if not code:
        return None
    kind = ERROR_KINDS.get(code)
    if kind is not None:
        return ErrorInfo(
            code=code,
            meaning=kind.description,
            fix=FIXES.get(code, ""),
            retryable=kind.retryable,
            account_level=kind.account_level,
        )
    media_code = ERROR_CODES.get(code)
    if media_code is not None:
        return ErrorInfo(
            code=code,
            meaning=media_code.description,
            fix=FIXES.get(code, ""),
            retryable=media_code.retryable,
            account_level=False,
        )
    return None


@router.get("/v1/errors", response_model=list[ErrorInfo], tags=["status"])
def list_errors(_: Principal = Depends(require("scheduler"))) -> list[ErrorInfo]:
    """Every failure code a job or a media file can end with: its meaning and the fix."""
    codes = list(ERROR_KINDS) + [c for c in ERROR_CODES if c not in ERROR_KINDS]
    return [info for c in codes if (info := error_info(c)) is not None]


@router.get("/v1/console/pulse", response_model=Pulse, tags=["status"])
def pulse(
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> Pulse:
    """A version of what the console shows: it changes when a job moves, a phone changes
    status or mode, or an account's state changes. The console polls it every second and
    reloads its data only when it changed."""
    # only the jobs the caller may see: a scheduler key learns nothing of another key's posts
    last_event, last_edit = session.exec(
        select(func.max(JobEvent.id), func.max(Job.updated_at))
        .select_from(JobEvent)
        .join(Job, Job.id == JobEvent.job_id)
        .join(Account, Account.id == Job.account_id)
        .where(ownership.visible(principal))
    ).one()
    devices = session.exec(
        select(Device.serial, Device.status, Device.mode, Device.reboot_requested_at)
    ).all()
    accounts = session.exec(
        select(Account.username, Account.state, Account.preflight_at).where(
            ownership.visible(principal)
        )
    ).all()
    digest = hashlib.sha256(repr((last_event, last_edit, devices, accounts)).encode()).hexdigest()
    return Pulse(version=digest[:20])


def _thumbnail(settings: Settings, asset: MediaAsset) -> bytes:
    cache = settings.data_dir / "thumbs" / f"{asset.sha256}.jpg"
    if cache.exists():
        return cache.read_bytes()
    source = media_path(settings, asset.sha256)
    cache.parent.mkdir(parents=True, exist_ok=True)
    if asset.media_type == "image":
        from PIL import Image, ImageOps

        with Image.open(source) as im:
            im.draft("RGB", (320, 320))
            im = ImageOps.exif_transpose(im).convert("RGB")
            im.thumbnail((160, 160))
            im.save(cache, "JPEG", quality=80)
    else:
        from media.ffmpeg import find

        out = cache.with_suffix(".part.jpg")
        cmd = [find().path, "-v", "error", "-y", "-ss", "0.5", "-i", str(source)]
        cmd += ["-frames:v", "1", "-vf", "scale=160:-2", str(out)]
        subprocess.run(cmd, timeout=15, check=True, capture_output=True)
        out.replace(cache)
    return cache.read_bytes()


@router.get(
    "/v1/media/{media_id}/thumbnail",
    tags=["media"],
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}, "description": "JPEG, 160 px"}},
)
def media_thumbnail(
    media_id: str,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    _: Principal = Depends(require("scheduler")),
) -> Response:
    """A small JPEG of the image or of a video's first frames, for the calendar."""
    asset = session.exec(select(MediaAsset).where(MediaAsset.sha256 == media_id)).first()
    if asset is None:
        raise not_found("media", media_id)
    try:
        data = _thumbnail(settings, asset)
    except Exception:
        raise ApiError(422, "thumbnail_failed", f"no thumbnail for {media_id}") from None
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "max-age=86400"})


def _highlight(xml: str) -> tuple[str | None, list[str]]:
    """The screen the flow took the dump for and the bounds of the elements that screen is
    recognised by (what the flow was looking at or for)."""
    from flows.hierarchy import parse
    from flows.resources import ELEMENTS
    from flows.screens import classify
    from flows.selectors import find_all

    try:
        ui = parse(xml)
    except ValueError:
        return None, []
    spec = classify(ui)
    wanted = [*spec.all_of, *spec.any_of, *spec.dismiss]
    bounds = []
    for name in wanted:
        element = ELEMENTS.get(name)
        if element is None:
            continue
        for node in find_all(ui, element):
            b = node.bounds
            bounds.append(f"[{b.left},{b.top}][{b.right},{b.bottom}]")
    return spec.name, bounds


@router.get("/v1/jobs/{job_id}/failure", response_model=FailureOut, tags=["jobs"])
def job_failure(
    job_id: int,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
) -> FailureOut:
    """A job's failure for the console: the code's meaning and suggested fix, and per failed
    attempt its screenshot and UI dump with the elements the flow was looking at."""
    job = session.get(Job, job_id)
    account = session.get(Account, job.account_id) if job is not None else None
    if job is None or account is None or not ownership.sees(principal, account):
        raise not_found("job", job_id)
    items = []
    for event in session.exec(
        select(JobEvent).where(JobEvent.job_id == job_id).order_by(JobEvent.id)
    ).all():
        files = (event.data or {}).get("evidence") or {}
        if not files:
            continue
        shot, dump = files.get("screenshot"), files.get("hierarchy")
        screen, highlight = None, []
        if dump:
            path = settings.evidence_dir / dump
            if path.is_file():
                screen, highlight = _highlight(path.read_text(encoding="utf-8"))
        items.append(
            EvidenceItem(
                lease=event.lease_token,
                at=event.at.isoformat(),
                reason=event.reason,
                screenshot=shot.split("/")[-1] if shot else None,
                hierarchy=dump.split("/")[-1] if dump else None,
                screen=screen,
                highlight=highlight,
            )
        )
    return FailureOut(
        job_id=job_id,
        state=job.state,
        error=error_info(job.error_code),
        message=job.error_message,
        evidence=items,
    )
