"""What ops should do about each failure code: one table next to the error registries
(`flows.errors.ERROR_KINDS` says what a code means, `media.errors.ERROR_CODES` for media);
the console shows the meaning and this fix side by side (`GET /v1/errors`)."""

from __future__ import annotations

FIXES: dict[str, str] = {
    # flows (flows.errors.ERROR_KINDS)
    "auth_wrong_password": "Set the new password (farm accounts reauth USER --password-stdin "
    "--login) or the console's Re-authenticate with login.",
    "auth_login_required": "Re-authenticate with login: the agent logs the account in on its "
    "phone with the stored password.",
    "auth_challenge_required": "Confirm it's you on the phone (code by e-mail/SMS), then "
    "Re-authenticate without login.",
    "auth_two_factor_enabled": "Turn two-factor login off in the app's settings, then "
    "Re-authenticate.",
    "account_wrong_user": "Switch the phone's app to the right account (or log the other one "
    "out), then Re-authenticate.",
    "account_private": "Make the account public in the app, then Re-authenticate.",
    "account_too_few_posts": "Publish by hand until the account has 5 posts, then Re-authenticate.",
    "action_blocked": "Wait (usually 24-48 h) and lower the account's pacing before "
    "Re-authenticate; do not retry sooner.",
    "account_disabled": "Remove the account from the farm; Instagram allows no appeal from the "
    "phone.",
    "account_suspended": "Appeal in the app before the deadline it shows, then Re-authenticate.",
    "checkpoint_required": "A person completes the ID upload, captcha or video selfie on the "
    "phone, then Re-authenticate.",
    "media_rejected": "Replace the media (see the message for the rule it broke) and edit the "
    "post.",
    "device_offline": "Check the phone's cable and adb (or reboot it from the Phones table); "
    "retry the post.",
    "app_crashed": "Retry; if it repeats, reboot the phone or update/reinstall the app.",
    "app_update_required": "Update Instagram on the phone (Play Store), add the version to "
    "farm.yaml's checked_versions after QA, then retry.",
    "media_not_in_gallery": "Retry; if it repeats, reboot the phone (its media scanner is stuck).",
    "insights_unavailable": "Nothing: a personal account shows no Insights; its best time is "
    "estimated from its posts. Switch it to a professional account in the app to read them.",
    "ui_unrecognized": "Open the UI dump: a new screen or layout. Dismiss it on the phone and "
    "retry; report the dump to the flows' maintainers.",
    "upload_failed": "Retry; check the phone's network if several posts fail.",
    "publish_unconfirmed": "Nothing: a verification lease checks the profile before any retry.",
    "rate_limited": "Wait an hour and retry; lower the account's pacing.",
    "timeout": "Retry; if it repeats, the phone is slow: reboot it.",
    "internal_error": "Retry; if it repeats, send the agent's log to the developers.",
    # media (media.errors.ERROR_CODES)
    "unsupported_format": "Convert to JPEG, PNG or MP4 and upload again.",
    "unsupported_codec": "Re-encode the video as H.264/AAC MP4.",
    "corrupt_media": "Export the file again; it is truncated or damaged.",
    "file_too_large": "Compress or trim the file.",
    "image_too_small": "Use an image of at least 640x640 pixels.",
    "image_too_large_pixels": "Downscale the image (over the decompression-bomb guard).",
    "video_too_small": "Use a video at least 640 px on its short side.",
    "video_too_short": "Use a longer video (3 s minimum for feed).",
    "video_too_long": "Trim the video to the kind's limit.",
    "no_video_stream": "The file has no picture: export the video again.",
    "processing_timeout": "Retry; shorten the video if it repeats.",
    "ffmpeg_missing": "Install ffmpeg on the agent host (or reinstall imageio-ffmpeg).",
    "ffmpeg_failed": "Retry; re-encode the file if it repeats.",
}


def fix_for(code: str | None) -> str:
    return FIXES.get(code or "", "")
