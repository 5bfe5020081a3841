"""Every error code of the system, with its meaning and the policy that follows from it.

Three domains share this one registry:

- `flow`: how a lease can fail on the phone (the agent reports it; the job's `error.code`).
  `retryable` says whether the controller may run the job again; `holds_account` names the
  account state an account-level failure puts the account in (its queue is then held until
  ops re-authenticate). Adding a flow code here is all the controller needs to handle it.
- `media`: why the media pipeline refused a file (a 422 at submission, `media_rejected` on the
  agent). `retryable`: whether trying the same file again can help.
- `api`: the stable codes of the HTTP API's error body, with their HTTP status.

docs/errors.md is generated from this module (`python -m farmcore.codes > docs/errors.md`) and
`tests/test_codes.py` fails when the two disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from farmcore.vocab import AccountState

Domain = Literal["flow", "media", "api"]


@dataclass(frozen=True)
class ErrorCode:
    code: str
    domain: Domain
    description: str
    retryable: bool = False
    holds_account: AccountState | None = None
    status: int | None = None  # api codes: the HTTP status they come with

    @property
    def account_level(self) -> bool:
        return self.holds_account is not None


NEEDS_AUTH = AccountState.NEEDS_AUTH
CHALLENGE = AccountState.CHALLENGE
DISABLED = AccountState.DISABLED


def _flow(code: str, retryable: bool, holds: AccountState | None, description: str) -> ErrorCode:
    return ErrorCode(code, "flow", description, retryable, holds)


def _media(code: str, retryable: bool, description: str) -> ErrorCode:
    return ErrorCode(code, "media", description, retryable)


def _api(status: int, code: str, description: str) -> ErrorCode:
    return ErrorCode(code, "api", description, status=status)


FLOW = [
    _flow("auth_wrong_password", False, NEEDS_AUTH, "Instagram rejected the stored password"),
    _flow("auth_login_required", False, NEEDS_AUTH, "the app is logged out on this device"),
    _flow("auth_challenge_required", False, CHALLENGE, "Instagram asks to confirm it's you"),
    _flow("auth_two_factor_enabled", False, NEEDS_AUTH, "two-factor login is on; turn it off"),
    _flow("account_wrong_user", False, NEEDS_AUTH, "the app is logged in as another user"),
    _flow("account_private", False, NEEDS_AUTH, "the account is private"),
    _flow("account_too_few_posts", False, NEEDS_AUTH, "the account has fewer than 5 posts"),
    _flow("action_blocked", False, NEEDS_AUTH, "Instagram restricts this account for now"),
    _flow(
        "account_disabled",
        False,
        DISABLED,
        "Instagram disabled the account (no appeal from the phone): remove it from the farm",
    ),
    _flow(
        "account_suspended",
        False,
        DISABLED,
        "Instagram suspended the account: appeal in the app before the deadline it shows",
    ),
    _flow(
        "checkpoint_required",
        False,
        CHALLENGE,
        "Instagram asks for an ID photo, a captcha or a video selfie: a person completes it "
        "on the phone, then ops re-authenticate the account",
    ),
    _flow("media_rejected", False, None, "Instagram or the pipeline refused the media"),
    _flow("device_offline", True, None, "the phone stopped answering"),
    _flow("app_crashed", True, None, "the Instagram app crashed"),
    _flow("app_update_required", False, None, "the app demands an update"),
    _flow("media_not_in_gallery", True, None, "the pushed media did not show in the gallery"),
    _flow(
        "insights_unavailable",
        False,
        None,
        "the account shows no Insights (a personal account): the best time is estimated",
    ),
    _flow("ui_unrecognized", True, None, "a screen the flow does not know"),
    _flow("upload_failed", True, None, "the upload failed in the app"),
    _flow(
        "publish_unconfirmed",
        True,
        None,
        "after Share the app showed neither success nor failure: verification decides",
    ),
    _flow("rate_limited", True, None, "Instagram says try again later"),
    _flow("timeout", True, None, "the flow ran out of time or steps"),
    _flow("internal_error", True, None, "an unexpected error in the agent"),
]

MEDIA = [
    _media("file_not_found", False, "there is no file at that path"),
    _media("empty_file", False, "the file has no bytes"),
    _media("unsupported_format", False, "not a JPEG, PNG, MP4/MOV or Matroska/WebM file"),
    _media("unsupported_codec", False, "the video or audio codec is not accepted"),
    _media("corrupt_media", False, "the file is truncated, damaged or has a broken index"),
    _media("file_too_large", False, "the file is over the size limit"),
    _media("image_too_small", False, "the image is under 640×640 pixels"),
    _media("image_too_large_pixels", False, "too many pixels (decompression bomb guard)"),
    _media("video_too_small", False, "the video is under 640 px on its short side"),
    _media("video_too_short", False, "the video is shorter than the kind allows"),
    _media("video_too_long", False, "the video is longer than the kind allows"),
    _media("no_video_stream", False, "the file has no video stream (audio only?)"),
    _media("kind_not_allowed", False, "this media kind cannot be posted as this job kind"),
    _media("feed_item_count", False, "a feed post takes exactly one item"),
    _media("carousel_item_count", False, "a carousel takes 2 to 10 items"),
    _media("story_item_count", False, "a story takes exactly one item"),
    _media("reel_item_count", False, "a reel takes exactly one video"),
    _media("unknown_kind", False, "the job kind is not feed, carousel, story or reel"),
    _media("bad_option", False, "an option (fit, aspect) has a value we do not know"),
    _media("processing_timeout", True, "ffmpeg ran out of time and was stopped"),
    _media("ffmpeg_missing", False, "no usable ffmpeg binary was found"),
    _media("ffmpeg_failed", True, "ffmpeg failed on a file it could read"),
    _media("internal_error", True, "an unexpected error in the media pipeline"),
]

API = [
    _api(400, "bad_request", "the request cannot be read"),
    _api(401, "unauthorized", "no bearer token, or one nobody issued (or revoked)"),
    _api(403, "forbidden", "the caller's role may not do this"),
    _api(403, "agent_name_mismatch", "the agent key is bound to another agent name"),
    _api(403, "team_leader_only", "only the team's leader manages its sub-users"),
    _api(403, "sub_user_forbidden", "a team's sub-user may not do this: its leader does"),
    _api(403, "not_your_post", "a sub-user changes only the posts it submitted"),
    _api(403, "agent_key_unbound", "an agent key made without --agent: make a bound one"),
    _api(403, "not_your_list", "a sub-user changes only the cyclic lists it made"),
    _api(404, "not_found", "no such route"),
    _api(404, "job_not_found", "no such job (or another key's)"),
    _api(404, "account_not_found", "no such account (or another key's)"),
    _api(404, "media_not_found", "no media with that SHA-256"),
    _api(404, "webhook_not_found", "no such webhook subscription"),
    _api(404, "evidence_not_found", "no evidence file of that name"),
    _api(404, "lease_not_found", "no such lease for this agent"),
    _api(404, "key_not_found", "no API key with that id"),
    _api(404, "notification_not_found", "no such notification (or another key's)"),
    _api(404, "asset_not_found", "no console asset of that name"),
    _api(404, "team_not_found", "no such team (or not the caller's)"),
    _api(404, "member_not_found", "that key is not a sub-user of the team"),
    _api(404, "cyclic_list_not_found", "no such cyclic list (or another key's)"),
    _api(404, "cyclic_post_not_found", "no such post in this cyclic list"),
    _api(405, "method_not_allowed", "the route does not take this method"),
    _api(409, "conflict", "the request conflicts with the resource's state"),
    _api(409, "illegal_transition", "the job's state does not allow this change"),
    _api(409, "job_not_editable", "the job is leased or finished; it cannot change"),
    _api(409, "not_pending_approval", "only a job awaiting approval can be approved"),
    _api(409, "approval_expired", "the job's time passed before approval; it is paused"),
    _api(409, "reschedule_required", "the job awaits approval and its time has passed"),
    _api(409, "username_taken", "an account with that username exists"),
    _api(409, "device_full", "the device already holds five accounts"),
    _api(409, "stale_lease", "the lease ended, was superseded or was settled otherwise"),
    _api(409, "duplicate_submission", "the same idempotency key is being submitted"),
    _api(409, "device_owned_by_another_agent", "the phone is another agent's: ops move it"),
    _api(409, "no_device_available", "no phone has room for the account (placement rule)"),
    _api(409, "account_busy", "one of the account's jobs is on its phone right now"),
    _api(409, "device_quarantined", "the phone is quarantined: release it first"),
    _api(409, "device_not_held", "the phone is neither drained nor quarantined"),
    _api(409, "device_offline", "the phone is offline: its agent cannot reboot it"),
    _api(409, "already_in_team", "the key already leads or belongs to a team"),
    _api(409, "key_owns_accounts", "the key owns accounts: ops transfer them to the leader first"),
    _api(409, "leader_not_member", "the team's leader is not a sub-user: it cannot be removed"),
    _api(409, "cyclic_list_paused", "the cyclic list is paused already"),
    _api(409, "cyclic_list_active", "the cyclic list is not paused"),
    _api(409, "cyclic_period_ended", "resume refused: the cyclic list's end date has passed"),
    _api(409, "cyclic_permissions_broke", "resume refused: the account is not active"),
    _api(409, "cyclic_too_few_posts", "resume refused: too few posts for the list's settings"),
    _api(413, "payload_too_large", "the request body is over its limit"),
    _api(415, "unsupported_media_type", "the body's content type is not accepted"),
    _api(422, "invalid_request", "the request is not valid"),
    _api(422, "missing_field", "a required field is missing"),
    _api(422, "invalid_field", "a field has a value outside its rules"),
    _api(422, "too_many_devices", "more phones in one agent's request than the controller takes"),
    _api(422, "invalid_json", "the body is not valid JSON"),
    _api(422, "invalid_value", "a value cannot be stored or compared"),
    _api(422, "invalid_cursor", "the cursor is not one this API returned"),
    _api(422, "unknown_state", "no job state of that name"),
    _api(422, "serial_mismatch", "the body's serial differs from the path's"),
    _api(422, "idempotency_conflict", "the idempotency key was used with another body"),
    _api(422, "caption_not_allowed", "this post kind takes no caption"),
    _api(422, "caption_too_many_hashtags", "the caption has more than 30 hashtags"),
    _api(422, "caption_too_many_mentions", "the caption has more than 20 mentions"),
    _api(422, "timezone_required", "a time needs a UTC offset or a time zone"),
    _api(422, "scheduled_at_out_of_range", "the time is too far in the past or the future"),
    _api(422, "missed_window", "the time is in the past beyond the grace period"),
    _api(422, "webhook_url_forbidden", "a private, loopback or metadata address (not allowed)"),
    _api(422, "invalid_action", "no phone action of that name"),
    _api(422, "thumbnail_failed", "no thumbnail can be made of this media"),
    _api(422, "unknown_timezone", "no IANA time zone of that name"),
    _api(422, "nonexistent_local_time", "the local time falls in a spring-forward gap"),
    _api(422, "device_not_found", "no such device"),
    _api(422, "device_not_registered", "the device is not this agent's"),
    _api(422, "unknown_error_code", "the agent reported a code this registry lacks"),
    _api(422, "invalid_outcome", "the outcome does not fit the lease's purpose"),
    _api(422, "invalid_evidence", "the evidence screenshot is not base64"),
    _api(422, "login_lease", "a login lease takes no progress events"),
    _api(422, "owner_not_found", "no scheduler key of that name"),
    _api(422, "owner_ambiguous", "several scheduler keys have that name"),
    _api(422, "key_not_usable", "not a live scheduler key"),
    _api(422, "batch_rejected", "all_or_nothing: a row failed, nothing was created"),
    _api(422, "batch_too_large", "over 500 rows"),
    _api(422, "empty_batch", "the batch has no rows"),
    _api(422, "invalid_csv", "the CSV cannot be read"),
    _api(422, "unknown_column", "the CSV has a column no job field matches"),
    _api(422, "missing_column", "the CSV lacks a required column"),
    _api(422, "invalid_row", "a batch row is not an object"),
    _api(422, "invalid_window", "a cyclic list's window must end after it starts (same day)"),
    _api(422, "invalid_period", "a cyclic list's end date is before its start date"),
    _api(422, "too_many_posts", "a cyclic list holds at most 200 posts"),
    _api(422, "invalid_best_within", "best_within is not a day or a from/to range"),
    _api(422, "best_within_past", "the best_within range has no hour left in the future"),
    _api(422, "best_within_without_best", 'best_within is only for scheduled_at "best"'),
    _api(500, "internal_error", "a bug: the log line `unhandled_error` has the request id"),
    _api(503, "database_unavailable", "the database cannot be reached: retry after a while"),
]


def _index(entries: list[ErrorCode]) -> dict[str, ErrorCode]:
    index = {e.code: e for e in entries}
    assert len(index) == len(entries), "a code is listed twice in one domain"
    return index


FLOW_CODES: dict[str, ErrorCode] = _index(FLOW)
MEDIA_CODES: dict[str, ErrorCode] = _index(MEDIA)
API_CODES: dict[str, ErrorCode] = _index(API)


def account_state_for(code: str | None) -> AccountState | None:
    """The state an account is put in by this flow failure; None: not the account's problem."""
    entry = FLOW_CODES.get(code or "")
    return entry.holds_account if entry is not None else None


def markdown() -> str:
    """docs/errors.md, generated: one table per domain."""
    lines = [
        "# Error codes",
        "",
        "Generated from `farmcore/codes.py` by `python -m farmcore.codes > docs/errors.md`;",
        "`tests/test_codes.py` fails when this page and the registry disagree.",
        "",
        "## Publish failures (`flow`)",
        "",
        "| code | retryable | account state it holds | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for e in FLOW:
        holds = f"`{e.holds_account}`" if e.holds_account else "—"
        lines.append(f"| `{e.code}` | {_yes(e.retryable)} | {holds} | {e.description} |")
    lines += ["", "## Media (`media`)", "", "| code | retryable | meaning |", "| --- | --- | --- |"]
    for e in MEDIA:
        lines.append(f"| `{e.code}` | {_yes(e.retryable)} | {e.description} |")
    lines += ["", "## HTTP API (`api`)", "", "| status | code | meaning |", "| --- | --- | --- |"]
    for e in API:
        lines.append(f"| {e.status} | `{e.code}` | {e.description} |")
    lines.append(
        "\nMedia codes also answer a submission with status 422 (413 for an upload over "
        "`max_upload_bytes`)."
    )
    return "\n".join(lines) + "\n"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


if __name__ == "__main__":
    print(markdown(), end="")
