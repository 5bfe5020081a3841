"""One worker per phone: runs the leases handed to it, one at a time, and reports back."""

from __future__ import annotations

import base64
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import structlog

import flows
import media
from device_agent.health import Health, read_health
from device_agent.outbox import Outbox
from device_agent.recovery import RecoveryLadder
from farmcore.client import ControllerError, FarmClient
from farmcore.protocol import (
    AudienceReading,
    CompleteIn,
    LeaseEventIn,
    LeaseOut,
    PostReadingIn,
    PreflightIn,
)
from farmcore.protocol import Evidence as EvidenceIn
from farmcore.vocab import PostKind
from flows.driver import Driver, media_scan_command
from flows.errors import ERROR_KINDS, Evidence, FlowError
from flows.request import PublishRequest
from flows.stats import read_stats

REMOTE_DIR = "/sdcard/DCIM/igfarm"
log = structlog.get_logger()


class LeaseLost(Exception):
    """The controller no longer recognises this lease: stop before touching the phone again."""


@dataclass(frozen=True)
class Reboot:
    """Work for the worker's thread: reboot the phone (ops asked)."""

    why: str


class DeviceWorker:
    """Owns one phone. A crash inside a job is reported as that job's failure, never more."""

    def __init__(
        self,
        serial: str,
        driver: Driver,
        client: FarmClient,
        work_dir: Path,
        outbox: Outbox | None = None,
    ) -> None:
        self.serial = serial
        self.driver = driver
        self.client = client
        self.work_dir = work_dir
        self.media_dir = work_dir / "downloads"
        self.cache_dir = work_dir / "prepared"
        self.media_dir.mkdir(parents=True, exist_ok=True)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.outbox = outbox or Outbox(work_dir / "outbox")
        # tokens of the leases handed to this worker and not yet finished (queued or running)
        self._held: set[int] = set()
        self._held_lock = threading.Lock()
        # a lease to run, the usernames of a preflight, a reboot (its reason), or None to stop
        self._queue: queue.Queue[LeaseOut | list[str] | Reboot | None] = queue.Queue()
        self._busy = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"device-{serial}", daemon=True)
        self.recovery = RecoveryLadder(
            serial, driver, lambda event, why: client.device_report(serial, event, why)
        )

    @property
    def busy(self) -> bool:
        return self._busy.is_set() or not self._queue.empty()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def submit(self, lease: LeaseOut) -> None:
        with self._held_lock:
            self._held.add(lease.token)
        self._busy.set()
        self._queue.put(lease)

    def held(self) -> list[int]:
        """The leases this worker still works on (their outcomes are not yet in the outbox)."""
        with self._held_lock:
            return sorted(self._held)

    def submit_preflight(self, usernames: list[str]) -> None:
        """Check the accounts on this phone (logged in, public, 2FA, enough posts) and report
        each result; runs in the worker's thread like a lease, so it never races a publish."""
        self._busy.set()
        self._queue.put(list(usernames))

    def submit_reboot(self, why: str) -> None:
        """Reboot the phone (ops asked) after whatever it is doing, in the worker's thread."""
        self._busy.set()
        self._queue.put(Reboot(why))

    def health(self) -> Health:
        try:
            return read_health(self.driver)
        except Exception as exc:  # a phone that cannot answer the shell is offline
            log.warning("health_read_failed", device=self.serial, error=str(exc)[:200])
            return Health()

    def _loop(self) -> None:
        while True:
            work = self._queue.get()
            if work is None:
                return
            self._busy.set()
            try:
                if isinstance(work, list):
                    self.preflight(work)
                elif isinstance(work, Reboot):
                    self.recovery.reboot_now(work.why)
                else:
                    self.run(work)
            except Exception:
                token = getattr(work, "token", None)
                log.exception("lease_crashed", device=self.serial, lease=token)
            finally:
                if not isinstance(work, (list, Reboot)):  # a lease: no longer held
                    with self._held_lock:
                        self._held.discard(work.token)
                self._busy.clear()

    def preflight(self, usernames: list[str]) -> None:
        for username in usernames:
            try:
                result = flows.preflight(self.driver, username)
            except FlowError as exc:
                body = PreflightIn(ok=False, code=exc.code, message=exc.message)
            else:
                body = PreflightIn(
                    ok=result.ok,
                    code=result.problems[0] if result.problems else None,
                    message="; ".join(ERROR_KINDS[p].description for p in result.problems),
                    checks={
                        "logged_in": result.logged_in,
                        "public": None if result.is_private is None else not result.is_private,
                        "posts": result.post_count,
                        "two_factor": result.two_factor_enabled,
                        "challenge": result.challenge_pending,
                    },
                )
            try:
                self.client.report_preflight(username, body)
                log.info(
                    "preflight_reported",
                    device=self.serial,
                    account=username,
                    ok=body.ok,
                    code=body.code,
                )
            except ControllerError as exc:
                log.warning("preflight_refused", account=username, status=exc.status, code=exc.code)

    # --- one lease -------------------------------------------------------------------------

    def run(self, lease: LeaseOut) -> None:
        token = lease.token
        bound = log.bind(job_id=lease.job_id, lease=token, device=self.serial)
        bound.info("lease_started", purpose=lease.purpose, kind=lease.kind)
        started = time.monotonic()
        try:
            run = {
                "verify": self._verify,
                "login": self._login,
                "insights": self._insights,
                "stats": self._stats,
            }.get(lease.purpose, self._publish)
            body = run(lease)
        except LeaseLost as exc:
            bound.warning("lease_lost", reason=str(exc))
            return
        except FlowError as exc:
            body = self._failure(exc.code, exc.message, exc.evidence)
        except media.MediaError as exc:
            body = self._failure("media_rejected", f"{exc.code}: {exc.message}", None)
        except Exception as exc:
            bound.exception("lease_error")
            body = self._failure("internal_error", f"{type(exc).__name__}: {exc}"[:300], None)
        body.stats["seconds"] = round(time.monotonic() - started, 3)
        # on disk before the first attempt: a lost answer or a killed agent loses nothing,
        # and the agent's loop re-sends it until the controller answers
        self.outbox.put(token, body)
        with self._held_lock:
            self._held.discard(token)
        if self.outbox.send(self.client, token) is None:
            bound.warning("complete_pending", outcome=body.outcome, code=body.error_code)
        # restart the app, reconnect, reboot or quarantine after device-level failures
        self.recovery.after({"outcome": body.outcome, "error_code": body.error_code})

    def _failure(self, code: str, message: str, evidence: Evidence | None) -> CompleteIn:
        if evidence is None or (evidence.screenshot_png is None and evidence.hierarchy_xml is None):
            evidence = self._capture()
        return CompleteIn(
            outcome="failed",
            error_code=code,
            error_message=message[:500],
            evidence=EvidenceIn(
                screenshot_png_b64=base64.b64encode(evidence.screenshot_png).decode()
                if evidence.screenshot_png
                else None,
                hierarchy_xml=evidence.hierarchy_xml,
            ),
        )

    def _capture(self) -> Evidence:
        evidence = Evidence()
        try:
            evidence.screenshot_png = self.driver.screenshot()
            evidence.hierarchy_xml = self.driver.dump_hierarchy()
        except Exception:
            pass
        return evidence

    def _event(self, token: int, kind: str, message: str = "", data: dict | None = None) -> None:
        try:
            self.client.event(token, LeaseEventIn(type=kind, message=message, data=data or {}))
        except ControllerError as exc:
            if exc.status in (404, 409):
                raise LeaseLost(f"{exc.code}") from None
            raise

    def _prepare(self, lease: LeaseOut) -> list[tuple[Path, str]]:
        """Download each item (once) and transcode it for the post kind (cached)."""
        out: list[tuple[Path, str]] = []
        aspect: float | None = None
        for item in lease.media:
            source = self.media_dir / item.id
            if not source.exists():
                self.client.download(item.url, source)
            prepared = media.prepare(
                source, lease.kind, fit=lease.fit, cache_dir=self.cache_dir, aspect=aspect
            )
            if lease.kind == PostKind.CAROUSEL and aspect is None:
                aspect = prepared.info.width / prepared.info.height
            out.append((prepared.path, prepared.info.kind))
        return out

    def _push(self, job_id: int, items: list[tuple[Path, str]]) -> list[str]:
        remote_paths = []
        for n, (path, kind) in enumerate(items, start=1):
            ext = "mp4" if kind == "video" else "jpg"
            remote = f"{REMOTE_DIR}/job{job_id}-{n}.{ext}"
            self.driver.push_file(str(path), remote)
            self.driver.shell(media_scan_command(remote))
            remote_paths.append(remote)
        return remote_paths

    def _cleanup(self, remote_paths: list[str]) -> None:
        for remote in remote_paths:
            try:
                self.driver.shell(f"rm -f {remote}")
                self.driver.shell(media_scan_command(remote))
            except Exception:
                log.warning("cleanup_failed", device=self.serial, path=remote)

    def _publish(self, lease: LeaseOut) -> CompleteIn:
        token = lease.token
        self._event(token, "started", f"on {self.serial}")
        items = self._prepare(lease)
        remote_paths = self._push(lease.job_id or 0, items)
        try:
            request = PublishRequest(
                kind=lease.kind,
                username=lease.account,
                caption=lease.caption,
                media_types=[kind for _, kind in items],
                remote_paths=remote_paths,
                marker=lease.marker,
            )

            def point_of_no_return() -> None:
                self._event(token, "point_of_no_return", "about to tap Share")

            stats = flows.publish(self.driver, request, point_of_no_return)
        finally:
            self._cleanup(remote_paths)
        return CompleteIn(
            outcome="published",
            stats={"dumps": stats.dumps, "taps": stats.taps, "steps": stats.steps},
        )

    def _login(self, lease: LeaseOut) -> CompleteIn:
        """Log the account in with the password the lease carries (then forget it)."""
        password, lease.password = lease.password or "", None
        stats = flows.login(self.driver, lease.account, password)
        return CompleteIn(outcome="logged_in", stats={"dumps": stats.dumps, "taps": stats.taps})

    def _insights(self, lease: LeaseOut) -> CompleteIn:
        """Read the account's audience activity from the app's Insights (professional
        accounts); a personal account fails with `insights_unavailable`."""
        reading = flows.read_audience(self.driver, lease.account)
        return CompleteIn(
            outcome="audience_read",
            audience=AudienceReading(
                by_hour=reading.by_hour,
                by_weekday=reading.by_weekday,
                block_hours=reading.block_hours,
            ),
            stats={"dumps": reading.stats.dumps, "taps": reading.stats.taps},
        )

    def _verify(self, lease: LeaseOut) -> CompleteIn:
        found = flows.verify_post(
            self.driver,
            lease.account,
            lease.marker,
            len(lease.media),
            kind=lease.kind,
            since=lease.since,
            media_types=[item.media_type for item in lease.media],
        )
        return CompleteIn(outcome="verified_published" if found else "verified_absent")

    def _stats(self, lease: LeaseOut) -> CompleteIn:
        """Read the counters of the account's recent posts (it only looks)."""
        result = read_stats(self.driver, lease.account, max_posts=lease.max_posts or 6)
        return CompleteIn(
            outcome="stats_read",
            stats={"dumps": result.stats.dumps, "taps": result.stats.taps},
            readings=[
                PostReadingIn(
                    position=r.position,
                    kind=r.kind,
                    post_ref=r.post_ref,
                    caption=r.caption,
                    likes=r.likes,
                    comments=r.comments,
                    views=r.views,
                    date_label=r.date_label,
                    age_s=r.age_s,
                )
                for r in result.readings
            ],
        )
