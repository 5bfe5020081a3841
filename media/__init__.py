"""igfarm media: probe, validate and prepare images and videos for Instagram targets.

The controller calls `probe` and `validate_for_kind` at upload and submission; the agent calls
`prepare` (with a cache) before pushing a file to the phone. See docs/media.md.
"""

from media.errors import ERROR_CODES, MediaError
from media.pipeline import Prepared, check_item, prepare, prepare_carousel, validate_for_kind
from media.probe import MediaInfo, probe
from media.profiles import KINDS, PROFILES

__all__ = [
    "ERROR_CODES",
    "KINDS",
    "PROFILES",
    "MediaError",
    "MediaInfo",
    "Prepared",
    "check_item",
    "prepare",
    "prepare_carousel",
    "probe",
    "validate_for_kind",
]
