"""Which uploaded media a caller may see and use.

A scheduler key sees the files it uploaded and the shared ones (uploaded or shared by ops);
ops see everything. A file another key uploaded answers exactly as if it did not exist, and
uploading the same bytes again says nothing about who else has them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from controller.deps import Principal
from controller.models import MediaAsset, MediaGrant


def _owner(principal: Principal) -> int | None:
    """The grant an upload by this caller creates: its own key, or shared for ops."""
    return None if principal.role == "ops" else principal.api_key_id


def grant(session: Session, asset: MediaAsset, principal: Principal | None) -> bool:
    """Let `principal` (None: everyone) use `asset`; True if it could not before."""
    key_id = None if principal is None else _owner(principal)
    existing = session.exec(
        select(MediaGrant).where(
            MediaGrant.media_id == asset.id,
            MediaGrant.api_key_id.is_(None)  # type: ignore[union-attr]
            if key_id is None
            else MediaGrant.api_key_id == key_id,
        )
    ).first()
    if existing is not None:
        return False
    session.add(MediaGrant(media_id=asset.id or 0, api_key_id=key_id))
    session.flush()
    return True


def had_it(session: Session, asset: MediaAsset, principal: Principal) -> bool:
    """Did this caller upload these bytes before (an own repeat, answered 200)?"""
    key_id = _owner(principal)
    query = select(MediaGrant.id).where(MediaGrant.media_id == asset.id)
    if key_id is None:
        query = query.where(MediaGrant.api_key_id.is_(None))  # type: ignore[union-attr]
    else:
        query = query.where(MediaGrant.api_key_id == key_id)
    return session.exec(query).first() is not None


def visible(principal: Principal) -> sa.ColumnElement[bool]:
    """A filter on MediaAsset for what `principal` may use."""
    if principal.role == "ops":
        return sa.true()
    grants = select(MediaGrant.media_id).where(
        sa.or_(
            MediaGrant.api_key_id.is_(None),  # type: ignore[union-attr]
            MediaGrant.api_key_id == principal.api_key_id,
        )
    )
    return MediaAsset.id.in_(grants)  # type: ignore[union-attr]
