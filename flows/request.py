"""What a publish flow is asked to do, and what it reports back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from farmcore.vocab import MediaType as MediaTypes
from farmcore.vocab import PostKind as PostKinds
from farmcore.vocab import values

# the shared vocabulary (farmcore/vocab.py), as the Literal types flows annotate with
PostKind = Literal[values(PostKinds)]  # type: ignore[valid-type]
MediaType = Literal[values(MediaTypes)]  # type: ignore[valid-type]


@dataclass
class PublishRequest:
    """One post to publish on the phone, its media already pushed and media-scanned.

    `remote_paths` are in the order the items must appear; the newest file in the gallery is
    the last one pushed. `marker` is a short tag included in the caption so the verification
    flow can find exactly this post on the profile.
    """

    kind: PostKind
    username: str
    caption: str
    media_types: list[MediaType]
    remote_paths: list[str]
    marker: str = ""


@dataclass
class FlowStats:
    """Cost of a flow run: hierarchy dumps are the expensive part on a real phone."""

    dumps: int = 0
    taps: int = 0
    steps: int = 0
    screens: list[str] = field(default_factory=list)
