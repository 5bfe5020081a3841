"""Controller settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Settings:
    """Everything the controller can be told. Environment variables override defaults."""

    data_dir: Path = field(default_factory=lambda: Path(os.environ.get("FARM_DATA_DIR", "var")))
    database_url: str = ""
    secret_keys: list[str] = field(default_factory=list)
    dispatch_interval_s: float = 1.0
    lease_ttl_s: float = 60.0
    max_upload_bytes: int = 200 * 1024 * 1024
    retry_backoff_s: float = 30.0
    min_gap_s: float = 0.0
    daily_cap: int = 0
    webhook_backoff_s: float = 10.0
    webhook_max_attempts: int = 8
    webhook_timeout_s: float = 5.0
    device_offline_after_s: float = 120.0
    max_batch_bytes: int = 4 * 1024 * 1024
    # requests that may hold a database session at once (the pool is sized above it, the
    # thread pool too): a request waits for a slot before it touches the database, never for
    # a thread while it holds a connection
    db_slots: int = 16
    # the longest a claim may wait on the server for work (long-poll)
    claim_wait_max_s: float = 30.0
    # phones one agent may declare (register, heartbeat, claim)
    max_phones_per_agent: int = 256
    # Instagram versions the flows were checked on (farm.yaml `instagram.checked_versions`,
    # FARM_CHECKED_APP_VERSIONS); empty: no phone is flagged
    checked_app_versions: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        if not self.database_url:
            self.database_url = os.environ.get("FARM_DATABASE_URL") or (
                f"sqlite:///{self.data_dir / 'farm.db'}"
            )
        if not self.secret_keys:
            env_keys = os.environ.get("FARM_SECRET_KEYS", "")
            self.secret_keys = [k.strip() for k in env_keys.split(",") if k.strip()]
        if not self.checked_app_versions and os.environ.get("FARM_CHECKED_APP_VERSIONS"):
            raw = os.environ["FARM_CHECKED_APP_VERSIONS"].split(",")
            self.checked_app_versions = [v.strip() for v in raw if v.strip()]
        for name, attr in (
            ("FARM_DISPATCH_INTERVAL", "dispatch_interval_s"),
            ("FARM_LEASE_TTL", "lease_ttl_s"),
            ("FARM_RETRY_BACKOFF", "retry_backoff_s"),
            ("FARM_WEBHOOK_BACKOFF", "webhook_backoff_s"),
            ("FARM_DEVICE_OFFLINE_AFTER", "device_offline_after_s"),
            ("FARM_CLAIM_WAIT_MAX", "claim_wait_max_s"),
        ):
            if os.environ.get(name):
                setattr(self, attr, float(os.environ[name]))
        for name, attr in (
            ("FARM_DB_SLOTS", "db_slots"),
            ("FARM_MAX_PHONES_PER_AGENT", "max_phones_per_agent"),
        ):
            if os.environ.get(name):
                setattr(self, attr, int(os.environ[name]))

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"
