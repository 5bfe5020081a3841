"""Reading Instagram's engagement counters as numbers, in English and Spanish.

The app writes a count in several ways, all seen on real phones:
- exact with grouping: "1,234" (en), "1.234" (es), "110,131 likes" in a media description;
- abbreviated next to the buttons: "110K", "12.5K", "3M" (en); "12,5 mil", "3 M", "1,2 M" (es);
- in sentences: "Liked by anna and 12 others", "View all 56 comments", "Seen by 40",
  "Reel by X, 4 likes, 1 comment, December 9" (a media's content-desc), "View Count 140".

`parse_count` reads one number; `counts_in` reads the likes/comments/views a sentence names.
An abbreviated count is approximate by nature (110K stands for 110,000–110,999): it is kept
as the app shows it, the closest reading the phone gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# multipliers after a number (casefolded): thousands and millions in en / es
_SCALES = {
    "k": 1_000,
    "mil": 1_000,
    "m": 1_000_000,
    "mill": 1_000_000,
    "mill.": 1_000_000,
    "mln": 1_000_000,
    "b": 1_000_000_000,
}
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+|\d+(?:[.,]\d+)?)"
    r"(?:\s?(mill\.|mill|mln|mil|k|m|b)(?![a-z]))?",
    re.IGNORECASE,
)


def parse_count(text: str) -> int | None:
    """The first count in `text` as an integer, or None when it holds no number.

    "1,234" / "1.234" / "1 234" → 1234 (a separator followed by exactly three digits groups
    thousands); "12.5K" / "12,5 mil" → 12500; "3M" / "3 M" → 3000000; "1,2 mil" → 1200.
    """
    m = _NUMBER.search(text.replace("\u00a0", " "))
    if m is None:
        return None
    digits, unit = m.group(1), (m.group(2) or "").casefold()
    scale = _SCALES.get(unit, 1)
    if scale == 1 and re.fullmatch(r"\d{1,3}(?:[.,\u202f ]\d{3})+", digits):
        return int(re.sub(r"[.,\u202f ]", "", digits))  # grouped thousands
    # abbreviated: the separator is the decimal mark ("12.5K", "12,5 mil", "1,2 M")
    value = float(re.sub(r"[\u202f ]", "", digits).replace(",", "."))
    return round(value * scale)


# words of each counter (casefolded), en + es, as the app writes them after/before a number
_WORDS = {
    "likes": ("likes", "like", "me gusta", "others", "otras personas", "personas más", "más"),
    "comments": ("comments", "comment", "comentarios", "comentario"),
    "views": (
        "views",
        "view",
        "plays",
        "play",
        "reproducciones",
        "reproducción",
        "visualizaciones",
        "visualización",
    ),
}
_BEFORE = {
    "views": ("view count", "seen by", "visto por", "vista por"),
    "comments": ("view all", "ver los", "ver las", "ver todos los", "ver 1"),
    "likes": (),
}
_COUNT = (
    r"(\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+|\d+(?:[.,]\d+)?)"
    r"(?:\s?(?:mill\.|mill|mln|mil|k|m|b)(?![a-z]))?"
)


@dataclass(frozen=True)
class Counts:
    likes: int | None = None
    comments: int | None = None
    views: int | None = None


def counts_in(text: str) -> Counts:
    """The likes, comments and views a sentence names ("4 likes, 1 comment", "Liked by a and
    12 others", "View all 56 comments", "View Count 140", "Seen by 40"), each None when absent."""
    t = text.replace("\u00a0", " ").casefold()
    found: dict[str, int | None] = {"likes": None, "comments": None, "views": None}
    for key in ("views", "comments", "likes"):
        for word in _BEFORE[key]:
            m = re.search(re.escape(word) + r"\s+" + _COUNT, t)
            if m and found[key] is None:
                found[key] = parse_count(m.group(0)[len(word) :])
        if found[key] is not None:
            continue
        for word in _WORDS[key]:
            m = re.search(_COUNT + r"\s+" + re.escape(word) + r"(?![a-záéíóú])", t)
            if m:
                found[key] = parse_count(m.group(0))
                if key == "likes" and word in ("others", "otras personas", "personas más", "más"):
                    found[key] = (found[key] or 0) + 1  # "a and 12 others" is 13 likes
                break
    return Counts(**found)
