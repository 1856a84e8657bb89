"""Lists a script fills from JSON, read without a browser.

A column page whose list is empty as served and filled by a script (``looks_script_filled``) often
names the JSON its script asks for right in the page: ``xhr.open("GET", "/col/list.json?_=" + t)``.
Then the list is that JSON: fetched as any page and read here, its items' links resolved against the
column page (where a browser would show them), with no browser and none of the page's other scripts.
Only an address the page spells out whole is taken; one the script completes (a blank ``page=`` or
``channelId=``) is not, and the browser renders the page as before.

* :func:`data_urls` — the JSON addresses a page's inline scripts name, on the page's own host.
* :func:`data_links` — ``(url, title)`` of the items of a JSON (or JSONP) list, None if it is none.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from crawler.extract.textutil import normalise_space

# An inline script (one with a src is another file, not read here).
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
# A string literal that is the address of a .json file, with or without a query.
_JSON_LITERAL = re.compile(r"""(["'])((?:https?://[^"'\s/]+)?[^"'\s:]*?[\w-]\.json(?:\?[^"'\s]*)?)\1""")
# Query parameters a script sets to the time to defeat caches (jQuery's ``_``): dropped when blank.
CACHE_BUSTERS = frozenset({"_", "t", "ts", "time", "timestamp", "r", "rnd", "rand", "random", "v", "nocache"})
# Keys of a list item that hold its address, and its title (compared lower-case).
_URL_KEYS = ("url", "href", "link", "linkurl", "docpuburl", "puburl", "docurl", "pageurl", "fileurl", "path")
_TITLE_KEYS = ("title", "doctitle", "name", "docname", "maintitle", "subject", "text")
_TAG = re.compile(r"<[^>]+>")
_JSONP = re.compile(r"^\s*[\w$.]+\s*\((.*)\)\s*;?\s*$", re.DOTALL)
# At most this many values of a JSON document are looked at.
MAX_NODES = 20_000


def data_urls(page_html: str, page_url: str) -> list[str]:
    """The JSON addresses the page's inline scripts spell out whole, on the page's own host, those in
    the page's own folder first. A cache-busting parameter left blank for the script to fill is
    dropped; an address with any other blank parameter is left out (the script completes it)."""
    page = urlsplit(page_url)
    found: list[str] = []
    for script in _INLINE_SCRIPT.findall(page_html):
        for _, literal in _JSON_LITERAL.findall(script):
            parts = urlsplit(urljoin(page_url, literal))
            if parts.scheme not in ("http", "https") or parts.netloc != page.netloc:
                continue
            query = parse_qsl(parts.query, keep_blank_values=True)
            if any(not value and name not in CACHE_BUSTERS for name, value in query):
                continue
            kept = urlencode([(name, value) for name, value in query if value or name not in CACHE_BUSTERS])
            found.append(urlunsplit((parts.scheme, parts.netloc, parts.path, kept, "")))
    folder = page.path.rsplit("/", 1)[0] + "/"
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda url: not urlsplit(url).path.startswith(folder))


def data_links(body: bytes, page_url: str) -> list[tuple[str, str]] | None:
    """``(absolute url, title)`` of every item of a JSON list that has both (in document order, each
    address once), resolved against ``page_url`` (the page the script fills); None when the body is
    no JSON."""
    data = _load(body)
    if data is None:
        return None
    links: dict[str, str] = {}
    stack: list[Any] = [data]
    seen = 0
    while stack and seen < MAX_NODES:
        value = stack.pop()
        seen += 1
        if isinstance(value, list):
            stack.extend(reversed(value))
            continue
        if not isinstance(value, dict):
            continue
        keys = {str(key).lower(): item for key, item in value.items()}
        address = _first_text(keys, _URL_KEYS)
        title = normalise_space(_TAG.sub("", _first_text(keys, _TITLE_KEYS)))
        if address and title and not address.startswith(("javascript:", "#", "mailto:")):
            links.setdefault(urljoin(page_url, address).split("#", 1)[0], title)
        stack.extend(reversed([item for item in value.values() if isinstance(item, dict | list)]))
    return list(links.items())


def _load(body: bytes) -> Any:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = body.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    wrapped = _JSONP.match(text)
    for candidate in (text, wrapped.group(1) if wrapped else None):
        if candidate is None:
            continue
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def _first_text(keys: dict[str, Any], names: tuple[str, ...]) -> str:
    for name in names:
        value = keys.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""
