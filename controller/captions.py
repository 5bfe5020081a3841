"""Caption rules by kind, as Instagram publishes them: stories carry no caption; feed,
carousel and reel captions have at most 2200 characters (checked by the request schema),
30 hashtags and 20 @mentions."""

from __future__ import annotations

import re

from controller.errors import ApiError

MAX_HASHTAGS = 30
MAX_MENTIONS = 20
# a tag starts a word: "#sale" and "(#sale" count, "a#b" and "&#35;" do not
HASHTAG = re.compile(r"(?<![\w&#])#\w+")
# "@acme.shop" counts, an e-mail address ("info@acme.shop") does not
MENTION = re.compile(r"(?<![\w@])@[\w.]+")


def check(kind: str, caption: str) -> None:
    """422 with a precise code when `caption` cannot go out with a post of `kind`."""
    if kind == "story":
        if caption:
            raise ApiError(422, "caption_not_allowed", "stories carry no caption; leave it empty")
        return
    hashtags = len(HASHTAG.findall(caption))
    if hashtags > MAX_HASHTAGS:
        raise ApiError(
            422,
            "caption_too_many_hashtags",
            f"{hashtags} hashtags; Instagram allows at most {MAX_HASHTAGS}",
        )
    mentions = len(MENTION.findall(caption))
    if mentions > MAX_MENTIONS:
        raise ApiError(
            422,
            "caption_too_many_mentions",
            f"{mentions} @mentions; Instagram allows at most {MAX_MENTIONS}",
        )
