"""`farm keys rotate`: re-encrypt every stored secret (account passwords, webhook secrets)
under a new encryption key, while controllers keep serving.

Key file (the default, `<data dir>/secret.keys`): `rotate_keys` writes a new key in front of
the old ones (atomically), then re-encrypts row by row in short transactions. Controllers read
the file again when a secret does not decrypt, so none needs a restart. `retire_old_keys`
later drops the old keys once every secret decrypts under the new one.

Keys in `FARM_SECRET_KEYS`: the environment cannot be changed from here, so rotation is three
steps: (1) append a new key to the list and restart controllers; (2) move it first, restart,
run `farm keys rotate` (re-encrypts under the first key); (3) drop the old key, restart.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlmodel import Session, select

from controller.config import Settings
from controller.models import Account, Webhook
from controller.security import SecretBox, key_file_path, read_key_file, write_key_file

# (table, column) pairs holding Fernet tokens
ENCRYPTED = ((Account, "password_enc"), (Webhook, "secret_enc"))


@dataclass
class Rotation:
    secrets: int
    keys: int
    key_file: str | None


def reencrypt_all(engine: sa.Engine, box: SecretBox, *, batch: int = 100) -> int:
    """Re-encrypt every stored secret under `box`'s first key; returns how many."""
    count = 0
    for model, column in ENCRYPTED:
        last_id = 0
        while True:
            with Session(engine) as session:
                rows = session.exec(
                    select(model)
                    .where(model.id > last_id)  # type: ignore[attr-defined]
                    .order_by(model.id)  # type: ignore[attr-defined]
                    .limit(batch)
                    .with_for_update()
                ).all()
                if not rows:
                    break
                for row in rows:
                    token = getattr(row, column)
                    if token:
                        setattr(row, column, box.rotate(token))
                        session.add(row)
                        count += 1
                last_id = rows[-1].id
                session.commit()
    return count


def rotate_keys(settings: Settings, engine: sa.Engine) -> Rotation:
    """A new primary key (key file) or the first of FARM_SECRET_KEYS, and every secret
    re-encrypted under it."""
    if settings.secret_keys:
        box = SecretBox(settings.secret_keys)
        return Rotation(reencrypt_all(engine, box), len(settings.secret_keys), None)
    path = key_file_path(settings.data_dir)
    old = read_key_file(path)
    if not old:
        raise ValueError(f"no key file at {path}: nothing to rotate")
    keys = [Fernet.generate_key().decode(), *old]
    write_key_file(path, keys)
    return Rotation(reencrypt_all(engine, SecretBox(keys)), len(keys), str(path))


def retire_old_keys(settings: Settings, engine: sa.Engine) -> int:
    """Keep only the primary key in the key file, after checking that every stored secret
    decrypts with it alone (else ValueError: run `rotate` first). Returns keys dropped."""
    if settings.secret_keys:
        raise ValueError("keys come from FARM_SECRET_KEYS: remove the old key there")
    path = key_file_path(settings.data_dir)
    keys = read_key_file(path)
    primary = SecretBox(keys[:1])
    with Session(engine) as session:
        for model, column in ENCRYPTED:
            for token in session.exec(select(getattr(model, column))).all():
                if token:
                    primary.decrypt(token)
    write_key_file(path, keys[:1])
    return len(keys) - 1
