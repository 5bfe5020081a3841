"""The agent's outbox: every lease outcome is written to disk before it is first sent, and
re-sent (same token, same body: the controller answers a repeated completion as it did the
first) until the controller answers it. A lost answer, a controller restart or a killed agent
never loses an outcome, and a lease is never left alive by a completion that did not arrive.

One JSON file per lease token in the agent's state directory (written to a temporary name,
then renamed, so a file is always whole). An entry leaves on a 2xx or on a definitive 4xx
(`409 stale_lease`: the lease ended without it, the controller settles the job on its own).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import structlog

from farmcore.client import ControllerError, FarmClient
from farmcore.protocol import CompleteIn

log = structlog.get_logger()


def transient(exc: ControllerError) -> bool:
    """Worth sending again: the controller was not reached, failed, or asks us to wait."""
    return exc.status == 0 or exc.status >= 500 or exc.status in (401, 408, 429)


class Outbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def _path(self, token: int) -> Path:
        return self.folder / f"{token}.json"

    def put(self, token: int, body: CompleteIn) -> None:
        """Keep the outcome of lease `token` (durably) before the first attempt to send it."""
        tmp = self.folder / f".{token}.json.tmp"
        tmp.write_text(json.dumps(body.model_dump(mode="json")), encoding="utf-8")
        tmp.replace(self._path(token))

    def tokens(self) -> list[int]:
        out = []
        for path in self.folder.glob("*.json"):
            try:
                out.append(int(path.stem))
            except ValueError:
                continue
        return sorted(out)

    def __len__(self) -> int:
        return len(self.tokens())

    def send(self, client: FarmClient, token: int) -> bool | None:
        """Try to deliver one outcome: True settled, False dropped (definitive refusal), None
        kept for later (controller unreachable or failing); a transient error is re-raised
        only through the return value, never as an exception."""
        with self._lock:
            path = self._path(token)
            try:
                body = CompleteIn.model_validate_json(path.read_bytes())
            except FileNotFoundError:
                return True  # another thread delivered it
            except ValueError:
                log.error("outbox_entry_unreadable", lease=token)
                path.unlink(missing_ok=True)
                return False
            try:
                out = client.complete(token, body)
            except ControllerError as exc:
                if transient(exc):
                    return None
                log.warning(
                    "outbox_dropped",
                    lease=token,
                    outcome=body.outcome,
                    status=exc.status,
                    code=exc.code,
                    reason=exc.message[:200],
                )
                path.unlink(missing_ok=True)
                return False
            path.unlink(missing_ok=True)
            log.info(
                "lease_completed",
                lease=token,
                job_id=out.job_id,
                outcome=body.outcome,
                code=body.error_code,
                state=out.state,
            )
            return True

    def flush(self, client: FarmClient) -> int:
        """Send every kept outcome, oldest lease first; stops at the first that cannot be
        sent now. Returns how many remain."""
        tokens = self.tokens()
        for n, token in enumerate(tokens):
            if self.send(client, token) is None:
                return len(tokens) - n
        return 0
