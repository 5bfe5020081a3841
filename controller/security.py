"""API keys, agent tokens and the encryption of Instagram passwords at rest."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

if TYPE_CHECKING:
    from controller.config import Settings

ROLES = ("scheduler", "ops", "agent")


def new_token(prefix: str) -> str:
    """A random bearer secret like `fk_scheduler_…`; shown once, stored only hashed."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SecretBox:
    """Encrypts and decrypts secrets with MultiFernet: the first key encrypts, all keys decrypt.

    Built from a key file, it re-reads the file when a secret does not decrypt: after
    `farm keys rotate` prepends a new key there, running controllers pick it up without a
    restart."""

    def __init__(self, keys: list[str], key_file: Path | None = None) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self.key_file = key_file
        self._load(keys)

    @classmethod
    def for_settings(cls, settings: Settings) -> SecretBox:
        keys = load_or_create_keys(settings.secret_keys, settings.data_dir)
        return cls(keys, None if settings.secret_keys else key_file_path(settings.data_dir))

    def _load(self, keys: list[str]) -> None:
        self.keys = list(keys)
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            if self.key_file is not None and self._reload():
                return self.decrypt(ciphertext)
            raise ValueError("secret cannot be decrypted with the configured keys") from None

    def _reload(self) -> bool:
        """Re-read the key file; True if it holds keys we did not have."""
        assert self.key_file is not None
        keys = read_key_file(self.key_file)
        if not keys or keys == self.keys:
            return False
        self._load(keys)
        return True

    def rotate(self, ciphertext: str) -> str:
        """Re-encrypt under the primary key."""
        return self._fernet.rotate(ciphertext.encode()).decode()


def key_file_path(data_dir: Path) -> Path:
    return data_dir / "secret.keys"


def read_key_file(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def write_key_file(path: Path, keys: list[str]) -> None:
    """Replace the key file atomically (readers see the old or the new list, never half)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("".join(k + "\n" for k in keys))
    os.replace(tmp, path)


def load_or_create_keys(configured: list[str], data_dir: Path) -> list[str]:
    """Keys from the environment, else a key file in the data dir (created on first use)."""
    if configured:
        return configured
    path = key_file_path(data_dir)
    if path.exists():
        return read_key_file(path)
    data_dir.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode()
    # written whole under a private name, then linked in place: link fails if the file exists,
    # so of two replicas starting at once one creates it and the other reads the winner's key
    tmp = data_dir / f".secret.keys.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        return read_key_file(path)
    finally:
        tmp.unlink(missing_ok=True)
    return [key]
