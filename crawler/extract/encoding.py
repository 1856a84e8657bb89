"""Decode page bytes ourselves: portals mislabel GBK pages as UTF-8 and vice versa.

Scrapy's ``response.text`` trusts the HTTP header, which turns a GBK page served with
``charset=utf-8`` into mojibake (DOMAIN.md §2). Valid UTF-8 with non-ASCII text is a strong
signal no label can beat; otherwise the declared charsets are tried, the GB family decoded as
GB18030 (their superset).
"""

from __future__ import annotations

import codecs

from crawler.extract import patterns

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _normalise(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in patterns.GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    """Charsets the page claims, header first then ``<meta>``, normalised and without repeats."""
    found: list[str] = []
    if content_type and (match := patterns.HEADER_CHARSET.search(content_type)):
        found.append(match.group(1))
    if match_meta := patterns.META_CHARSET.search(body[:4096]):
        found.append(match_meta.group(1).decode("ascii", "replace"))
    names = [name for name in map(_normalise, found) if name]
    return list(dict.fromkeys(names))


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` for page bytes, never raising on bad input."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace"), name
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return text, "utf-8"
    for name in [*declared_charsets(body, content_type), "gb18030"]:
        if name == "utf-8":
            continue
        try:
            return body.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("gb18030", errors="replace"), "gb18030"
