"""Uploading media: stored once under its SHA-256, type checked by content, size capped."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Response, UploadFile
from fastapi.responses import FileResponse
from sqlmodel import Session, select

import media
from controller import media_access
from controller.config import Settings
from controller.deps import Principal, get_session, get_settings, require, require_agent
from controller.errors import ApiError, not_found
from controller.models import MediaAsset
from controller.schemas import MediaOut

router = APIRouter(prefix="/v1/media", tags=["media"])
CHUNK = 1024 * 1024


def media_path(settings: Settings, sha256: str) -> Path:
    return settings.media_dir / sha256[:2] / sha256


def media_out(asset: MediaAsset) -> MediaOut:
    return MediaOut(
        id=asset.sha256,
        media_type=asset.media_type,
        format=asset.format,
        width=asset.width,
        height=asset.height,
        duration_s=asset.duration_s,
        bytes=asset.bytes,
    )


@router.post("", status_code=201, response_model=MediaOut)
def upload_media(
    file: UploadFile,
    response: Response,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    principal: Principal = Depends(require("scheduler")),
) -> MediaOut:
    """Upload an image or video (multipart field `file`). Uploading the same bytes twice
    returns the same id (200 the second time). A key sees and uses only the media it
    uploaded and the shared ones (uploaded or shared by ops)."""
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=settings.media_dir, prefix=".upload-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := file.file.read(CHUNK):
                size += len(chunk)
                if size > settings.max_upload_bytes:
                    raise ApiError(
                        413,
                        "file_too_large",
                        f"upload exceeds {settings.max_upload_bytes} bytes",
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ApiError(422, "empty_file", "the uploaded file is empty")
        sha = digest.hexdigest()
        existing = session.exec(select(MediaAsset).where(MediaAsset.sha256 == sha)).first()
        if existing is not None:
            # 200 only for this caller's own repeat: whether another key uploaded the same
            # bytes is not told (201 either way)
            if media_access.had_it(session, existing, principal):
                response.status_code = 200
            else:
                media_access.grant(session, existing, principal)
                session.commit()
            return media_out(existing)
        try:
            info = media.probe(tmp)
        except media.MediaError as exc:
            raise ApiError(422, exc.code, exc.message) from None
        final = media_path(settings, sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
        asset = MediaAsset(
            sha256=sha,
            media_type=info.kind,
            format=info.format,
            width=info.width,
            height=info.height,
            duration_s=info.duration,
            fps=info.fps,
            video_codec=info.video_codec,
            audio_codec=info.audio_codec,
            bytes=size,
        )
        session.add(asset)
        session.flush()
        media_access.grant(session, asset, principal)
        return media_out(asset)
    finally:
        tmp.unlink(missing_ok=True)


@router.get("/{media_id}", response_model=MediaOut)
def get_media(
    media_id: str,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("scheduler")),
) -> MediaOut:
    """What was probed at upload: type, format, size, duration (another key's media is
    404 `media_not_found`)."""
    return media_out(_visible(session, principal, media_id))


def _visible(session: Session, principal: Principal, media_id: str) -> MediaAsset:
    asset = session.exec(
        select(MediaAsset).where(MediaAsset.sha256 == media_id, media_access.visible(principal))
    ).first()
    if asset is None:
        raise not_found("media", media_id)
    return asset


@router.post("/{media_id}/share", response_model=MediaOut)
def share_media(
    media_id: str,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("ops")),
) -> MediaOut:
    """Ops: let every key use this file."""
    asset = _visible(session, principal, media_id)
    media_access.grant(session, asset, None)
    session.commit()
    return media_out(asset)


@router.get("/{media_id}/content", response_class=FileResponse)
def download_media(
    media_id: str,
    session: Session = Depends(get_session, scope="function"),
    settings: Settings = Depends(get_settings),
    _: Principal = Depends(require_agent),
) -> FileResponse:
    """The original bytes, for agents."""
    asset = session.exec(select(MediaAsset).where(MediaAsset.sha256 == media_id)).first()
    if asset is None:
        raise not_found("media", media_id)
    return FileResponse(media_path(settings, asset.sha256), media_type="application/octet-stream")
