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
    # how long an idle keep-alive connection stays open: longer than clients keep theirs (httpx
    # 5 s, load balancers 60 s), so the server never closes one a client is reusing that same
    # moment (the client would get "connection reset" on a request the server never read)
    keep_alive_s: float = 75.0
    # phones one agent may declare (register, heartbeat, claim)
    max_phones_per_agent: int = 256
    # Instagram versions the flows were checked on (farm.yaml `instagram.checked_versions`,
    # FARM_CHECKED_APP_VERSIONS); empty: no phone is flagged
    checked_app_versions: list[str] = field(default_factory=list)
    max_json_bytes: int = 1024 * 1024
    max_evidence_bytes: int = 16 * 1024 * 1024
    past_due_grace_s: float = 900.0
    max_past_due_s: float = 7 * 86400.0
    max_schedule_ahead_days: float = 5 * 365.0
    webhook_allowed_hosts: list[str] = field(default_factory=list)
    max_accounts_per_key_per_device: int = 2
    webhook_per_subscriber: int = 2
    webhook_concurrency: int = 8
    # post statistics: read an account's counters this often (0: never, the default: a
    # reading drives the phone, so ops opt in, e.g. FARM_STATS_INTERVAL=21600 for every 6 h),
    # only when none of the phone's jobs falls due within the margin; this many recent posts
    stats_interval_s: float = 0.0
    stats_margin_s: float = 900.0
    stats_max_posts: int = 6
    stats_per_pass: int = 50  # at most this many stats leases opened by one dispatch pass
    # notification mail (controller/notifications.py): no SMTP host, no mail (in-app only);
    # the password comes from the environment only and is never shown (repr, logs, API)
    smtp_host: str = field(default_factory=lambda: os.environ.get("FARM_SMTP_HOST", ""))
    smtp_port: int = field(default_factory=lambda: int(os.environ.get("FARM_SMTP_PORT") or 25))
    smtp_starttls: bool = field(
        default_factory=lambda: (
            os.environ.get("FARM_SMTP_STARTTLS", "").lower() in ("1", "true", "yes", "on")
        )
    )
    smtp_user: str = field(default_factory=lambda: os.environ.get("FARM_SMTP_USER", ""))
    smtp_password: str = field(
        default_factory=lambda: os.environ.get("FARM_SMTP_PASSWORD", ""), repr=False
    )
    smtp_from: str = field(
        default_factory=lambda: os.environ.get("FARM_SMTP_FROM", "igfarm <igfarm@localhost>")
    )
    smtp_timeout_s: float = 10.0
    mail_backoff_s: float = 30.0
    mail_max_attempts: int = 10
    # the console's address as subscribers reach it: the links in the mail
    public_url: str = field(
        default_factory=lambda: os.environ.get("FARM_PUBLIC_URL", "http://127.0.0.1:8700")
    )
    # best time to post (controller/best_time.py): re-read an account's audience on its phone
    # after this long (FARM_AUDIENCE_REFRESH_DAYS; 0: only when asked, never by itself); an
    # insights lease only goes to a phone none
    # of whose accounts has a job due within `audience_quiet_s` (FARM_AUDIENCE_QUIET); a failed
    # or lost reading is tried again after `audience_retry_s`; with no data at all "best" is
    # this local hour (FARM_BEST_TIME_DEFAULT_HOUR)
    audience_refresh_days: float = 7.0
    audience_quiet_s: float = 1800.0
    audience_retry_s: float = 3600.0
    best_time_default_hour: int = 18

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        if not self.database_url:
            self.database_url = os.environ.get("FARM_DATABASE_URL") or (
                f"sqlite:///{self.data_dir / 'farm.db'}"
            )
        if not self.webhook_allowed_hosts:
            allowed = os.environ.get("FARM_WEBHOOK_ALLOWED_HOSTS", "")
            self.webhook_allowed_hosts = [h.strip() for h in allowed.split(",") if h.strip()]
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
            ("FARM_PAST_DUE_GRACE", "past_due_grace_s"),
            ("FARM_MAX_PAST_DUE", "max_past_due_s"),
            ("FARM_MAX_SCHEDULE_AHEAD_DAYS", "max_schedule_ahead_days"),
            ("FARM_CLAIM_WAIT_MAX", "claim_wait_max_s"),
            ("FARM_KEEP_ALIVE", "keep_alive_s"),
            ("FARM_STATS_INTERVAL", "stats_interval_s"),
            ("FARM_STATS_MARGIN", "stats_margin_s"),
            ("FARM_AUDIENCE_REFRESH_DAYS", "audience_refresh_days"),
            ("FARM_AUDIENCE_QUIET", "audience_quiet_s"),
        ):
            if os.environ.get(name):
                setattr(self, attr, float(os.environ[name]))
        for name, attr in (
            ("FARM_MAX_UPLOAD_BYTES", "max_upload_bytes"),
            ("FARM_MAX_BATCH_BYTES", "max_batch_bytes"),
            ("FARM_MAX_JSON_BYTES", "max_json_bytes"),
            ("FARM_MAX_EVIDENCE_BYTES", "max_evidence_bytes"),
            ("FARM_DB_SLOTS", "db_slots"),
            ("FARM_MAX_PHONES_PER_AGENT", "max_phones_per_agent"),
            ("FARM_STATS_MAX_POSTS", "stats_max_posts"),
            ("FARM_BEST_TIME_DEFAULT_HOUR", "best_time_default_hour"),
        ):
            if os.environ.get(name):
                setattr(self, attr, int(os.environ[name]))

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"
