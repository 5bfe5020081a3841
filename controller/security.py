"""API keys, agent tokens and the encryption of Instagram passwords at rest."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

ROLES = ("scheduler", "ops", "agent")


def new_token(prefix: str) -> str:
    """A random bearer secret like `fk_scheduler_…`; shown once, stored only hashed."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SecretBox:
    """Encrypts and decrypts secrets with MultiFernet: the first key encrypts, all keys decrypt."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            raise ValueError("secret cannot be decrypted with the configured keys") from None

    def rotate(self, ciphertext: str) -> str:
        """Re-encrypt under the primary key."""
        return self._fernet.rotate(ciphertext.encode()).decode()


def load_or_create_keys(configured: list[str], data_dir: Path) -> list[str]:
    """Keys from the environment, else a key file in the data dir (created on first use)."""
    if configured:
        return configured
    path = data_dir / "secret.keys"
    if path.exists():
        return [line.strip() for line in path.read_text().splitlines() if line.strip()]
    data_dir.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return [key]
