"""Selectors: how an element is found, as data.

An `Element` is a list of alternatives tried in order — resource ids first, then content-desc,
then visible text — because Instagram renames ids between builds and ships A/B layouts. Texts and
content-descs are not literal strings but keys of the locale table (`flows.resources.TEXTS`), so
one element matches in every language we know. Matching is case-insensitive and ignores the
difference between `…` and `...` and between typographic and straight apostrophes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from flows.hierarchy import Hierarchy, Node

ID_PREFIX_SEP = ":id/"


@dataclass(frozen=True)
class Element:
    """One thing on screen, described by alternatives.

    ids: resource ids without the package prefix (`share_footer_button`) or fully qualified
        (`android:id/aerr_close`); a short id matches any package's id of that name; `*part`
        matches any id containing `part`.
    descs / texts: keys of `TEXTS` (or literal strings, used as-is when not a key).
    match: "exact" (whole string), "prefix" or "contains" for descs and texts.
    package: restrict to nodes of this package (None: any).
    classes: restrict to these view classes (suffix match, e.g. "ImageView").
    fallback_classes: the last alternative, for views the app gives neither id nor words
        (e.g. the caption of an opened post): any node of these classes (suffix match).
    """

    name: str
    ids: tuple[str, ...] = ()
    descs: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    match: str = "exact"
    package: str | None = None
    classes: tuple[str, ...] = ()
    fallback_classes: tuple[str, ...] = ()


def normalize(value: str) -> str:
    return (
        value.replace("\u2026", "...")
        .replace("\u2019", "'")
        .replace("\u00a0", " ")
        .strip()
        .casefold()
    )


@lru_cache(maxsize=1024)
def _variants(keys: tuple[str, ...]) -> tuple[str, ...]:
    from flows.resources import TEXTS

    out: list[str] = []
    for key in keys:
        table = TEXTS.get(key)
        if table is None:
            out.append(normalize(key))
            continue
        for words in table.values():
            out.extend(normalize(w) for w in words)
    return tuple(dict.fromkeys(out))


def text_variants(*keys: str) -> tuple[str, ...]:
    """Every normalized string that the locale keys stand for, in every known language."""
    return _variants(tuple(keys))


def _matches(normalized: str, variants: Iterable[str], how: str) -> bool:
    if not normalized:
        return False
    if how == "exact":
        return normalized in variants
    if how == "prefix":
        return any(normalized.startswith(w) for w in variants)
    return any(w in normalized for w in variants)


def _string_matches(value: str, variants: Iterable[str], how: str) -> bool:
    return _matches(normalize(value) if value else "", variants, how)


def _id_matches(resource_id: str, wanted: str) -> bool:
    if not resource_id:
        return False
    if wanted.startswith("*"):
        return wanted[1:] in resource_id
    if ID_PREFIX_SEP in wanted:
        return resource_id == wanted
    return resource_id.endswith(ID_PREFIX_SEP + wanted) or resource_id == wanted


def _node_ok(element: Element, node: Node) -> bool:
    if element.package is not None and node.package != element.package:
        return False
    return not element.classes or any(node.class_name.endswith(c) for c in element.classes)


def _normalized(ui: Hierarchy) -> list[tuple[Node, str, str]]:
    """(node, text, content-desc) normalized once per dump."""
    memo = ui.cache.get("normalized")
    if memo is None:
        memo = [
            (
                n,
                normalize(n.text) if n.text else "",
                normalize(n.content_desc) if n.content_desc else "",
            )
            for n in ui.nodes
            if n.text or n.content_desc
        ]
        ui.cache["normalized"] = memo
    return memo  # type: ignore[return-value]


def _by_id(ui: Hierarchy, wanted: str) -> list[Node]:
    if wanted.startswith("*") or ID_PREFIX_SEP in wanted:
        return [n for n in ui.nodes if _id_matches(n.resource_id, wanted)]
    return ui.by_id.get(wanted, [])


def find_all(ui: Hierarchy, element: Element) -> list[Node]:
    """All nodes matching the first alternative that matches anything, in document order."""
    for wanted in element.ids:
        hits = [n for n in _by_id(ui, wanted) if _node_ok(element, n)]
        if hits:
            return hits
    if element.descs or element.texts:
        table = _normalized(ui)
        if element.descs:
            variants = text_variants(*element.descs)
            hits = [
                n
                for n, _, d in table
                if _matches(d, variants, element.match) and _node_ok(element, n)
            ]
            if hits:
                return hits
        if element.texts:
            variants = text_variants(*element.texts)
            hits = [
                n
                for n, t, _ in table
                if _matches(t, variants, element.match) and _node_ok(element, n)
            ]
            if hits:
                return hits
    if element.fallback_classes:
        return [
            n
            for n in ui.nodes
            if any(n.class_name.endswith(c) for c in element.fallback_classes)
            and _node_ok(element, n)
        ]
    return []


def find(ui: Hierarchy, element: Element) -> Node | None:
    """The first node matching the element, or None."""
    hits = find_all(ui, element)
    return hits[0] if hits else None


def exists(ui: Hierarchy, element: Element) -> bool:
    return find(ui, element) is not None


def text_is(value: str, *keys: str, how: str = "exact") -> bool:
    """Whether a string equals (or starts with / contains) one of the locale variants."""
    return _string_matches(value, text_variants(*keys), how)
