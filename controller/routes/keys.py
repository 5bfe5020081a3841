"""API keys for ops: list, create, revoke (`farm keys list|create|revoke` do the same on
the database directly)."""

from __future__ import annotations

import structlog
from fastapi import APIRouter, Depends
from sqlmodel import Session

from controller import keys
from controller.deps import Principal, get_session, require
from controller.errors import ApiError
from controller.models import ApiKey
from controller.schedule import to_utc_in_range
from controller.schemas import KeyCreatedOut, KeyIn, KeyOut, RowId
from controller.timeutil import utcnow

router = APIRouter(prefix="/v1/keys", tags=["keys"])
log = structlog.get_logger()


def key_out(key: ApiKey) -> KeyOut:
    return KeyOut(
        id=key.id or 0,
        name=key.name,
        role=key.role,
        prefix=key.prefix,
        agent=key.agent_name,
        status=keys.key_status(key),  # type: ignore[arg-type]
        created_at=key.created_at,
        expires_at=key.expires_at,
        revoked_at=key.revoked_at,
    )


@router.get("", response_model=list[KeyOut])
def list_keys(
    session: Session = Depends(get_session, scope="function"),
    _: Principal = Depends(require("ops")),
) -> list[KeyOut]:
    """Every key (never the key itself): role, agent name, status, expiry."""
    return [key_out(k) for k in keys.list_keys(session)]


@router.post("", status_code=201, response_model=KeyCreatedOut)
def create_key(
    body: KeyIn,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("ops")),
) -> KeyCreatedOut:
    """A new key, shown once. An agent key names its agent (`agent`); `expires_at` or
    `expires_in` (`30d`) make it stop working by itself."""
    if body.expires_at is not None and body.expires_in is not None:
        raise ApiError(422, "invalid_value", "give expires_at or expires_in, not both")
    if body.expires_at is not None and body.expires_at.tzinfo is None:
        raise ApiError(422, "timezone_required", "expires_at needs an offset")
    try:
        expires_at = None if body.expires_at is None else to_utc_in_range(body.expires_at)
        if body.expires_in is not None:
            expires_at = utcnow() + keys.parse_duration(body.expires_in)
        row, secret = keys.create_key(
            session, body.role, body.name, agent=body.agent, expires_at=expires_at
        )
    except keys.KeyError_ as exc:
        raise ApiError(422, exc.code, str(exc)) from None
    except OverflowError:
        raise ApiError(422, "invalid_value", "expiry out of range") from None
    log.info("key_created", key_id=row.id, role=row.role, by=principal.name)
    return KeyCreatedOut(**key_out(row).model_dump(), key=secret)


@router.post("/{key_id}/revoke", response_model=KeyOut)
def revoke_key(
    key_id: RowId,
    session: Session = Depends(get_session, scope="function"),
    principal: Principal = Depends(require("ops")),
) -> KeyOut:
    """Revoke at once: the key (and the token of an agent registered with it) stop working
    on their next request. Idempotent."""
    key = session.get(ApiKey, key_id)
    if key is None:
        raise ApiError(404, "key_not_found", f"no key {key_id}")
    keys.revoke_key(session, key)
    log.info("key_revoked", key_id=key.id, by=principal.name)
    return key_out(key)
