"""A post on its way to Instagram: progress phases, outcome, retry."""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator.storage import MediaItem

# Seconds of simulated time an upload takes at speed 1.0, by kind (plus per extra item).
UPLOAD_SECONDS = {"feed": 0.6, "carousel": 0.5, "story": 0.5, "reel": 0.9}
PER_EXTRA_ITEM = 0.1
FINISHING_SHARE = 0.35  # last part of the upload shows "Finishing up"


@dataclass
class Upload:
    """`outcome`: "ok" publishes; "fail" publishes nothing and shows Retry; "lost" publishes
    but the app shows the failure (the server got it, the phone never heard back)."""

    kind: str
    username: str
    caption: str
    items: list[MediaItem]
    audience: str
    started_at: float
    duration: float
    outcome: str = "ok"
    state: str = "running"  # running | done | failed
    attempts: int = 1
    id: int = 0
    hidden: bool = False  # the row left the feed
    extra: dict = field(default_factory=dict)

    def phase(self, now: float) -> str:
        """ "posting", "finishing", or the final state."""
        if self.state != "running":
            return self.state
        if now - self.started_at < self.duration * (1 - FINISHING_SHARE):
            return "posting"
        return "finishing"

    def due(self, now: float) -> bool:
        return self.state == "running" and now >= self.started_at + self.duration


def upload_seconds(kind: str, items: int) -> float:
    return UPLOAD_SECONDS[kind] + PER_EXTRA_ITEM * max(0, items - 1)
