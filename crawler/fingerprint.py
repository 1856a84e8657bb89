"""Identity of pages and texts: URL canonicalisation and content hashes."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.textutil import normalise_space

# Query parameters that track visitors and never change the page.
TRACKING_PARAMETERS = re.compile(r"^(utm_\w+|spm|from|share_token|timestamp|_t|t|v|random)$", re.IGNORECASE)
_DIRECTORY_INDEX = re.compile(r"/index\.(s?html?|jsp|php|aspx?)$", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, fragment, tracking
    parameters or trailing ``index.html``; remaining parameters sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    default_port = {"http": 80, "https": 443}.get(scheme)
    netloc = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    path = _DIRECTORY_INDEX.sub("/", parts.path or "/")
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not TRACKING_PARAMETERS.match(k)
        )
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def content_hash(text: str) -> str:
    """SHA-256 of the text with all white space removed, so re-wrapped copies hash alike."""
    compact = re.sub(r"\s+", "", normalise_space(text))
    return hashlib.sha256(compact.encode("utf-8")).hexdigest()
